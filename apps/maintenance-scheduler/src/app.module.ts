import { Module, type DynamicModule } from '@nestjs/common';
import type { Pool } from 'pg';
import { EVENT_STORE, type EventStore } from '@twinline/event-store';
import { AuditChainController, PG_POOL, ProjectionRebuilds, ProjectionsController, chainAuditProviders, eventStoreProviders, serviceBasics } from '@twinline/service-kit';
import { SCHEDULER_CONFIG, type SchedulerConfig } from './config';
import { WorkOrderRepository } from './commands/work-order-commands';
import { WorkOrderLifecycleController } from './work-orders/work-order-lifecycle.controller';
import { WorkOrdersController } from './work-orders/work-orders.controller';
import { WorkOrderExportController } from './audit/work-order-export.controller';
import { WorkOrderHistoryController } from './work-orders/work-order-history.controller';
import { WorkOrdersRederiveController } from './audit/rederive.controller';
import { WorkOrdersProjection } from './work-orders/work-orders.projection';
import { SchedulerRuntime } from './scheduler-runtime';
import { PREVENTIVE_CONTROLLERS, preventiveProviders } from './preventive';
import { RELIABILITY_CONTROLLERS, reliabilityProviders } from './reliability';

@Module({})
export class SchedulerModule {
  static forConfig(config: SchedulerConfig, schema: string): DynamicModule {
    const basics = serviceBasics('maintenance-scheduler', config, SCHEDULER_CONFIG, { postgres: true });
    return {
      module: SchedulerModule,
      controllers: [...basics.controllers, AuditChainController, WorkOrderExportController, WorkOrdersController, WorkOrderHistoryController, WorkOrderLifecycleController, WorkOrdersRederiveController, ProjectionsController, ...RELIABILITY_CONTROLLERS, ...PREVENTIVE_CONTROLLERS],
      providers: [
        ...basics.providers,
        ...eventStoreProviders(schema),
        ...chainAuditProviders(schema),
        { provide: ProjectionRebuilds, useFactory: () => new ProjectionRebuilds() },
        { provide: WorkOrderRepository, inject: [EVENT_STORE], useFactory: (store: EventStore) => new WorkOrderRepository(store) },
        { provide: WorkOrdersProjection, inject: [PG_POOL], useFactory: (pool: Pool) => new WorkOrdersProjection(pool, schema) },
        SchedulerRuntime,
        ...reliabilityProviders(schema),
        ...preventiveProviders(schema, config),
      ],
    };
  }
}
