import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Topology } from '@twinline/contracts';
import { CHECKPOINT_STORE, EVENT_STORE, type CheckpointStore, type EventStore } from '@twinline/event-store';
import { Messaging } from '@twinline/messaging';
import { createLogger } from '@twinline/observability';
import { ProjectionRebuilder, ProjectionRebuilds, TOPOLOGY, outboxPublisher, recordRulesConfiguration, startProjectionAndOutbox } from '@twinline/service-kit';
import { SCHEDULER_CONFIG, type SchedulerConfig } from './config';
import { WorkOrderRepository, handleAlarms, parseAlarmRaised } from './handle-alarm/handle-alarm.handler';
import { WorkOrdersProjection } from './work-orders/work-orders.projection';
import { workOrdersGauge } from './work-orders/work-orders.metrics';
import { WORK_ORDER_STREAM_PREFIX, assetIdOfStream } from './streams';
import { MAINTENANCE_RULES_CONFIGURED, SCHEDULER_SERVICE } from './rules';

/** Starts the scheduler's loops: the alarm consumer, the work-orders projection and the outbox relay. */
@Injectable()
export class SchedulerRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = createLogger('maintenance-scheduler');
  private readonly loops: Array<{ stop(): Promise<void> }> = [];

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
    const loops = startProjectionAndOutbox({
      store: this.store,
      checkpoints: this.checkpoints,
      projection: { name: 'work-orders', handle: (events) => this.view.handle(events) },
      publish: outboxPublisher('maintenance-scheduler', this.bus, (e) => (e.streamId.startsWith(WORK_ORDER_STREAM_PREFIX) ? { subject: this.topology.maintenanceEvent(assetIdOfStream(e.streamId), e.type), assetId: assetIdOfStream(e.streamId) } : null)),
      log: this.log,
    });
    this.loops.push(loops);
    this.rebuilds.add(new ProjectionRebuilder({ ...this.view.rebuildable(), store: this.store, checkpoints: this.checkpoints, live: loops.projection, log: this.log }));
    // A rebuild ends before the live loops stop (they are stopped in order from here).
    this.loops.unshift({ stop: () => this.rebuilds.cancelAll() });
    const removeWorkOrdersGauge = workOrdersGauge(this.view);
    this.loops.push({ stop: async () => removeWorkOrdersGauge() });
    // Rules as events: a change of the decision rules (a new version of the code) is recorded before it decides.
    await recordRulesConfiguration(this.store, SCHEDULER_SERVICE, MAINTENANCE_RULES_CONFIGURED, { actor: 'service:maintenance-scheduler' });
    const consumer = await this.bus.consume({
      stream: this.topology.streams.twin,
      durable: 'maintenance-scheduler__TWIN',
      filterSubject: this.topology.filters.twinEvents('AlarmRaised'),
      deadletterSubject: this.topology.deadletter('maintenance-scheduler'),
      maxBatch: this.config.CONSUMER_MAX_BATCH,
      parse: parseAlarmRaised,
      handle: async (batch) => {
        await handleAlarms(batch, { store: this.store, orders: this.orders, actor: 'service:maintenance-scheduler' });
        loops.wake();
      },
      onError: (error, info) => this.log.warn(`consumer ${info.action}`, { error, ...info }),
    });
    this.loops.unshift(consumer);
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const loop of this.loops.splice(0)) await loop.stop();
  }
}
