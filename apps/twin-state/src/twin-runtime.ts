import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Topology } from '@twinline/contracts';
import { CHECKPOINT_STORE, EVENT_STORE, type CheckpointStore, type EventStore } from '@twinline/event-store';
import { Messaging } from '@twinline/messaging';
import { createLogger } from '@twinline/observability';
import { ProjectionRebuilder, ProjectionRebuilds, TOPOLOGY, outboxPublisher, recordRulesConfiguration, startProjectionAndOutbox } from '@twinline/service-kit';
import { TWIN_CONFIG, type TwinConfig } from './config';
import { applyReadings, parseValidatedTelemetry } from './apply-readings/apply-readings.handler';
import { parseQuarantinedTelemetry, recordQuarantine } from './record-quarantine/record-quarantine.handler';
import { consumeCompletedMaintenance } from './record-maintenance/record-maintenance.handler';
import { TwinRepository } from './apply-readings/twin-repository';
import { TwinViewProjection } from './twin-view/twin-view.projection';
import { twinsGauge } from './twin-view/twins.metric';
import { assetIdOfStream, TWIN_STREAM_PREFIX } from './streams';
import { TWIN_SERVICE, versionTwinRules } from './rules';
import { currentTwinEvents } from './twin-events';
import { AssetProfiles } from './asset-profiles';
import { AlarmTimer } from './alarms/alarm-timer';

/**
 * Starts twin-state's loops: the validated and the quarantined telemetry consumers and the
 * completed-maintenance consumer (all write the twin streams, as do alarm acknowledgements over
 * HTTP, guarded by expected versions), then the twin-view projection and the outbox relay, and the
 * alarm timer (CheckAlarms every ALARM_CHECK_INTERVAL_MS for the twins that may need it).
 */
@Injectable()
export class TwinRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = createLogger('twin-state');
  private readonly loops: Array<{ stop(): Promise<void> }> = [];

  constructor(
    @Inject(TWIN_CONFIG) private readonly config: TwinConfig,
    @Inject(TOPOLOGY) private readonly topology: Topology,
    @Inject(Messaging) private readonly bus: Messaging,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CHECKPOINT_STORE) private readonly checkpoints: CheckpointStore,
    @Inject(TwinRepository) private readonly twins: TwinRepository,
    @Inject(TwinViewProjection) private readonly view: TwinViewProjection,
    @Inject(ProjectionRebuilds) private readonly rebuilds: ProjectionRebuilds,
    @Inject(AssetProfiles) private readonly profiles: AssetProfiles,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Projection, rebuilds and outbox read twin events at their current schema versions (docs/adr/0007).
    const events = currentTwinEvents(this.store);
    const loops = startProjectionAndOutbox({
      store: events,
      checkpoints: this.checkpoints,
      projection: { name: 'twin-view', handle: (events) => this.view.handle(events) },
      publish: outboxPublisher('twin-state', this.bus, (e) => (e.streamId.startsWith(TWIN_STREAM_PREFIX) ? { subject: this.topology.twinEvent(assetIdOfStream(e.streamId), e.type), assetId: assetIdOfStream(e.streamId) } : null)),
      log: this.log,
    });
    this.loops.push(loops);
    this.rebuilds.add(new ProjectionRebuilder({ ...this.view.rebuildable(), store: events, checkpoints: this.checkpoints, live: loops.projection, log: this.log }));
    // A rebuild ends before the live loops stop (they are stopped in order from here).
    this.loops.unshift({ stop: () => this.rebuilds.cancelAll() });
    const removeTwinsGauge = twinsGauge(this.view);
    this.loops.push({ stop: async () => removeTwinsGauge() });
    // The asset's class profile (class: TWIN_ASSET_CLASSES, else the asset directory, else "default") with its own override (TWIN_ASSET_PROFILES).
    const profileOf = (assetId: string) => this.profiles.of(assetId);
    // Rules as events: a configuration other than the last recorded one is recorded before any decision by it.
    // Each event's metadata names the profile of the class it was decided by (the same resolution as profileOf).
    const rules = versionTwinRules({ profiles: this.config.profiles, assetClasses: this.config.assetClasses, policy: this.config.quarantinePolicy }, this.config.assetProfiles, (assetId) => this.profiles.assetClassOf(assetId));
    if (await recordRulesConfiguration(this.store, TWIN_SERVICE, rules.configured, { actor: 'service:twin-state' })) this.log.info('rules configured', { version: rules.version });
    const rulesOf = rules.metadataFor;
    const consumer = await this.bus.consume({
      stream: this.topology.streams.telemetry,
      durable: 'twin-state__TELEMETRY',
      filterSubject: this.topology.filters.validatedTelemetry,
      deadletterSubject: this.topology.deadletter('twin-state'),
      maxBatch: this.config.CONSUMER_MAX_BATCH,
      parse: parseValidatedTelemetry,
      handle: async (batch) => {
        await applyReadings(batch, { store: this.store, twins: this.twins, profileOf, rulesOf, actor: 'service:twin-state' });
        loops.wake();
      },
      onError: (error, info) => this.log.warn(`consumer ${info.action}`, { error, ...info }),
    });
    this.loops.unshift(consumer);
    const quarantine = await this.bus.consume({
      stream: this.topology.streams.telemetry,
      durable: 'twin-state__QUARANTINE',
      filterSubject: this.topology.filters.quarantinedTelemetry,
      deadletterSubject: this.topology.deadletter('twin-state'),
      maxBatch: this.config.CONSUMER_MAX_BATCH,
      parse: parseQuarantinedTelemetry,
      handle: async (batch) => {
        const recorded = await recordQuarantine(batch, { store: this.store, twins: this.twins, profileOf, rulesOf, policy: this.config.quarantinePolicy, actor: 'service:twin-state' });
        if (recorded.events) loops.wake();
      },
      onError: (error, info) => this.log.warn(`consumer ${info.action}`, { error, ...info }),
    });
    this.loops.unshift(quarantine);
    // Completed maintenance from the scheduler: its own durable, one filter subject (nats-server 2.9).
    const maintenance = await consumeCompletedMaintenance(this.bus, this.topology, {
      store: this.store,
      twins: this.twins,
      actor: 'service:twin-state',
      maxBatch: this.config.CONSUMER_MAX_BATCH,
      onRecorded: (events) => {
        if (events) loops.wake();
      },
      onError: (error, info) => this.log.warn(`consumer ${info.action}`, { error, ...info }),
    });
    this.loops.unshift(maintenance);
    // Time passing without readings: shelves expire, unacknowledged alarms are re-announced, stale twins alarm NO_DATA.
    const timer = new AlarmTimer({
      view: this.view,
      store: this.store,
      twins: this.twins,
      profiles: this.profiles,
      rulesOf,
      intervalMs: this.config.ALARM_CHECK_INTERVAL_MS,
      log: this.log,
      onEvents: () => loops.wake(),
    });
    timer.start();
    this.loops.unshift(timer);
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const loop of this.loops.splice(0)) await loop.stop();
  }
}
