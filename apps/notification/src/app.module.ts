import { Module, type DynamicModule } from '@nestjs/common';
import type { Pool } from 'pg';
import { ConnectionCloser, HealthController, MetricsController, metricsProvider, PG_POOL, Readiness, TOPOLOGY, messagingProvider, poolProvider, topologyFrom } from '@twinline/service-kit';
import { NOTIFICATION_CONFIG, type NotificationConfig } from './config';
import { DeliveriesController } from './deliveries/deliveries.controller';
import { DeliveryStore } from './deliveries/delivery-store';
import { NotificationRuntime } from './notification-runtime';

@Module({})
export class NotificationModule {
  static forConfig(config: NotificationConfig, schema: string): DynamicModule {
    return {
      module: NotificationModule,
      controllers: [HealthController, MetricsController, DeliveriesController],
      providers: [
        Readiness,
        { provide: NOTIFICATION_CONFIG, useValue: config },
        { provide: TOPOLOGY, useValue: topologyFrom(config) },
        messagingProvider('notification', config, topologyFrom(config)),
        poolProvider('notification', config),
        { provide: DeliveryStore, inject: [PG_POOL], useFactory: (pool: Pool) => new DeliveryStore(pool, schema) },
        NotificationRuntime,
        metricsProvider,
        ConnectionCloser,
      ],
    };
  }
}
