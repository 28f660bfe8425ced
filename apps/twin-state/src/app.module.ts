import { Module, type DynamicModule } from '@nestjs/common';
import type { Pool } from 'pg';
import { EVENT_STORE, type EventStore } from '@twinline/event-store';
import { PG_POOL, eventStoreProviders, serviceBasics } from '@twinline/service-kit';
import { TWIN_CONFIG, type TwinConfig } from './config';
import { AssetsController } from './assets/assets.controller';
import { TwinRepository } from './apply-readings/twin-repository';
import { TwinViewProjection } from './twin-view/twin-view.projection';
import { TwinRuntime } from './twin-runtime';

@Module({})
export class TwinStateModule {
  static forConfig(config: TwinConfig, schema: string): DynamicModule {
    const basics = serviceBasics('twin-state', config, TWIN_CONFIG, { postgres: true });
    return {
      module: TwinStateModule,
      controllers: [...basics.controllers, AssetsController],
      providers: [
        ...basics.providers,
        ...eventStoreProviders(schema),
        { provide: TwinRepository, inject: [EVENT_STORE], useFactory: (store: EventStore) => new TwinRepository(store) },
        { provide: TwinViewProjection, inject: [PG_POOL], useFactory: (pool: Pool) => new TwinViewProjection(pool, schema) },
        TwinRuntime,
      ],
    };
  }
}
