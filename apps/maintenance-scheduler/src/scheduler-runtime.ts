import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Topology } from '@twinline/contracts';
import { CHECKPOINT_STORE, EVENT_STORE, type CheckpointStore, type EventStore } from '@twinline/event-store';
import { Messaging, type Delivery } from '@twinline/messaging';
import { createLogger } from '@twinline/observability';
import { ProjectionRebuilder, ProjectionRebuilds, TOPOLOGY, outboxPublisher, recordRulesConfiguration, startProjectionAndOutbox } from '@twinline/service-kit';
import { SCHEDULER_CONFIG, type SchedulerConfig } from './config';
import { WorkOrderRepository } from './commands/work-order-commands';
import { handleAlarms, handlePredictions, handleRulEstimates, parseAlarmRaised, parseFailurePredicted, parseRulEstimated } from './commands/twin-messages';
import { WorkOrdersProjection } from './work-orders/work-orders.projection';
import { workOrdersGauge } from './work-orders/work-orders.metrics';
import { WORK_ORDER_STREAM_PREFIX, assetIdOfStream } from './streams';
import { MAINTENANCE_RULES_CONFIGURED, SCHEDULER_SERVICE } from './rules';

/** Starts the scheduler's loops: the consumers of alarms, failure predictions and RUL estimates, the work-orders projection and the outbox relay. */
@Injectable()
export class SchedulerRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = createLogger('maintenance-scheduler');
  private readonly loops: Array<{ stop(): Promise<void> }> = [];
  private storeLoops: { wake(): void } | undefined;

  constructor(
    @Inject(SCHEDULER_CONFIG) private readonly config: SchedulerConfig,
    @Inject(TOPOLOGY) private readonly topology: Topology,
    @Inject(Messaging) private readonly bus: Messaging,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CHECKPOINT_STORE) private readonly checkpoints: CheckpointStore,
    @Inject(WorkOrderRepository) private readonly orders: WorkOrderRepository,
    @Inject(WorkOrdersProjection) private readonly view: WorkOrdersProjection,
    @Inject(ProjectionRebuilds) private readonly rebuilds: ProjectionRebuilds,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // The outbox publishes every event of a work-order stream on maintenance.workorder.<assetId>.<type>:
    // the twin consumes MaintenanceCompleted, the notification service WorkOrderOpened.
    const loops = startProjectionAndOutbox({
      store: this.store,
      checkpoints: this.checkpoints,
      projection: { name: 'work-orders', handle: (events) => this.view.handle(events) },
      publish: outboxPublisher('maintenance-scheduler', this.bus, (e) => (e.streamId.startsWith(WORK_ORDER_STREAM_PREFIX) ? { subject: this.topology.maintenanceEvent(assetIdOfStream(e.streamId), e.type), assetId: assetIdOfStream(e.streamId) } : null)),
      log: this.log,
    });
    this.loops.push(loops);
    this.storeLoops = loops;
    this.rebuilds.add(new ProjectionRebuilder({ ...this.view.rebuildable(), store: this.store, checkpoints: this.checkpoints, live: loops.projection, log: this.log }));
    // A rebuild ends before the live loops stop (they are stopped in order from here).
    this.loops.unshift({ stop: () => this.rebuilds.cancelAll() });
    const removeWorkOrdersGauge = workOrdersGauge(this.view);
    this.loops.push({ stop: async () => removeWorkOrdersGauge() });
    // Rules as events: a change of the decision rules (a new version of the code) is recorded before it decides.
    await recordRulesConfiguration(this.store, SCHEDULER_SERVICE, MAINTENANCE_RULES_CONFIGURED, { actor: 'service:maintenance-scheduler' });
    const deps = { store: this.store, orders: this.orders, actor: 'service:maintenance-scheduler' };
    // One durable per twin event type: nats-server 2.9 takes one filter subject per consumer.
    await this.consumeTwin('maintenance-scheduler__TWIN', 'AlarmRaised', parseAlarmRaised, (batch) => handleAlarms(batch, deps), loops);
    await this.consumeTwin('maintenance-scheduler__TWIN_PREDICTION', 'FailurePredicted', parseFailurePredicted, (batch) => handlePredictions(batch, deps), loops);
    await this.consumeTwin('maintenance-scheduler__TWIN_RUL', 'RulEstimated', parseRulEstimated, (batch) => handleRulEstimates(batch, deps), loops);
  }

  private async consumeTwin<T>(durable: string, type: string, parse: (body: unknown) => T, handle: (batch: readonly Delivery<T>[]) => Promise<number>, loops: { wake(): void }): Promise<void> {
    const consumer = await this.bus.consume<T>({
      stream: this.topology.streams.twin,
      durable,
      filterSubject: this.topology.filters.twinEvents(type),
      deadletterSubject: this.topology.deadletter('maintenance-scheduler'),
      maxBatch: this.config.CONSUMER_MAX_BATCH,
      parse,
      handle: async (batch) => {
        await handle(batch);
        loops.wake();
      },
      onError: (error, info) => this.log.warn(`consumer ${info.action}`, { error, ...info }),
    });
    this.loops.unshift(consumer);
  }

  /** After an append outside the consumers (a planner's command): project and publish it now rather than at the next poll. */
  wake(): void {
    this.storeLoops?.wake();
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const loop of this.loops.splice(0)) await loop.stop();
  }
}
