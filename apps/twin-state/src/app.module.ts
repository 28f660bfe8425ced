import { Module, type DynamicModule } from '@nestjs/common';
import type { Pool } from 'pg';
import { CHECKPOINT_STORE, EVENT_STORE, PostgresCheckpointStore, PostgresEventStore, type EventStore } from '@twinline/event-store';
import { ConnectionCloser, HealthController, MetricsController, metricsProvider, PG_POOL, Readiness, TOPOLOGY, messagingProvider, poolProvider, topologyFrom } from '@twinline/service-kit';
import { TWIN_CONFIG, type TwinConfig } from './config';
import { AssetsController } from './assets/assets.controller';
import { TwinRepository } from './apply-readings/twin-repository';
import { TwinViewProjection } from './twin-view/twin-view.projection';
import { TwinRuntime } from './twin-runtime';

@Module({})
export class TwinStateModule {
  static forConfig(config: TwinConfig, schema: string): DynamicModule {
    return {
      module: TwinStateModule,
      controllers: [HealthController, MetricsController, AssetsController],
      providers: [
        Readiness,
        { provide: TWIN_CONFIG, useValue: config },
        { provide: TOPOLOGY, useValue: topologyFrom(config) },
        messagingProvider('twin-state', config, topologyFrom(config)),
        poolProvider('twin-state', config),
        { provide: EVENT_STORE, inject: [PG_POOL], useFactory: (pool: Pool) => new PostgresEventStore(pool, { schema }) },
        { provide: CHECKPOINT_STORE, inject: [PG_POOL], useFactory: (pool: Pool) => new PostgresCheckpointStore(pool, { schema }) },
        { provide: TwinRepository, inject: [EVENT_STORE], useFactory: (store: EventStore) => new TwinRepository(store) },
        { provide: TwinViewProjection, inject: [PG_POOL], useFactory: (pool: Pool) => new TwinViewProjection(pool, schema) },
        TwinRuntime,
        metricsProvider,
        ConnectionCloser,
      ],
    };
  }
}
