import { randomUUID } from 'node:crypto';
import {
  encodeNumber,
  ID_PATTERN,
  type Channel,
  type RawItem,
  type RawTelemetry,
  type Topology,
} from '@twinline/contracts';
import type { OutgoingMessage } from '@twinline/messaging';

/**
 * Replaces non-finite numbers in a reading's metrics by their wire strings ("NaN", "Infinity"),
 * which JSON cannot carry otherwise (`1e999` parses to Infinity). Integrity then rejects them with a reason.
 */
export function encodeNonFinite(payload: unknown): unknown {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return payload;
  const metrics = (payload as { metrics?: unknown }).metrics;
  if (!metrics || typeof metrics !== 'object' || Array.isArray(metrics)) return payload;
  let changed = false;
  const entries = Object.entries(metrics).map(([k, v]): [string, unknown] => {
    if (typeof v !== 'number' || Number.isFinite(v)) return [k, v];
    changed = true;
    return [k, encodeNumber(v)];
  });
  // Object.fromEntries defines properties: a "__proto__" key stays a key, it does not become the prototype.
  return changed ? { ...(payload as object), metrics: Object.fromEntries(entries) } : payload;
}

/** Longest excerpt kept of a payload that is not a reading (for review in quarantine). */
export const EXCERPT_CHARS = 65_536;
/** A reading is a few KiB at most; a larger item is kept as an excerpt, so every raw message fits JetStream. */
export const MAX_ITEM_BYTES = 65_536;
/** A reading nests two levels; a payload nesting deeper than this is kept as an excerpt (JSON.stringify would overflow the stack). */
export const MAX_NESTING = 32;
/** Raw messages are cut into batches under this size (NATS max_payload is 1 MiB by default). */
export const MAX_MESSAGE_BYTES = 512 * 1024;

// eslint-disable-next-line no-control-regex -- U+0000 is exactly what it looks for
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');
/** What quarantine cannot store (Postgres text and jsonb refuse them). */
export const UNSTORABLE_RULE = 'must not hold U+0000 (NUL) or an unpaired UTF-16 surrogate';

/** The text with U+0000 and unpaired surrogates replaced by U+FFFD, so that Postgres can store it. */
export function storableText(text: string): string {
  return text.replace(UNSTORABLE_ALL, '\uFFFD');
}

const excerpt = (text: string) => storableText(text.slice(0, EXCERPT_CHARS));

/**
 * The first thing in a parsed JSON value that must not travel on, found without recursion: nesting
 * deeper than MAX_NESTING, or a key or string holding text Postgres cannot store. Null when none.
 */
export function payloadProblem(value: unknown): { field: string; problem: 'nesting' | 'text' } | null {
  const stack: Visit[] = [{ value, key: '', parent: null, depth: 0 }];
  while (stack.length) {
    const at = stack.pop()!;
    if (typeof at.value === 'string') {
      if (UNSTORABLE.test(at.value)) return { field: pathOf(at), problem: 'text' };
      continue;
    }
    if (at.value === null || typeof at.value !== 'object') continue;
    if (at.depth >= MAX_NESTING) return { field: pathOf(at), problem: 'nesting' };
    for (const [key, child] of Object.entries(at.value)) {
      const visit = { value: child, key, parent: at, depth: at.depth + 1 };
      if (UNSTORABLE.test(key)) return { field: pathOf(visit), problem: 'text' };
      stack.push(visit);
    }
  }
  return null;
}

interface Visit {
  readonly value: unknown;
  readonly key: string;
  readonly parent: Visit | null;
  readonly depth: number;
}

/** Dotted path of a visited value, "(root)" for the value itself. */
function pathOf(visit: Visit): string {
  const keys: string[] = [];
  for (let v: Visit | null = visit; v?.parent; v = v.parent) keys.push(v.key.length > 64 ? `${v.key.slice(0, 64)}…` : v.key);
  return keys.length ? keys.reverse().join('.') : '(root)';
}

/** The start of a value's JSON text, at most `max` characters, written without recursion (any nesting). */
export function jsonExcerpt(value: unknown, max: number): string {
  let out = '';
  const stack: Array<{ raw: string } | { value: unknown }> = [{ value }];
  while (stack.length && out.length < max) {
    const next = stack.pop()!;
    if ('raw' in next) {
      out += next.raw;
      continue;
    }
    const v = next.value;
    if (v !== null && typeof v === 'object') {
      const array = Array.isArray(v);
      const entries = Object.entries(v);
      stack.push({ raw: array ? ']' : '}' });
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        stack.push({ value: child });
        if (!array) stack.push({ raw: `${JSON.stringify(key)}:` });
        if (i > 0) stack.push({ raw: ',' });
      }
      out += array ? '[' : '{';
    } else out += JSON.stringify(v) ?? 'null';
  }
  return out.slice(0, max);
}

export interface Received {
  /** Asset the reading is for, as the channel says (MQTT topic) or the payload says (HTTP). */
  readonly assetId: string;
  readonly payload: unknown;
  readonly parseError?: string;
}

export interface RawBatches {
  readonly messages: OutgoingMessage[];
  /** Reading ids in the order of the input. */
  readonly readingIds: string[];
}

/**
 * Groups received readings into one raw telemetry message per asset (batch-first: one JetStream
 * message carries many readings), assigning each reading its id and receipt time. An asset's
 * readings are cut into several messages, in order, when their JSON would exceed maxMessageBytes.
 */
