import type { ReleaseInfo, Topology, ValidatedTelemetry } from '@twinline/contracts';
import { releasable } from '@twinline/domain-integrity';
import type { OutgoingMessage } from '@twinline/messaging';
import { DomainError } from '@twinline/service-kit';
import type { QuarantineRecord } from '../store/integrity-store';

/**
 * The message that lets a released reading flow on as if accepted: a TelemetryValidated with the
 * reading carrying `release` (who, when, why), or 422 naming why it cannot be released (the rule is
 * `releasable` in the integrity domain).
 */
export function releasedMessage(record: QuarantineRecord, release: ReleaseInfo, topology: Topology): OutgoingMessage {
  const verdict = releasable(record, release);
  if (!verdict.ok) throw new DomainError('QUARANTINE.NOT_RELEASABLE', `reading ${record.readingId} cannot be released: ${verdict.reason}`, 422, { errors: verdict.errors });
  const eventId = `release:${record.readingId}`;
  const payload: ValidatedTelemetry = {
    type: 'TelemetryValidated',
    schemaVersion: 1,
    eventId,
    occurredAt: release.at,
    assetId: record.assetId,
    correlationId: record.messageId,
    causationId: record.messageId,
    readings: [verdict.reading],
  };
  return { subject: topology.validatedTelemetry(record.assetId), payload, msgId: eventId };
}
