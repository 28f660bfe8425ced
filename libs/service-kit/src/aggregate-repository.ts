import type { EventStore, SnapshotStore, StoredEvent } from '@twinline/event-store';

export interface Loaded<S> {
  readonly state: S;
  readonly version: number;
}

/** Snapshots of an aggregate: loading folds only the events after the latest one. */
export interface SnapshotOptions<S> {
  readonly store: SnapshotStore;
  /** A snapshot is taken once a stream has grown by this many events since the last (0 = never). */
  readonly every: number;
  /** Version of the state's shape and fold: bump it when either changes, so older snapshots are ignored. */
  readonly stateVersion: number;
  /** Folds events onto a state (the snapshot's). */
  readonly foldFrom: (state: S, events: readonly StoredEvent[]) => S;
  /** Told when a snapshot could not be loaded or saved (the stream is then folded in full). */
  readonly onError?: (error: unknown, streamId: string) => void;
}

/**
 * Write-side aggregates: folded from their stream once (from the latest snapshot, if snapshots are
 * on, plus the events after it), then kept in memory while this process owns the stream (one
 * consumer per asset). The expected version on append guards against any other writer; on a
 * conflict the caller forgets the aggregate and it is folded again. With snapshots, `remember`
 * stores one (in the background) whenever the stream has grown by `every` events since the last.
 */
export class AggregateRepository<S> {
  private readonly cache = new Map<string, Loaded<S>>();
  /** Stream version of the latest snapshot known per cached stream. */
  private readonly snapshotAt = new Map<string, number>();
  private readonly saving = new Set<Promise<void>>();

  constructor(
    private readonly store: EventStore,
    private readonly fold: (events: readonly StoredEvent[]) => S,
    private readonly maxCached = 100_000,
    private readonly snapshots?: SnapshotOptions<S>,
  ) {}

  async load(streamId: string): Promise<Loaded<S>> {
    const hit = this.cache.get(streamId);
    if (hit) return hit;
    const snapshot = await this.loadSnapshot(streamId);
    let loaded: Loaded<S>;
    if (snapshot) {
      const tail = await this.store.readStream(streamId, { fromVersion: snapshot.streamVersion + 1 });
      loaded = { state: this.snapshots!.foldFrom(snapshot.state, tail), version: tail.length ? tail[tail.length - 1]!.streamVersion : snapshot.streamVersion };
    } else {
      const events = await this.store.readStream(streamId);
      loaded = { state: this.fold(events), version: events.length ? events[events.length - 1]!.streamVersion : 0 };
    }
    this.snapshotAt.set(streamId, snapshot?.streamVersion ?? 0);
    this.remember(streamId, loaded);
    return loaded;
  }

  remember(streamId: string, loaded: Loaded<S>): void {
    if (this.cache.size >= this.maxCached && !this.cache.has(streamId)) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.forget(oldest);
    }
    this.cache.set(streamId, loaded);
    this.maybeSnapshot(streamId, loaded);
  }

  forget(streamId: string): void {
    this.cache.delete(streamId);
    this.snapshotAt.delete(streamId);
  }

  /** Resolves when the snapshots being written have been (for tests and shutdown). */
  async snapshotsSettled(): Promise<void> {
    while (this.saving.size) await Promise.all([...this.saving]);
  }

  private async loadSnapshot(streamId: string): Promise<{ streamVersion: number; state: S } | null> {
    const o = this.snapshots;
    if (!o || o.every <= 0) return null;
    try {
      return await o.store.load<S>(streamId, o.stateVersion);
    } catch (error) {
      o.onError?.(error, streamId);
      return null;
    }
  }

  private maybeSnapshot(streamId: string, loaded: Loaded<S>): void {
    const o = this.snapshots;
    if (!o || o.every <= 0 || loaded.version <= 0) return;
    const last = this.snapshotAt.get(streamId) ?? 0;
    if (loaded.version - last < o.every) return;
    this.snapshotAt.set(streamId, loaded.version);
    const saving = o.store
      .save({ streamId, streamVersion: loaded.version, stateVersion: o.stateVersion, state: loaded.state })
      .catch((error: unknown) => {
        if (this.snapshotAt.get(streamId) === loaded.version) this.snapshotAt.set(streamId, last);
        o.onError?.(error, streamId);
      })
      .finally(() => this.saving.delete(saving));
    this.saving.add(saving);
  }
}
