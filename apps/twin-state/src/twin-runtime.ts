import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Topology } from '@twinline/contracts';
import { profileFor } from '@twinline/domain-twin';
import { CHECKPOINT_STORE, EVENT_STORE, type CheckpointStore, type EventStore } from '@twinline/event-store';
import { Messaging } from '@twinline/messaging';
import { createLogger } from '@twinline/observability';
import { TOPOLOGY, outboxPublisher, startProjectionAndOutbox } from '@twinline/service-kit';
import { TWIN_CONFIG, type TwinConfig } from './config';
import { applyReadings, parseValidatedTelemetry } from './apply-readings/apply-readings.handler';
import { parseQuarantinedTelemetry, recordQuarantine } from './record-quarantine/record-quarantine.handler';
import { TwinRepository } from './apply-readings/twin-repository';
import { TwinViewProjection } from './twin-view/twin-view.projection';
import { twinsGauge } from './twin-view/twins.metric';
import { assetIdOfStream, TWIN_STREAM_PREFIX } from './streams';

/**
 * Starts twin-state's loops: the validated and the quarantined telemetry consumers (both write the
 * twin streams, guarded by expected versions), then the twin-view projection and the outbox relay.
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
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const loops = startProjectionAndOutbox({
      store: this.store,
      checkpoints: this.checkpoints,
      projection: { name: 'twin-view', handle: (events) => this.view.handle(events) },
      publish: outboxPublisher('twin-state', this.bus, (e) => (e.streamId.startsWith(TWIN_STREAM_PREFIX) ? { subject: this.topology.twinEvent(assetIdOfStream(e.streamId), e.type), assetId: assetIdOfStream(e.streamId) } : null)),
      log: this.log,
    });
    this.loops.push(loops);
    const removeTwinsGauge = twinsGauge(this.view);
    this.loops.push({ stop: async () => removeTwinsGauge() });
    const profileOf = (assetId: string) => profileFor(this.config.assetClasses[assetId] ?? 'default', this.config.profiles);
    const consumer = await this.bus.consume({
      stream: this.topology.streams.telemetry,
      durable: 'twin-state__TELEMETRY',
      filterSubject: this.topology.filters.validatedTelemetry,
      deadletterSubject: this.topology.deadletter('twin-state'),
      maxBatch: this.config.CONSUMER_MAX_BATCH,
      parse: parseValidatedTelemetry,
      handle: async (batch) => {
        await applyReadings(batch, { store: this.store, twins: this.twins, profileOf, actor: 'service:twin-state' });
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
        const recorded = await recordQuarantine(batch, { store: this.store, twins: this.twins, profileOf, policy: this.config.quarantinePolicy, actor: 'service:twin-state' });
        if (recorded.events) loops.wake();
      },
      onError: (error, info) => this.log.warn(`consumer ${info.action}`, { error, ...info }),
    });
    this.loops.unshift(quarantine);
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const loop of this.loops.splice(0)) await loop.stop();
  }
}
