import type { EventMetadata } from '@twinline/contracts';

/** An event to append. `eventId` is unique across the store: appending it again is a duplicate. */
export interface NewEvent {
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  /** Source time of the fact (e.g. the reading's ts), ISO 8601. */
  readonly occurredAt: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly metadata: EventMetadata;
}

export interface StoredEvent extends NewEvent {
  readonly streamId: string;
  /** 1 for the first event of a stream. */
  readonly streamVersion: number;
  /** Global position (bigserial), as a decimal string: safe beyond 2^53. */
  readonly position: string;
  /** Time the store committed the event, ISO 8601. */
  readonly recordedAt: string;
  /** sha256 hex over the previous hash of the stream and this event's canonical content. */
  readonly hash: string;
  readonly prevHash: string;
}

/** Expected version of a stream before an append: a number (0 = stream must not exist yet) or 'any'. */
export type ExpectedVersion = number | 'any';

export interface AppendRequest {
  readonly streamId: string;
  readonly expectedVersion: ExpectedVersion;
  readonly events: readonly NewEvent[];
}

export interface AppendResult {
  readonly streamId: string;
  /** Version of the stream after the append. */
  readonly nextExpectedVersion: number;
  readonly lastPosition: string;
}

export interface ReadStreamOptions {
  readonly fromVersion?: number;
  readonly toVersion?: number;
  readonly limit?: number;
}

export interface ReadAllOptions {
  /**
   * Exclusive cursor: '0' reads from the beginning, otherwise the position of the last event a
   * previous readAll returned (what a checkpoint stores). See `EventStore.readAll` for the order.
   */
  readonly after: string;
  readonly limit: number;
}

export interface EventStore {
  /** Appends to one stream atomically with optimistic concurrency. */
  append(streamId: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult>;
  /** Appends to many streams in ONE transaction: all or nothing (batch-first write path). */
  appendMany(requests: readonly AppendRequest[]): Promise<AppendResult[]>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  /**
   * Reads the global log in commit-safe order. Never skips an event whose transaction commits later
   * than a transaction with a higher position (it only returns events below the oldest running
   * transaction), so a reader that advances its checkpoint to the last returned position loses nothing.
   *
   * Order: in the Postgres store, by (writing transaction, position), as in event-driven-io/emmett.
   * That is position order except where concurrent appends interleave: an append whose transaction
   * started earlier but inserted later comes first, with a lower transaction id and a higher
   * position. So treat `position` as a cursor for `after`, never as a monotonic number (do not
   * skip an event because its position is lower than one already seen; deduplicate by eventId).
   */
  readAll(options: ReadAllOptions): Promise<StoredEvent[]>;
  /**
   * Position of the last event committed to the global log, '0' when it is empty: what a reader's
   * checkpoint is measured against (e.g. the outbox lag).
   */
  headPosition(): Promise<string>;
  /** Current version of a stream, 0 when it does not exist. */
  streamVersion(streamId: string): Promise<number>;
  /** Stream ids with a prefix, e.g. 'asset-'. */
  listStreams(prefix: string, options?: { after?: string; limit?: number }): Promise<string[]>;
}

/** Durable positions of readers of the global log (projections, the outbox relay). */
export interface CheckpointStore {
  load(name: string): Promise<string>;
  save(name: string, position: string): Promise<void>;
}

export class WrongExpectedVersionError extends Error {
  readonly code = 'EVENT_STORE.WRONG_EXPECTED_VERSION';
  constructor(
    readonly streamId: string,
    readonly expectedVersion: ExpectedVersion,
    readonly actualVersion: number,
  ) {
    super(`stream ${streamId}: expected version ${String(expectedVersion)}, actual ${actualVersion}`);
    this.name = 'WrongExpectedVersionError';
  }
}

export class DuplicateEventError extends Error {
  readonly code = 'EVENT_STORE.DUPLICATE_EVENT';
  constructor(readonly eventId: string) {
    super(`event ${eventId} is already stored`);
    this.name = 'DuplicateEventError';
  }
}

/** Nest injection tokens for services that use the store. */
export const EVENT_STORE = Symbol('EVENT_STORE');
export const CHECKPOINT_STORE = Symbol('CHECKPOINT_STORE');

/** An append that can never succeed as given (empty stream id, unparsable occurredAt, ...). */
export class InvalidEventError extends Error {
  readonly code = 'EVENT_STORE.INVALID_EVENT';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventError';
  }
}
