import { Inject, Injectable, Optional, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { CHECKPOINT_STORE, EVENT_STORE, GlobalLogReader, type CheckpointStore, type EventStore } from '@twinline/event-store';
import { createLogger } from '@twinline/observability';
import { ASSET_DIRECTORY, ProjectionRebuilder, ProjectionRebuilds, type AssetDirectory } from '@twinline/service-kit';
import { reliabilityGauges } from './reliability.metrics';
import { RELIABILITY_PROJECTION, ReliabilityProjection } from './reliability.projection';

/**
 * Tails the scheduler's event log into the reliability read model, with its own checkpoint
 * (`reliability`), registers its rebuild (POST /v1/admin/projections/reliability/rebuild) and the
 * reliability gauges per asset class.
 */
@Injectable()
export class ReliabilityRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = createLogger('maintenance-scheduler');
  private reader: GlobalLogReader | undefined;
  private rebuilder: ProjectionRebuilder | undefined;
  private stopped = false;
  private removeGauges: (() => void) | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CHECKPOINT_STORE) private readonly checkpoints: CheckpointStore,
    @Inject(ReliabilityProjection) private readonly view: ReliabilityProjection,
    @Inject(ProjectionRebuilds) private readonly rebuilds: ProjectionRebuilds,
    @Optional() @Inject(ASSET_DIRECTORY) private readonly directory: AssetDirectory | null = null,
  ) {}

  onApplicationBootstrap(): void {
    const reader = new GlobalLogReader({
      store: this.store,
      checkpoints: this.checkpoints,
      name: RELIABILITY_PROJECTION,
      handle: (events) => this.view.handle(events),
      onError: (error) => this.log.warn(`${RELIABILITY_PROJECTION} projection failed, retrying`, { error }),
    });
    reader.start();
    this.reader = reader;
    this.rebuilder = new ProjectionRebuilder({
      ...this.view.rebuildable(),
      store: this.store,
      checkpoints: this.checkpoints,
      // start() loads the checkpoint again: after a swap, the rebuilt projection's.
      live: { pause: () => reader.stop(), resume: () => (this.stopped ? undefined : reader.start()) },
      log: this.log,
    });
    this.rebuilds.add(this.rebuilder);
    this.removeGauges = reliabilityGauges(this.view, this.directory ?? null);
  }

  /** Reads the log now rather than at the next poll (after an append). */
  wake(): void {
    this.reader?.wake();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.removeGauges?.();
    // A rebuild ends before the live loop stops.
    await this.rebuilder?.cancel();
    await this.reader?.stop();
  }
}
