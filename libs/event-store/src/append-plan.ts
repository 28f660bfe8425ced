import {
  DuplicateEventError,
  InvalidEventError,
  WrongExpectedVersionError,
  type AppendRequest,
  type ExpectedVersion,
  type NewEvent,
} from './event-store';
import { GENESIS_HASH, canonicalEventContent, canonicalJson, hashOf } from './hash-chain';

/**
 * The store-independent half of an append, shared by the in-memory and the Postgres store so both
 * have the same semantics: validate the requests, check expected versions against the streams'
 * current heads, number the events and extend each stream's hash chain.
 */

/** Where a stream stands before an append. A stream that does not exist has version 0. */
export interface StreamHead {
  readonly version: number;
  readonly lastHash: string;
}

export const EMPTY_HEAD: StreamHead = { version: 0, lastHash: GENESIS_HASH };

/** An event ready to store: numbered, hashed, `occurredAt` normalised to `Date#toISOString()`. */
export interface PlannedEvent {
  readonly streamId: string;
  readonly streamVersion: number;
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly occurredAt: string;
  readonly data: NewEvent['data'];
  readonly metadata: NewEvent['metadata'];
  readonly prevHash: string;
  readonly hash: string;
  /** `data` and `metadata` in canonical JSON, as hashed: what the store writes. */
  readonly dataJson: string;
  readonly metadataJson: string;
}

export interface AppendPlan {
  /** All events of all requests, in request order: the order they take positions in. */
  readonly events: readonly PlannedEvent[];
  /** Per request: its stream and the stream's version after it. */
  readonly results: ReadonlyArray<{ readonly streamId: string; readonly nextExpectedVersion: number }>;
  /** New heads of the streams that receive events. */
  readonly heads: ReadonlyMap<string, StreamHead>;
}

/** Distinct stream ids of the requests, sorted: the order to lock them in (no deadlocks). */
export function streamIdsOf(requests: readonly AppendRequest[]): string[] {
  return [...new Set(requests.map((r) => r.streamId))].sort();
}

/**
 * Plans an append of `requests` (applied in order; one stream may appear more than once) onto the
 * current `heads` (missing = the stream does not exist). Throws InvalidEventError,
 * DuplicateEventError (an eventId twice in the batch) or WrongExpectedVersionError.
 */
export function planAppend(requests: readonly AppendRequest[], heads: ReadonlyMap<string, StreamHead>): AppendPlan {
  validateRequests(requests);
  const current = new Map<string, StreamHead>();
  const headOf = (streamId: string): StreamHead => current.get(streamId) ?? heads.get(streamId) ?? EMPTY_HEAD;
  const events: PlannedEvent[] = [];
  const results: Array<{ streamId: string; nextExpectedVersion: number }> = [];

  for (const { streamId, expectedVersion, events: newEvents } of requests) {
    let { version, lastHash } = headOf(streamId);
    if (expectedVersion !== 'any' && expectedVersion !== version) {
      throw new WrongExpectedVersionError(streamId, expectedVersion, version);
    }
    for (const event of newEvents) {
      version += 1;
      const planned = {
        streamId,
        streamVersion: version,
        eventId: event.eventId,
        type: event.type,
        schemaVersion: event.schemaVersion,
        occurredAt: new Date(event.occurredAt).toISOString(),
        data: event.data,
        metadata: event.metadata,
        dataJson: canonicalJson(event.data),
        metadataJson: canonicalJson(event.metadata),
        prevHash: lastHash,
      };
      // = eventHash(lastHash, planned), without serialising data and metadata a second time.
      const hash = hashOf(lastHash, canonicalEventContent(planned, planned.dataJson, planned.metadataJson));
      events.push({ ...planned, hash });
      lastHash = hash;
    }
    current.set(streamId, { version, lastHash });
    results.push({ streamId, nextExpectedVersion: version });
  }

  const changed = new Map<string, StreamHead>();
  for (const [streamId, head] of current) {
    if (head.version !== (heads.get(streamId)?.version ?? 0)) changed.set(streamId, head);
  }
  return { events, results, heads: changed };
}

const MAX_VERSION = 2_147_483_647; // the int column

function validateRequests(requests: readonly AppendRequest[]): void {
  const seen = new Set<string>();
  for (const { streamId, expectedVersion, events } of requests) {
    if (typeof streamId !== 'string' || streamId.length === 0) throw new InvalidEventError('streamId must be a non-empty string');
    if (!isExpectedVersion(expectedVersion)) {
      throw new InvalidEventError(`stream ${streamId}: expectedVersion must be a non-negative integer or 'any', got ${String(expectedVersion)}`);
    }
    if (!Array.isArray(events)) throw new InvalidEventError(`stream ${streamId}: events must be an array`);
    for (const event of events) {
      const where = `stream ${streamId}, event ${String(event?.eventId)}`;
      if (typeof event?.eventId !== 'string' || event.eventId.length === 0) throw new InvalidEventError(`${where}: eventId must be a non-empty string`);
      if (typeof event.type !== 'string' || event.type.length === 0) throw new InvalidEventError(`${where}: type must be a non-empty string`);
      if (!Number.isInteger(event.schemaVersion) || event.schemaVersion < 1) throw new InvalidEventError(`${where}: schemaVersion must be a positive integer`);
      if (typeof event.occurredAt !== 'string' || Number.isNaN(Date.parse(event.occurredAt))) {
        throw new InvalidEventError(`${where}: occurredAt must be an ISO 8601 time, got ${String(event.occurredAt)}`);
      }
      if (!isPlainObject(event.data)) throw new InvalidEventError(`${where}: data must be a JSON object`);
      if (!isPlainObject(event.metadata)) throw new InvalidEventError(`${where}: metadata must be a JSON object`);
      if (seen.has(event.eventId)) throw new DuplicateEventError(event.eventId);
      seen.add(event.eventId);
    }
  }
}

function isExpectedVersion(value: ExpectedVersion): boolean {
  return value === 'any' || (Number.isInteger(value) && value >= 0 && value <= MAX_VERSION);
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
