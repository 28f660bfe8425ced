import { Inject, Injectable, Optional, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { createTransport } from 'nodemailer';
import type { Topology } from '@twinline/contracts';
import { ALARM_STOP_EVENT_TYPES, type AlarmStopEventType } from '@twinline/domain-notification';
import { Messaging } from '@twinline/messaging';
import { createLogger } from '@twinline/observability';
import { ASSET_DIRECTORY, TOPOLOGY, type AssetDirectory } from '@twinline/service-kit';
import { emailChannelOf, NOTIFICATION_CONFIG, quietHoursOf, smtpOf, throttlePolicyOf, type NotificationConfig } from './config';
import { DeliveryStore } from './deliveries/delivery-store';
import { Dispatcher } from './dispatch/dispatcher';
import { deliveriesGauge } from './dispatch/dispatch.metrics';
import { EscalationStore } from './escalation/escalation-store';
import { escalateDue, recordAlarmStops } from './escalation/escalation.handler';
import { parsePublishedEvent, recordNotifications } from './record-notification/record-notification.handler';

/** The durable of each alarm stop event type (the first three are older than the rest: their consumers continue). */
const ALARM_STOP_DURABLES: Record<AlarmStopEventType, string> = {
  AlarmAcknowledged: 'notification__TWIN_ALARM_ACK',
  AlarmCleared: 'notification__TWIN_ALARM_CLEARED',
  AlarmShelved: 'notification__TWIN_ALARM_SHELVED',
  AlarmRemovedFromService: 'notification__TWIN_ALARM_OUT_OF_SERVICE',
  AlarmUnshelved: 'notification__TWIN_ALARM_UNSHELVED',
};

/** Runs `tick` every `everyMs` until stopped (a failed tick is logged and retried at the next). */
function every(everyMs: number, tick: () => Promise<void>, onError: (error: unknown) => void): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  const loop = (async () => {
    while (!stopped) {
      await tick().catch(onError);
      if (stopped) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, everyMs);
      });
    }
  })();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      wake?.();
      await loop;
    },
  };
}

/**
 * Consumes the events people are told about (alarms, security violations, sensor faults, work orders)
 * into the delivery log, and runs the dispatcher; with NOTIFY_ROUTES also the escalations of
 * unacknowledged alarms (AlarmAcknowledged, AlarmCleared, AlarmRemovedFromService and AlarmShelved stop them, AlarmUnshelved lifts a shelve's stop). NATS 2.9 takes one filter
 * subject per consumer: one durable per event type.
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
    @Inject(EscalationStore) private readonly escalations: EscalationStore,
    // Optional: without a directory only rules without site and class conditions match.
    @Optional() @Inject(ASSET_DIRECTORY) private readonly directory?: AssetDirectory,
  ) {}

  /** Sends what is due now instead of at the next poll (e.g. a dead letter an admin just retried). */
  wake(): void {
    this.dispatcher?.wake();
  }

  async onApplicationBootstrap(): Promise<void> {
    const email = emailChannelOf(this.config);
    const smtp = smtpOf(this.config);
    // Timeouts as for webhooks; smtp:// upgrades with STARTTLS when the server offers it, smtps:// is TLS from the start.
    const transport = smtp
      ? createTransport({ url: smtp.smtpUrl, connectionTimeout: this.config.NOTIFY_TIMEOUT_MS, greetingTimeout: this.config.NOTIFY_TIMEOUT_MS, socketTimeout: this.config.NOTIFY_TIMEOUT_MS })
      : undefined;
    const dispatcher = new Dispatcher({
      store: this.store,
      policy: { maxAttempts: this.config.NOTIFY_MAX_ATTEMPTS, baseDelayMs: this.config.NOTIFY_BASE_DELAY_MS, maxDelayMs: this.config.NOTIFY_MAX_DELAY_MS },
      timeoutMs: this.config.NOTIFY_TIMEOUT_MS,
      pollMs: this.config.NOTIFY_POLL_MS,
      log: this.log,
      webhookSecret: this.config.NOTIFY_WEBHOOK_SECRET,
      email: transport && smtp ? { transport, from: smtp.from } : undefined,
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
    const routes = this.config.routes;
    const routing = routes ? { routes, directory: this.directory, escalations: this.escalations } : undefined;
    if (routes) {
      this.log.info('notification routes loaded', { recipients: routes.recipients.length, rules: routes.rules.map((r) => r.name), assetDirectory: this.directory !== undefined });
      // Stopped before the consumers and the dispatcher (loops stop in order).
      this.loops.unshift(
        every(
          this.config.NOTIFY_ESCALATION_POLL_MS,
          async () => {
            if (await escalateDue({ escalations: this.escalations, routes, throttle, quietHours })) dispatcher.wake();
          },
          (error) => this.log.warn('escalation round failed, retrying', { error }),
        ),
      );
    }
    const notify = async (batch: Parameters<typeof recordNotifications>[0]) => {
      const recorded = await recordNotifications(batch, { store: this.store, webhookUrl: this.config.NOTIFY_WEBHOOK_URL, email, throttle, quietHours, routing });
      if (recorded) dispatcher.wake();
    };
    const stops = async (batch: Parameters<typeof recordAlarmStops>[0]) => {
      await recordAlarmStops(batch, this.escalations);
    };
    const subscriptions = [
      { stream: this.topology.streams.twin, durable: 'notification__TWIN', filterSubject: this.topology.filters.twinEvents('AlarmRaised'), handle: notify },
      // A re-announced alarm (unacknowledged past the re-alarm time) is told again, like a raise.
      { stream: this.topology.streams.twin, durable: 'notification__TWIN_ALARM_REANNOUNCED', filterSubject: this.topology.filters.twinEvents('AlarmReannounced'), handle: notify },
      { stream: this.topology.streams.twin, durable: 'notification__TWIN_SECURITY', filterSubject: this.topology.filters.twinEvents('SecurityViolationDetected'), handle: notify },
      { stream: this.topology.streams.twin, durable: 'notification__TWIN_SENSOR_FAULT', filterSubject: this.topology.filters.twinEvents('SensorFaultDetected'), handle: notify },
      { stream: this.topology.streams.maintenance, durable: 'notification__MAINTENANCE', filterSubject: this.topology.filters.maintenanceEvents('WorkOrderOpened'), handle: notify },
      // Acknowledged, cleared, out-of-service and shelved alarms stop their escalations, an unshelve resumes them (remembered even without routes: a later NOTIFY_ROUTES starts none for them).
      ...ALARM_STOP_EVENT_TYPES.map((type) => ({ stream: this.topology.streams.twin, durable: ALARM_STOP_DURABLES[type], filterSubject: this.topology.filters.twinEvents(type), handle: stops })),
    ];
    for (const { handle, ...s } of subscriptions) {
      const consumer = await this.bus.consume({
        ...s,
        deadletterSubject: this.topology.deadletter('notification'),
        parse: parsePublishedEvent,
        handle,
        onError: (error, info) => this.log.warn(`consumer ${info.action}`, { error, ...info }),
      });
      this.loops.unshift(consumer);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const loop of this.loops.splice(0)) await loop.stop();
  }
}
