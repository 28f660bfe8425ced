import { planAppend, streamIdsOf, type StreamHead } from './append-plan';
import {
  DuplicateEventError,
  type AppendRequest,
  type AppendResult,
  type CheckpointStore,
  type EventStore,
  type ExpectedVersion,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
} from './event-store';
import { assertCheckpointName, assertLimit, assertPosition } from './positions';
import { assertBounds, assertRange, type ReplayBoundsOptions, type ReplayRangeOptions, type ReplaySource } from './replay';

/**
 * The event store in memory, with the Postgres store's semantics (versions, duplicates, atomic
 * appendMany, hash chain, JSON round trip of data): the twin used by unit and adapter tests.
 * Stored events are deeply frozen; the global log is in position order (one writer at a time).
 */
export class InMemoryEventStore implements EventStore, ReplaySource {
  private readonly log: StoredEvent[] = [];
  private readonly streams = new Map<string, { head: StreamHead; events: StoredEvent[] }>();
  private readonly eventIds = new Set<string>();

  constructor(private readonly options: { now?: () => Date } = {}) {}

  async append(streamId: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    const [result] = await this.appendMany([{ streamId, events, expectedVersion }]);
    return result!;
  }

  async appendMany(requests: readonly AppendRequest[]): Promise<AppendResult[]> {
    const heads = new Map<string, StreamHead>();
    for (const streamId of streamIdsOf(requests)) {
      const stream = this.streams.get(streamId);
      if (stream) heads.set(streamId, stream.head);
    }
    // Everything that can fail happens before the first write: all or nothing.
    const plan = planAppend(requests, heads);
    for (const event of plan.events) if (this.eventIds.has(event.eventId)) throw new DuplicateEventError(event.eventId);

    const recordedAt = (this.options.now?.() ?? new Date()).toISOString();
    const positions = new Map<string, string>();
    for (const { dataJson, metadataJson, ...planned } of plan.events) {
      const position = String(this.log.length + 1);
      // Data as Postgres returns it: parsed from JSON (undefined members gone, dates as strings).
      const data = JSON.parse(dataJson) as StoredEvent['data'];
      const metadata = JSON.parse(metadataJson) as StoredEvent['metadata'];
      const stored: StoredEvent = deepFreeze({ ...planned, data, metadata, position, recordedAt });
      this.log.push(stored);
      this.eventIds.add(stored.eventId);
      let stream = this.streams.get(stored.streamId);
      if (!stream) this.streams.set(stored.streamId, (stream = { head: { version: 0, lastHash: stored.prevHash }, events: [] }));
      stream.events.push(stored);
      stream.head = { version: stored.streamVersion, lastHash: stored.hash };
      positions.set(`${stored.streamVersion}@${stored.streamId}`, position);
    }
    return plan.results.map(({ streamId, nextExpectedVersion }, i) => ({
      streamId,
      nextExpectedVersion,
      lastPosition: (requests[i]!.events.length > 0 && positions.get(`${nextExpectedVersion}@${streamId}`)) || '0',
    }));
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const { fromVersion = 1, toVersion = Number.MAX_SAFE_INTEGER, limit } = options;
    if (limit !== undefined) assertLimit(limit);
    const events = (this.streams.get(streamId)?.events ?? []).filter((e) => e.streamVersion >= fromVersion && e.streamVersion <= toVersion);
    return limit === undefined ? events : events.slice(0, limit);
  }

  async readAll({ after, limit }: ReadAllOptions): Promise<StoredEvent[]> {
    assertPosition(after, 'after');
    assertLimit(limit);
    // Positions are 1..n in array order, so `after` is also the index of the next event.
    const start = Math.min(Number(after), this.log.length);
    return this.log.slice(start, start + limit);
  }

  /** Lean replay read: here every field is at hand, so `include` changes nothing. */
  async replayBounds(options: ReplayBoundsOptions): Promise<string[]> {
    assertBounds(options);
    const { after, pageSize, pages } = options;
    const start = Math.min(Number(after), this.log.length);
    const next = this.log.slice(start, start + pageSize * pages);
    return next.filter((_, i) => (i + 1) % pageSize === 0 || i === next.length - 1).map((e) => e.position);
  }

  async readReplay(options: ReplayRangeOptions): Promise<StoredEvent[]> {
    assertRange(options);
    const start = Math.min(Number(options.after), this.log.length);
    return this.log.slice(start, Math.max(start, Math.min(Number(options.through), this.log.length)));
  }

  async headPosition(): Promise<string> {
    return this.log[this.log.length - 1]?.position ?? '0';
  }

  async streamVersion(streamId: string): Promise<number> {
    return this.streams.get(streamId)?.head.version ?? 0;
  }

  async listStreams(prefix: string, options: { after?: string; limit?: number } = {}): Promise<string[]> {
    const { after, limit } = options;
    if (limit !== undefined) assertLimit(limit);
    const ids = [...this.streams.keys()]
      .filter((id) => id.startsWith(prefix) && (after === undefined || id > after))
      .sort();
    return limit === undefined ? ids : ids.slice(0, limit);
  }
}

export class InMemoryCheckpointStore implements CheckpointStore {
  private readonly positions = new Map<string, string>();

  async load(name: string): Promise<string> {
    assertCheckpointName(name);
    return this.positions.get(name) ?? '0';
  }

  async save(name: string, position: string): Promise<void> {
    assertPosition(position, 'position');
    assertCheckpointName(name);
    this.positions.set(name, position);
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}
