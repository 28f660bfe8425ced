import { rawTelemetryV1, parseContract, type QuarantinedTelemetry, type RawTelemetry, type Topology, type TrustedReading, type ValidatedTelemetry, type QuarantinedItem } from '@twinline/contracts';
import { assessMessages, own, type RegistryView } from '@twinline/domain-integrity';
import { messageParser, type Delivery, type OutgoingMessage } from '@twinline/messaging';
import type { IntegrityStore } from '../store/integrity-store';
import { countAssessment } from './assessment.metrics';

export const parseRawTelemetry = messageParser((body): RawTelemetry => parseContract(rawTelemetryV1, body, 'telemetry.raw message'));

/** Device and asset ids named in a batch (to load their state and registry entries in one query each). */
function idsOf(batch: readonly Delivery<RawTelemetry>[]): { deviceIds: string[]; assetIds: string[] } {
  const deviceIds = new Set<string>();
  const assetIds = new Set<string>();
  for (const d of batch) {
    assetIds.add(d.data.assetId);
    for (const item of d.data.items) {
      const payload = item.payload as { deviceId?: unknown; assetId?: unknown } | null;
      if (typeof payload?.deviceId === 'string') deviceIds.add(payload.deviceId);
      if (typeof payload?.assetId === 'string') assetIds.add(payload.assetId);
    }
  }
  return { deviceIds: [...deviceIds], assetIds: [...assetIds] };
}

/**
 * Handles a batch of raw telemetry messages: the pure integrity rules decide (with the registry
 * entries and device state the batch names, loaded in one query each), this adapter publishes
 * the validated and quarantined messages (ids derived from the raw message: a retry republishes the
 * same ids, which JetStream deduplicates) and then commits device state, quarantine and the
 * processed-message marks in one transaction. A redelivered message that was committed is skipped.
 */
export async function assessTelemetry(
  batch: readonly Delivery<RawTelemetry>[],
  deps: {
    store: IntegrityStore;
    registry: (assetIds: readonly string[], deviceIds: readonly string[]) => Promise<RegistryView>;
    publish: (messages: OutgoingMessage[]) => Promise<void>;
    topology: Topology;
  },
): Promise<{ accepted: number; quarantined: number }> {
  const processed = await deps.store.processedAmong(batch.map((d) => d.data.eventId));
  const todo = batch.filter((d) => !processed.has(d.data.eventId));
  if (todo.length === 0) return { accepted: 0, quarantined: 0 };

  const { deviceIds, assetIds } = idsOf(todo);
  const [before, registry] = await Promise.all([deps.store.loadDevices(deviceIds), deps.registry(assetIds, deviceIds)]);
  const { results, state } = assessMessages(
    todo.map(({ data: raw }) => ({ subjectAssetId: raw.assetId, items: raw.items })),
    before,
    registry,
  );
  const out: OutgoingMessage[] = [];
  const quarantinedRows: Array<{ assetId: string; messageId: string; item: QuarantinedItem }> = [];
  let accepted = 0;
  for (const [i, { data: raw, traceContext }] of todo.entries()) {
    const result = results[i]!;
    accepted += result.accepted.length;
    if (result.accepted.length) out.push({ ...validatedMessage(raw, result.accepted, deps.topology), context: traceContext });
    if (result.quarantined.length) {
      // Stored in every case; announced (to the twin and from there to people) only for a registered
      // asset: anyone can post readings naming any asset, and must not create twins by doing so.
      if (own(registry.assets, raw.assetId)) out.push({ ...quarantinedMessage(raw, result.quarantined, deps.topology), context: traceContext });
      for (const item of result.quarantined) quarantinedRows.push({ assetId: raw.assetId, messageId: raw.eventId, item });
    }
  }
  await deps.publish(out);
  await deps.store.commit({ state, quarantined: quarantinedRows, messageIds: todo.map((d) => d.data.eventId) });
  countAssessment(accepted, quarantinedRows.map((row) => row.item));
  return { accepted, quarantined: quarantinedRows.length };
}

/** Envelope of a message derived from a raw one: its id is derived too, so a retry republishes the same id. */
function derivedEnvelope<T extends string>(raw: RawTelemetry, type: T, suffix: string) {
  const eventId = `${raw.eventId}:${suffix}`;
  return { type, schemaVersion: 1 as const, eventId, occurredAt: raw.occurredAt, assetId: raw.assetId, correlationId: raw.correlationId, causationId: raw.eventId };
}

function validatedMessage(raw: RawTelemetry, readings: TrustedReading[], t: Topology): OutgoingMessage {
  const payload: ValidatedTelemetry = { ...derivedEnvelope(raw, 'TelemetryValidated', 'validated'), readings };
  return { subject: t.validatedTelemetry(raw.assetId), payload, msgId: payload.eventId };
}

function quarantinedMessage(raw: RawTelemetry, items: QuarantinedItem[], t: Topology): OutgoingMessage {
  const payload: QuarantinedTelemetry = { ...derivedEnvelope(raw, 'TelemetryQuarantined', 'quarantined'), items };
  return { subject: t.quarantinedTelemetry(raw.assetId), payload, msgId: payload.eventId };
}
