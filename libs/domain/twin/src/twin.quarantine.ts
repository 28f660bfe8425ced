import type { QuarantinedReading, TwinEvent } from '@twinline/contracts';
import type { QuarantinePolicy, RecordQuarantine } from './twin.commands';
import { assertSameAsset, TwinError } from './twin.errors';
import { evolve } from './twin.evolve';
import { timeMs, wasSeen, type TwinState } from './twin.state';
import { statusChange } from './twin.status';
import { securityRulesOf, union } from './twin.violations';

/** A SecurityViolationDetected names at most this many devices (a flood of made-up device ids stays small); `count` counts all readings. */
export const MAX_DEVICE_IDS_NAMED = 20;

function assertPolicy(policy: QuarantinePolicy): void {
  const errors: Array<{ field: string; message: string }> = [];
  if (!Number.isInteger(policy.sensorFaultAfter) || policy.sensorFaultAfter < 1) errors.push({ field: 'policy.sensorFaultAfter', message: `must be an integer >= 1, got ${policy.sensorFaultAfter}` });
  if (!Number.isFinite(policy.securityCooldownSeconds) || policy.securityCooldownSeconds < 0) errors.push({ field: 'policy.securityCooldownSeconds', message: `must be a number >= 0, got ${policy.securityCooldownSeconds}` });
  if (errors.length) throw new TwinError('TWIN.INVALID_POLICY', `quarantine policy is invalid: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`, errors);
}

function cooledDown(state: TwinState, at: string, policy: QuarantinePolicy): boolean {
  const last = state.lastSecurityViolation;
  return last === null || timeMs(at) - timeMs(last.at) >= policy.securityCooldownSeconds * 1000;
}

/**
 * Records readings integrity quarantined, in order; a reading recorded before (a redelivery) is
 * skipped, so a redelivered message yields no events.
 * - Each new reading is recorded in a `ReadingsQuarantined` segment.
 * - A reading breaking data rules (not `duplicate`, no security rule) received after the last
 *   applied reading extends the run of violations; when the run reaches `policy.sensorFaultAfter` and no fault is
 *   open, the segment closes and `SensorFaultDetected` follows, with `TwinStatusChanged` to
 *   SENSOR_FAULT unless the twin shows ALARM (an alarm is never hidden; the fault is still recorded).
 * - Readings breaking security rules raise one `SecurityViolationDetected` at the end, unless one
 *   was raised less than `policy.securityCooldownSeconds` before `at` (receipt time).
 */
export function decideQuarantine(command: RecordQuarantine, state: TwinState): TwinEvent[] {
  const { assetId, items, at, policy, profile } = command.data;
  assertSameAsset(state.assetId, assetId);
  if (Number.isNaN(timeMs(at))) throw new TwinError('TWIN.INVALID_TIME', `at "${at}" is not an ISO 8601 date-time, e.g. 2024-01-01T00:00:00Z`, [{ field: 'at', message: 'must be an ISO 8601 date-time' }]);
  assertPolicy(policy);

  const events: TwinEvent[] = [];
  let working = state;
  let segment: QuarantinedReading[] = [];
  const closeSegment = () => {
    if (segment.length) events.push({ type: 'ReadingsQuarantined', data: { assetId, readings: segment } });
    segment = [];
  };
  const apply = (event: TwinEvent) => {
    events.push(event);
    working = evolve(working, event);
  };
  const security: QuarantinedReading[] = [];

  for (const item of items) {
    if (Number.isNaN(timeMs(item.receivedAt))) throw new TwinError('TWIN.INVALID_TIME', `reading ${item.readingId}: receivedAt "${item.receivedAt}" is not an ISO 8601 date-time`, [{ field: 'items.receivedAt', message: 'must be an ISO 8601 date-time' }]);
    if (wasSeen(working.recentQuarantined, item.readingId, item.receivedAt)) continue;
    const rules = union([], item.reasons.map((r) => r.rule));
    if (rules.length === 0) throw new TwinError('TWIN.INVALID_QUARANTINE', `reading ${item.readingId} was quarantined without a reason: every quarantined reading names the rules it broke`, [{ field: 'items.reasons', message: 'must name at least one rule' }]);
    const recorded: QuarantinedReading = { readingId: item.readingId, deviceId: item.deviceId, receivedAt: item.receivedAt, rules: [...rules] };
    segment.push(recorded);
    const before = working.violationsSinceApplied;
    working = evolve(working, { type: 'ReadingsQuarantined', data: { assetId, readings: [recorded] } });
    if (securityRulesOf(rules).length) security.push(recorded);

    const counted = working.violationsSinceApplied > before;
    if (!counted || working.sensorFault !== null || working.violationsSinceApplied < policy.sensorFaultAfter) continue;
    closeSegment();
    apply({ type: 'SensorFaultDetected', data: { assetId, at, readingId: item.readingId, violations: working.violationsSinceApplied, rules: [...working.violationRulesSinceApplied] } });
    if (working.status !== 'ALARM') for (const change of statusChange(working, 'SENSOR_FAULT', { assetId, at, readingId: item.readingId, conditions: [], profile })) apply(change);
  }
  closeSegment();

  const [first] = security;
  if (first && cooledDown(working, at, policy)) {
    const deviceIds = union([], security.flatMap((r) => (r.deviceId === null ? [] : [r.deviceId]))).slice(0, MAX_DEVICE_IDS_NAMED);
    const rules = union([], security.flatMap((r) => securityRulesOf(r.rules)));
    apply({ type: 'SecurityViolationDetected', data: { assetId, at, readingId: first.readingId, rules: [...rules], deviceIds: [...deviceIds], count: security.length } });
  }
  return events;
}
