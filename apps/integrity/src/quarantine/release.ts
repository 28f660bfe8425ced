import { parseContract, readingSchema, type ReleaseInfo, type Topology, type ValidatedTelemetry } from '@twinline/contracts';
import type { OutgoingMessage } from '@twinline/messaging';
import { DomainError } from '@twinline/service-kit';
import type { QuarantineRecord } from '../store/integrity-store';

/**
 * The message that lets a released reading flow on as if accepted: a TelemetryValidated with the
 * reading carrying `release` (who, when, why). Only a readable reading with finite numbers can be
 * released — a twin cannot hold "NaN" — otherwise 422 naming the fields.
 */
export function releasedMessage(record: QuarantineRecord, release: ReleaseInfo, topology: Topology): OutgoingMessage {
  let reading;
  try {
    reading = parseContract(readingSchema, record.payload, 'quarantined reading');
  } catch (error) {
    throw new DomainError('QUARANTINE.NOT_RELEASABLE', `reading ${record.readingId} cannot be released: ${(error as Error).message}`, 422);
  }
  const notFinite = Object.entries(reading.metrics).filter(([, v]) => typeof v !== 'number');
  if (notFinite.length) {
    throw new DomainError('QUARANTINE.NOT_RELEASABLE', `reading ${record.readingId} cannot be released: ${notFinite.map(([m, v]) => `metrics.${m} is ${v}`).join(', ')} (a twin holds finite numbers only)`, 422, {
      errors: notFinite.map(([m]) => ({ field: `metrics.${m}`, message: 'must be a finite number to be released' })),
    });
  }
  if (reading.assetId !== record.assetId) {
    throw new DomainError('QUARANTINE.NOT_RELEASABLE', `reading ${record.readingId} names asset ${reading.assetId} but was received for ${record.assetId}: a cross-asset write cannot be released`, 422);
  }
  const eventId = `release:${record.readingId}`;
  const payload: ValidatedTelemetry = {
    type: 'TelemetryValidated',
    schemaVersion: 1,
    eventId,
    occurredAt: release.at,
    assetId: record.assetId,
    correlationId: record.messageId,
    causationId: record.messageId,
    readings: [
      {
        readingId: record.readingId,
        deviceId: reading.deviceId,
        assetId: reading.assetId,
        seq: reading.seq,
        ts: reading.ts,
        receivedAt: record.receivedAt,
        metrics: reading.metrics as Record<string, number>,
        release,
      },
    ],
  };
  return { subject: topology.validatedTelemetry(record.assetId), payload, msgId: eventId };
}
