import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Topology } from '@twinline/contracts';
import { EVENT_STORE, type EventStore } from '@twinline/event-store';
import { Messaging } from '@twinline/messaging';
import { createLogger } from '@twinline/observability';
import { TOPOLOGY } from '@twinline/service-kit';
import { WorkOrderRepository } from '../commands/work-order-commands';
import { openDuePreventive } from './open-due-preventive';
import { PreventiveStore } from './preventive.store';
import { accumulateReadings, parseValidatedTelemetry } from './running-hours';

/** Nest token of the preventive settings (PREVENTIVE_POLL_SECONDS, CONSUMER_MAX_BATCH). */
export const PREVENTIVE_CONFIG = Symbol('PREVENTIVE_CONFIG');
export interface PreventiveConfig {
  readonly PREVENTIVE_POLL_SECONDS: number;
  readonly CONSUMER_MAX_BATCH?: number;
}

/** Durable of the running-hours consumer of validated telemetry. */
export const RUNNING_HOURS_DURABLE = 'maintenance-scheduler__TELEMETRY';

/**
 * The preventive loops: the running-hours consumer (validated telemetry → running_hours) and the
 * timer that opens due preventive orders every PREVENTIVE_POLL_SECONDS (one run at a time; the first
 * right at start).
 */
@Injectable()
export class PreventiveRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = createLogger('maintenance-scheduler');
  private consumer: { stop(): Promise<void> } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    @Inject(PREVENTIVE_CONFIG) private readonly config: PreventiveConfig,
    @Inject(TOPOLOGY) private readonly topology: Topology,
    @Inject(Messaging) private readonly bus: Messaging,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(WorkOrderRepository) private readonly orders: WorkOrderRepository,
    @Inject(PreventiveStore) private readonly schedules: PreventiveStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = await this.bus.consume({
      stream: this.topology.streams.telemetry,
      durable: RUNNING_HOURS_DURABLE,
      filterSubject: this.topology.filters.validatedTelemetry,
      deadletterSubject: this.topology.deadletter('maintenance-scheduler'),
      maxBatch: this.config.CONSUMER_MAX_BATCH ?? 500,
      parse: parseValidatedTelemetry,
      handle: async (batch) => void (await accumulateReadings(batch, this.schedules)),
      onError: (error, info) => this.log.warn(`consumer ${info.action}`, { error, ...info }),
    });
    this.schedule(0);
  }

  /** One run of the timer now (also what the timer calls). */
  async runOnce(now: Date = new Date()) {
    const result = await openDuePreventive({ store: this.store, orders: this.orders, schedules: this.schedules, onError: (error, scheduleId) => this.log.warn('preventive schedule failed, trying again next run', { error, scheduleId }) }, now);
    if (result.opened) this.log.info('preventive work orders opened', { ...result });
    return result;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .catch((error: unknown) => this.log.warn('preventive run failed, trying again next run', { error }))
        .finally(() => {
          this.running = undefined;
          this.schedule(this.config.PREVENTIVE_POLL_SECONDS * 1000);
        });
    }, delayMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.consumer?.stop();
  }
}
