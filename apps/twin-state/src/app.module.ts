import { Module, type DynamicModule } from '@nestjs/common';
import type { Pool } from 'pg';
import { EVENT_STORE, PostgresSnapshotStore, type EventStore } from '@twinline/event-store';
import { createLogger } from '@twinline/observability';
import { AuditChainController, PG_POOL, ProjectionRebuilds, ProjectionsController, chainAuditProviders, eventStoreProviders, serviceBasics } from '@twinline/service-kit';
import { TWIN_CONFIG, type TwinConfig } from './config';
import { AlarmsController } from './alarms/alarms.controller';
import { AssetsController } from './assets/assets.controller';
import { AssetExportController } from './audit/asset-export.controller';
import { ProfilesController } from './profiles/profiles.controller';
import { RederiveController } from './audit/rederive.controller';
import { TwinRepository } from './apply-readings/twin-repository';
import { TwinViewProjection } from './twin-view/twin-view.projection';
import { TwinRuntime } from './twin-runtime';

@Module({})
export class TwinStateModule {
  static forConfig(config: TwinConfig, schema: string): DynamicModule {
    const basics = serviceBasics('twin-state', config, TWIN_CONFIG, { postgres: true });
    return {
      module: TwinStateModule,
      controllers: [...basics.controllers, AssetsController, AlarmsController, RederiveController, ProjectionsController, AuditChainController, AssetExportController, ProfilesController],
      providers: [
        ...basics.providers,
        ...eventStoreProviders(schema),
        ...chainAuditProviders(schema),
        { provide: ProjectionRebuilds, useFactory: () => new ProjectionRebuilds() },
        {
          provide: TwinRepository,
          inject: [EVENT_STORE, PG_POOL],
          useFactory: (store: EventStore, pool: Pool) => {
            if (config.TWIN_SNAPSHOT_EVERY === 0) return new TwinRepository(store);
            const log = createLogger('twin-state');
            const onError = (error: unknown, streamId: string) => log.warn('twin snapshot failed; the stream is folded in full', { error, streamId });
            return new TwinRepository(store, { store: new PostgresSnapshotStore(pool, { schema }), every: config.TWIN_SNAPSHOT_EVERY, onError });
          },
        },
        { provide: TwinViewProjection, inject: [PG_POOL], useFactory: (pool: Pool) => new TwinViewProjection(pool, schema) },
        TwinRuntime,
      ],
    };
  }
}
