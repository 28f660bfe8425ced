import { Module, type DynamicModule } from '@nestjs/common';
import type { Pool } from 'pg';
import { EVENT_STORE, PostgresSnapshotStore, type EventStore } from '@twinline/event-store';
import { createLogger } from '@twinline/observability';
import { ASSET_DIRECTORY, AuditChainController, PG_POOL, ProjectionRebuilds, ProjectionsController, chainAuditProviders, eventStoreProviders, serviceBasics, type AssetDirectory } from '@twinline/service-kit';
import { TWIN_CONFIG, type TwinConfig } from './config';
import { AlarmsController } from './alarms/alarms.controller';
import { AssetsController } from './assets/assets.controller';
import { AssetExportController } from './audit/asset-export.controller';
import { ProfilesController } from './profiles/profiles.controller';
import { AssetProfileController } from './profiles/asset-profile.controller';
import { RederiveController } from './audit/rederive.controller';
import { TwinRepository } from './apply-readings/twin-repository';
import { TwinViewProjection } from './twin-view/twin-view.projection';
import { TwinRuntime } from './twin-runtime';
import { AlarmKpisController } from './alarm-log/alarm-kpis.controller';
import { AlarmLogProjection } from './alarm-log/alarm-log.projection';
import { AlarmLogRuntime } from './alarm-log/alarm-log.runtime';
import { AssetProfiles } from './asset-profiles';

@Module({})
export class TwinStateModule {
  static forConfig(config: TwinConfig, schema: string): DynamicModule {
    const basics = serviceBasics('twin-state', config, TWIN_CONFIG, { postgres: true });
    return {
      module: TwinStateModule,
      controllers: [...basics.controllers, AssetsController, AlarmsController, RederiveController, ProjectionsController, AuditChainController, AssetExportController, ProfilesController, AssetProfileController, AlarmKpisController],
      providers: [
        ...basics.providers,
        ...eventStoreProviders(schema),
        ...chainAuditProviders(schema),
        { provide: ProjectionRebuilds, useFactory: () => new ProjectionRebuilds() },
        // An asset's class: TWIN_ASSET_CLASSES, else the asset directory (the registry's class), else "default".
        { provide: AssetProfiles, inject: [{ token: ASSET_DIRECTORY, optional: true }], useFactory: (directory: AssetDirectory | undefined) => new AssetProfiles(config, directory ?? null) },
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
        { provide: TwinViewProjection, inject: [PG_POOL, AssetProfiles], useFactory: (pool: Pool, profiles: AssetProfiles) => new TwinViewProjection(pool, schema, undefined, (assetId) => profiles.of(assetId)) },
        { provide: AlarmLogProjection, inject: [PG_POOL], useFactory: (pool: Pool) => new AlarmLogProjection(pool, schema) },
        TwinRuntime,
        AlarmLogRuntime,
      ],
    };
  }
}
