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
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(metrics)) {
    if (typeof v === 'number' && !Number.isFinite(v)) {
      out[k] = encodeNumber(v);
      changed = true;
    } else out[k] = v;
  }
  return changed ? { ...(payload as object), metrics: out } : payload;
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
 * message carries many readings), assigning each reading its id and receipt time.
 */
export function buildRawBatches(
  received: readonly Received[],
  context: { channel: Channel; receivedAt: string; topology: Topology; topic?: string; actor?: string; newId?: () => string },
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
  const messages: OutgoingMessage[] = [];
  for (const [assetId, items] of byAsset) {
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

/** Splits an MQTT payload into readings: one reading, an array, or { readings: [...] }. */
export function readingsFromMqttPayload(text: string, topicAssetId: string, maxReadings: number): Received[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return [{ assetId: topicAssetId, payload: { unparsed: text.slice(0, 65_536) }, parseError: `payload is not JSON: ${(error as Error).message}` }];
  }
  const list = Array.isArray(parsed)
    ? parsed
    : parsed && typeof parsed === 'object' && Array.isArray((parsed as { readings?: unknown }).readings)
      ? ((parsed as { readings: unknown[] }).readings)
      : [parsed];
  if (list.length === 0) return [{ assetId: topicAssetId, payload: parsed, parseError: 'payload holds no reading (empty array)' }];
  if (list.length > maxReadings) {
    return [{ assetId: topicAssetId, payload: { unparsed: text.slice(0, 65_536) }, parseError: `payload holds ${list.length} readings, more than ${maxReadings}` }];
  }
  return list.map((payload) => ({ assetId: topicAssetId, payload }));
}
