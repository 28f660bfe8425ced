import * as crypto from 'node:crypto';
import type { StoredEvent } from './event-store';

/** The `prevHash` of the first event of every stream: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/** The part of an event that its hash covers (a `StoredEvent` is one). */
export interface HashedEventContent {
  readonly streamId: string;
  readonly streamVersion: number;
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  /** As the store returns it: `Date#toISOString()` (the stores normalise it before hashing). */
  readonly occurredAt: string;
  readonly data: unknown;
  readonly metadata: unknown;
}

/**
 * Canonical JSON: object keys sorted recursively (by UTF-16 code units, JavaScript's default sort,
 * as in RFC 8785), no whitespace; strings and numbers exactly as `JSON.stringify` writes them.
 * Values JSON cannot hold behave as in `JSON.stringify`: `undefined`, functions and symbols are left
 * out of objects and become `null` in arrays, non-finite numbers become `null`, `toJSON` is honoured
 * (dates become ISO strings). So the canonical form of a value equals the canonical form of what it
 * becomes after a round trip through JSON (and through Postgres jsonb), which is what makes a stored
 * event's hash recomputable from what the store returns.
 */
export function canonicalJson(value: unknown): string {
  const text = serialize(value);
  if (text === undefined) throw new TypeError(`canonicalJson: a ${typeof value} has no JSON representation`);
  return text;
}

// Written for speed (it runs for every event appended): string building, no intermediate arrays.
function serialize(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + (serialize(value[i]) ?? 'null');
        return `${out}]`;
      }
      const toJson = (value as { toJSON?: unknown }).toJSON;
      if (typeof toJson === 'function') return serialize(toJson.call(value));
      const record = value as Record<string, unknown>;
      let out = '{';
      for (const key of Object.keys(record).sort()) {
        const member = serialize(record[key]);
        if (member !== undefined) out += (out.length === 1 ? '' : ',') + quoteKey(key) + ':' + member;
      }
      return `${out}}`;
    }
    case 'bigint':
      throw new TypeError('canonicalJson: a bigint has no JSON representation');
    default: // undefined, function, symbol
      return undefined;
  }
}

/** Object keys repeat from event to event: quote each once. */
const quotedKeys = new Map<string, string>();
function quoteKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (quotedKeys.size < 10_000) quotedKeys.set(key, quoted);
  }
  return quoted;
}

/**
 * sha256 (hex) of `prevHash + '\n' + canonicalJson({ streamId, streamVersion, eventId, type,
 * schemaVersion, occurredAt, data, metadata })`. Pure: auditors recompute it offline.
 */
export function eventHash(prevHash: string, event: HashedEventContent): string {
  return hashOf(prevHash, canonicalEventContent(event, canonicalJson(event.data), canonicalJson(event.metadata)));
}

/**
 * canonicalJson({ streamId, streamVersion, eventId, type, schemaVersion, occurredAt, data, metadata })
 * with data and metadata already in canonical JSON: the store serialises them once, for the hash
 * and for the insert. Members in sorted key order.
 */
export function canonicalEventContent(event: Omit<HashedEventContent, 'data' | 'metadata'>, dataJson: string, metadataJson: string): string {
  return (
    `{"data":${dataJson},"eventId":${JSON.stringify(event.eventId)},"metadata":${metadataJson},` +
    `"occurredAt":${JSON.stringify(event.occurredAt)},"schemaVersion":${canonicalJson(event.schemaVersion)},` +
    `"streamId":${JSON.stringify(event.streamId)},"streamVersion":${canonicalJson(event.streamVersion)},"type":${JSON.stringify(event.type)}}`
  );
}

export function hashOf(prevHash: string, canonicalContent: string): string {
  return sha256Hex(`${prevHash}\n${canonicalContent}`);
}

/** sha256 of the UTF-8 text, hex. One-shot `crypto.hash` (Node >= 20.12) is twice as fast. */
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

export type ChainVerification =
  | { readonly valid: true; readonly lastHash: string; readonly checked: number }
  | { readonly valid: false; readonly streamVersion: number; readonly eventId: string; readonly reason: string };

/**
 * Verifies the events of ONE stream, in version order: versions are contiguous, each event links
 * to the previous hash, and each hash matches its content. Pass `prevHash` when the events do not
 * start at version 1 (the hash of the event before the first one); a slice starting at version 1
 * must link to GENESIS_HASH.
 */
export function verifyStreamChain(events: readonly StoredEvent[], options: { prevHash?: string } = {}): ChainVerification {
  const first = events[0];
  if (first === undefined) return { valid: true, lastHash: options.prevHash ?? GENESIS_HASH, checked: 0 };
  let expectedPrev = options.prevHash ?? (first.streamVersion === 1 ? GENESIS_HASH : first.prevHash);
  let expectedVersion = first.streamVersion;
  for (const event of events) {
    const broken = (reason: string): ChainVerification => ({ valid: false, streamVersion: event.streamVersion, eventId: event.eventId, reason });
    if (event.streamId !== first.streamId) return broken(`event belongs to stream ${event.streamId}, not ${first.streamId}`);
    if (event.streamVersion !== expectedVersion) return broken(`expected version ${expectedVersion}, found ${event.streamVersion}`);
    if (event.prevHash !== expectedPrev) return broken(`prevHash does not link to the previous event's hash`);
    if (eventHash(event.prevHash, event) !== event.hash) return broken(`hash does not match the event's content`);
    expectedPrev = event.hash;
    expectedVersion += 1;
  }
  return { valid: true, lastHash: expectedPrev, checked: events.length };
}
