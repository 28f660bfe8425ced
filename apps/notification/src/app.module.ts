import { Module, type DynamicModule } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL, serviceBasics } from '@twinline/service-kit';
import { NOTIFICATION_CONFIG, type NotificationConfig } from './config';
import { DeliveriesController } from './deliveries/deliveries.controller';
import { DeliveryStore } from './deliveries/delivery-store';
import { EscalationsController } from './escalation/escalations.controller';
import { EscalationStore } from './escalation/escalation-store';
import { NotificationRuntime } from './notification-runtime';

@Module({})
export class NotificationModule {
  static forConfig(config: NotificationConfig, schema: string): DynamicModule {
    const basics = serviceBasics('notification', config, NOTIFICATION_CONFIG, { postgres: true });
    return {
      module: NotificationModule,
      controllers: [...basics.controllers, DeliveriesController, EscalationsController],
      providers: [
        ...basics.providers,
        { provide: DeliveryStore, inject: [PG_POOL], useFactory: (pool: Pool) => new DeliveryStore(pool, schema) },
        { provide: EscalationStore, inject: [PG_POOL, DeliveryStore], useFactory: (pool: Pool, deliveries: DeliveryStore) => new EscalationStore(pool, schema, deliveries) },
        NotificationRuntime,
      ],
    };
  }
}
