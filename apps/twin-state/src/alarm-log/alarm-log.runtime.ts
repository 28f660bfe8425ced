import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { CHECKPOINT_STORE, EVENT_STORE, GlobalLogReader, type CheckpointStore, type EventStore } from '@twinline/event-store';
import { createLogger } from '@twinline/observability';
import { ProjectionRebuilder, ProjectionRebuilds } from '@twinline/service-kit';
import { currentTwinEvents } from '../twin-events';
import { ALARM_LOG_PROJECTION, AlarmLogProjection } from './alarm-log.projection';

/**
 * Tails twin-state's event log into the alarm log, with its own checkpoint (`alarm-log`), and
 * registers its rebuild (POST /v1/admin/projections/alarm-log/rebuild).
 */
@Injectable()
export class AlarmLogRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = createLogger('twin-state');
  private reader: GlobalLogReader | undefined;
  private rebuilder: ProjectionRebuilder | undefined;
  private stopped = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CHECKPOINT_STORE) private readonly checkpoints: CheckpointStore,
    @Inject(AlarmLogProjection) private readonly view: AlarmLogProjection,
    @Inject(ProjectionRebuilds) private readonly rebuilds: ProjectionRebuilds,
  ) {}

  onApplicationBootstrap(): void {
    // Twin events at their current schema versions, as the twin view reads them (docs/adr/0007).
    const events = currentTwinEvents(this.store);
    const reader = new GlobalLogReader({
      store: events,
      checkpoints: this.checkpoints,
      name: ALARM_LOG_PROJECTION,
      handle: (batch) => this.view.handle(batch),
      onError: (error) => this.log.warn(`${ALARM_LOG_PROJECTION} projection failed, retrying`, { error }),
    });
    reader.start();
    this.reader = reader;
    this.rebuilder = new ProjectionRebuilder({
      ...this.view.rebuildable(),
      store: events,
      checkpoints: this.checkpoints,
      // start() loads the checkpoint again: after a swap, the rebuilt projection's.
      live: { pause: () => reader.stop(), resume: () => (this.stopped ? undefined : reader.start()) },
      log: this.log,
    });
    this.rebuilds.add(this.rebuilder);
  }

  /** Reads the log now rather than at the next poll. */
  wake(): void {
    this.reader?.wake();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    // A rebuild ends before the live loop stops.
    await this.rebuilder?.cancel();
    await this.reader?.stop();
  }
}