export function buildRawBatches(
  received: readonly Received[],
  context: { channel: Channel; receivedAt: string; topology: Topology; topic?: string; actor?: string; newId?: () => string; maxMessageBytes?: number },
): RawBatches {
  const newId = context.newId ?? randomUUID;
  const byAsset = new Map<string, RawItem[]>();
  const readingIds: string[] = [];
  for (const r of received) {
    const readingId = newId();
    readingIds.push(readingId);
    const item: RawItem = { readingId, receivedAt: context.receivedAt, payload: encodeNonFinite(r.payload), ...(r.parseError ? { parseError: r.parseError } : {}) };
    const list = byAsset.get(r.assetId);
    if (list) list.push(item);
    else byAsset.set(r.assetId, [item]);
  }
  const maxBytes = context.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  const messages: OutgoingMessage[] = [];
  for (const [assetId, all] of byAsset) for (const items of chunkBySize(all, maxBytes)) {
    const eventId = newId();
    const message: RawTelemetry = {
      type: 'TelemetryReceived',
      schemaVersion: 1,
      eventId,
      occurredAt: context.receivedAt,
      assetId,
      correlationId: eventId,
      causationId: null,
      channel: context.channel,
      ...(context.topic ? { topic: context.topic } : {}),
      ...(context.actor ? { actor: context.actor } : {}),
      items,
    };
    messages.push({ subject: context.topology.rawTelemetry(assetId), payload: message, msgId: eventId });
  }
  return { messages, readingIds };
}

/** Consecutive runs of items whose JSON stays under maxBytes (an item is never split; a run holds at least one). */
function chunkBySize(items: RawItem[], maxBytes: number): RawItem[][] {
  const chunks: RawItem[][] = [];
  let current: RawItem[] = [];
  let size = 0;
  for (const item of items) {
    const bytes = Buffer.byteLength(JSON.stringify(item)) + 1;
    if (current.length && size + bytes > maxBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += bytes;
  }
  if (current.length) chunks.push(current);
  return chunks;
}

/** `<root>/<site>/<assetId>/telemetry` → { site, assetId } or a reason it is not such a topic. */
export function parseTelemetryTopic(topic: string, root: string): { site: string; assetId: string } | { error: string } {
  const parts = topic.split('/');
  if (parts.length !== 4 || parts[0] !== root || parts[3] !== 'telemetry') {
    return { error: `topic must be ${root}/<site>/<assetId>/telemetry` };
  }
  const [, site, assetId] = parts as [string, string, string, string];
  if (!ID_PATTERN.test(assetId)) return { error: `assetId "${assetId.slice(0, 80)}" in the topic is not a valid id` };
  return { site, assetId };
}

export interface PayloadLimits {
  /** Most readings one payload may hold (more: the payload is one quarantined item). */
  readonly maxReadings: number;
  /** Largest payload read (larger: one quarantined item with an excerpt). */
  readonly maxPayloadBytes: number;
}

/**
 * Splits an MQTT payload into readings: one reading, an array, or { readings: [...] }. Never throws:
 * a payload that is too large, not UTF-8, not JSON or holds no or too many readings becomes one item
 * with an excerpt and a parseError; a reading that nests too deep, is too large, or holds text
 * Postgres cannot store becomes an item with an excerpt and a parseError. Integrity quarantines these
 * (rule json): nothing received is lost, and every item can travel and be stored.
 */
export function readingsFromMqttPayload(payload: Uint8Array | string, topicAssetId: string, limits: PayloadLimits): Received[] {
  const unparsed = (text: string, parseError: string): Received[] => [{ assetId: topicAssetId, payload: { unparsed: excerpt(text) }, parseError: storableText(parseError) }];
  const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  if (bytes.byteLength > limits.maxPayloadBytes) {
    return unparsed(lossyText(bytes.subarray(0, EXCERPT_CHARS)), `payload of ${bytes.byteLength} bytes exceeds the limit of ${limits.maxPayloadBytes} bytes`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return unparsed(lossyText(bytes), 'payload is not valid UTF-8 text');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return unparsed(text, `payload is not JSON: ${(error as Error).message}`);
  }
  const list = Array.isArray(parsed)
    ? parsed
    : parsed && typeof parsed === 'object' && Array.isArray((parsed as { readings?: unknown }).readings)
      ? (parsed as { readings: unknown[] }).readings
      : [parsed];
  if (list.length === 0) {
    const item = checkedItem(parsed, topicAssetId);
    return [item.parseError ? item : { ...item, parseError: 'payload holds no reading (empty array)' }];
  }
  if (list.length > limits.maxReadings) return unparsed(text, `payload holds ${list.length} readings, more than ${limits.maxReadings}`);
  return list.map((item) => checkedItem(item, topicAssetId));
}

function lossyText(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/** One reading of a payload as it travels on, or an excerpt with the reason it cannot. */
function checkedItem(item: unknown, assetId: string): Received {
  const problem = payloadProblem(item);
  if (problem) {
    const field = storableText(problem.field.slice(0, 200));
    const parseError = problem.problem === 'nesting' ? `reading nests deeper than ${MAX_NESTING} levels (at ${field})` : `${field} ${UNSTORABLE_RULE}`;
    return { assetId, payload: { unparsed: excerpt(jsonExcerpt(item, EXCERPT_CHARS)) }, parseError };
  }
  const json = JSON.stringify(item) ?? 'null';
  const bytes = Buffer.byteLength(json);
  if (bytes > MAX_ITEM_BYTES) return { assetId, payload: { unparsed: excerpt(json) }, parseError: `reading of ${bytes} bytes exceeds the limit of ${MAX_ITEM_BYTES} bytes` };
  return { assetId, payload: item };
}
