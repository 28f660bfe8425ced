import { Module, type DynamicModule } from '@nestjs/common';
import type { Pool } from 'pg';
import { CHECKPOINT_STORE, EVENT_STORE, PostgresCheckpointStore, PostgresEventStore, type EventStore } from '@twinline/event-store';
import { ConnectionCloser, HealthController, MetricsController, metricsProvider, PG_POOL, Readiness, TOPOLOGY, messagingProvider, poolProvider, topologyFrom } from '@twinline/service-kit';
import { SCHEDULER_CONFIG, type SchedulerConfig } from './config';
import { WorkOrderRepository } from './handle-alarm/handle-alarm.handler';
import { WorkOrdersController } from './work-orders/work-orders.controller';
import { WorkOrdersProjection } from './work-orders/work-orders.projection';
import { SchedulerRuntime } from './scheduler-runtime';

@Module({})
export class SchedulerModule {
  static forConfig(config: SchedulerConfig, schema: string): DynamicModule {
    return {
      module: SchedulerModule,
      controllers: [HealthController, MetricsController, WorkOrdersController],
      providers: [
        Readiness,
        { provide: SCHEDULER_CONFIG, useValue: config },
        { provide: TOPOLOGY, useValue: topologyFrom(config) },
        messagingProvider('maintenance-scheduler', config, topologyFrom(config)),
        poolProvider('maintenance-scheduler', config),
        { provide: EVENT_STORE, inject: [PG_POOL], useFactory: (pool: Pool) => new PostgresEventStore(pool, { schema }) },
        { provide: CHECKPOINT_STORE, inject: [PG_POOL], useFactory: (pool: Pool) => new PostgresCheckpointStore(pool, { schema }) },
        { provide: WorkOrderRepository, inject: [EVENT_STORE], useFactory: (store: EventStore) => new WorkOrderRepository(store) },
        { provide: WorkOrdersProjection, inject: [PG_POOL], useFactory: (pool: Pool) => new WorkOrdersProjection(pool, schema) },
        SchedulerRuntime,
        metricsProvider,
        ConnectionCloser,
      ],
    };
  }
}
