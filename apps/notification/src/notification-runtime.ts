import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { createTransport } from 'nodemailer';
import type { Topology } from '@twinline/contracts';
import { Messaging } from '@twinline/messaging';
import { createLogger } from '@twinline/observability';
import { TOPOLOGY } from '@twinline/service-kit';
import { emailChannelOf, NOTIFICATION_CONFIG, quietHoursOf, throttlePolicyOf, type NotificationConfig } from './config';
import { DeliveryStore } from './deliveries/delivery-store';
import { Dispatcher } from './dispatch/dispatcher';
import { deliveriesGauge } from './dispatch/dispatch.metrics';
import { parsePublishedEvent, recordNotifications } from './record-notification/record-notification.handler';

/**
 * Consumes the events people are told about (alarms, security violations, sensor faults, work orders)
 * into the delivery log, and runs the dispatcher. NATS 2.9 takes one filter subject per consumer: one
 * durable per event type.
 */
@Injectable()
export class NotificationRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = createLogger('notification');
  private readonly loops: Array<{ stop(): Promise<void> }> = [];
  private dispatcher?: Dispatcher;

  constructor(
    @Inject(NOTIFICATION_CONFIG) private readonly config: NotificationConfig,
    @Inject(TOPOLOGY) private readonly topology: Topology,
    @Inject(Messaging) private readonly bus: Messaging,
    @Inject(DeliveryStore) private readonly store: DeliveryStore,
  ) {}

  /** Sends what is due now instead of at the next poll (e.g. a dead letter an admin just retried). */
  wake(): void {
    this.dispatcher?.wake();
  }

  async onApplicationBootstrap(): Promise<void> {
    const email = emailChannelOf(this.config);
    // Timeouts as for webhooks; smtp:// upgrades with STARTTLS when the server offers it, smtps:// is TLS from the start.
    const transport = email
      ? createTransport({ url: email.smtpUrl, connectionTimeout: this.config.NOTIFY_TIMEOUT_MS, greetingTimeout: this.config.NOTIFY_TIMEOUT_MS, socketTimeout: this.config.NOTIFY_TIMEOUT_MS })
      : undefined;
    const dispatcher = new Dispatcher({
      store: this.store,
      policy: { maxAttempts: this.config.NOTIFY_MAX_ATTEMPTS, baseDelayMs: this.config.NOTIFY_BASE_DELAY_MS, maxDelayMs: this.config.NOTIFY_MAX_DELAY_MS },
      timeoutMs: this.config.NOTIFY_TIMEOUT_MS,
      pollMs: this.config.NOTIFY_POLL_MS,
      log: this.log,
      webhookSecret: this.config.NOTIFY_WEBHOOK_SECRET,
      email: transport && email ? { transport, from: email.from } : undefined,
      releaseDigests: () => this.store.releaseDigests(),
    });
    this.dispatcher = dispatcher;
    dispatcher.start();
    this.loops.push(dispatcher);
    // Closed after the dispatcher stopped: no send is in flight any more.
    if (transport) this.loops.push({ stop: async () => transport.close() });
    const removeDeliveriesGauge = deliveriesGauge(this.store);
    this.loops.push({ stop: async () => removeDeliveriesGauge() });
    const throttle = throttlePolicyOf(this.config);
    const quietHours = quietHoursOf(this.config);
    const subscriptions = [
      { stream: this.topology.streams.twin, durable: 'notification__TWIN', filterSubject: this.topology.filters.twinEvents('AlarmRaised') },
      { stream: this.topology.streams.twin, durable: 'notification__TWIN_SECURITY', filterSubject: this.topology.filters.twinEvents('SecurityViolationDetected') },
      { stream: this.topology.streams.twin, durable: 'notification__TWIN_SENSOR_FAULT', filterSubject: this.topology.filters.twinEvents('SensorFaultDetected') },
      { stream: this.topology.streams.maintenance, durable: 'notification__MAINTENANCE', filterSubject: this.topology.filters.maintenanceEvents('WorkOrderOpened') },
    ];
    for (const s of subscriptions) {
      const consumer = await this.bus.consume({
        ...s,
        deadletterSubject: this.topology.deadletter('notification'),
        parse: parsePublishedEvent,
        handle: async (batch) => {
          const recorded = await recordNotifications(batch, { store: this.store, webhookUrl: this.config.NOTIFY_WEBHOOK_URL, email, throttle, quietHours });
          if (recorded) dispatcher.wake();
        },
        onError: (error, info) => this.log.warn(`consumer ${info.action}`, { error, ...info }),
      });
      this.loops.unshift(consumer);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const loop of this.loops.splice(0)) await loop.stop();
  }
}
