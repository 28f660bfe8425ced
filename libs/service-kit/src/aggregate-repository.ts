import type { EventStore, StoredEvent } from '@twinline/event-store';

export interface Loaded<S> {
  readonly state: S;
  readonly version: number;
}

/**
 * Write-side aggregates: folded from their stream once, then kept in memory while this process owns
 * the stream (one consumer per asset). The expected version on append guards against any other
 * writer; on a conflict the caller forgets the aggregate and it is folded again.
 */
export class AggregateRepository<S> {
  private readonly cache = new Map<string, Loaded<S>>();
  constructor(
    private readonly store: EventStore,
    private readonly fold: (events: readonly StoredEvent[]) => S,
    private readonly maxCached = 100_000,
  ) {}

  async load(streamId: string): Promise<Loaded<S>> {
    const hit = this.cache.get(streamId);
    if (hit) return hit;
    const events = await this.store.readStream(streamId);
    const loaded = { state: this.fold(events), version: events.length ? events[events.length - 1]!.streamVersion : 0 };
    this.remember(streamId, loaded);
    return loaded;
  }

  remember(streamId: string, loaded: Loaded<S>): void {
    if (this.cache.size >= this.maxCached && !this.cache.has(streamId)) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(streamId, loaded);
  }

  forget(streamId: string): void {
    this.cache.delete(streamId);
  }
}
