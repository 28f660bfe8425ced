import type { AppliedReading, QuarantinedReading, TwinEvent, TwinMaintenanceCompletedData } from '@twinline/contracts';
import { TwinError } from './twin.errors';
import { evolvePrediction } from './twin.predict';
import { describeConditions } from './twin.profiles';
import { ownEntry, rememberIds, timeMs, type AlarmRecord, type MetricValue, type TwinState } from './twin.state';
import { securityRulesOf, sensorRulesOf, union } from './twin.violations';

/**
 * Folds one reading into the latest values: a metric takes the reading's value unless the twin
 * already holds a value of a later source time (a late reading of another device does not roll the
 * twin back). Equal times: the later-applied reading wins.
 */
export function mergeReadingMetrics(
  metrics: Readonly<Record<string, MetricValue>>,
  reading: Pick<AppliedReading, 'readingId' | 'ts' | 'metrics'>,
): Readonly<Record<string, MetricValue>> {
  const at = timeMs(reading.ts);
  let next: Record<string, MetricValue> | null = null;
  for (const [metric, value] of Object.entries(reading.metrics)) {
    const known = metrics[metric];
    if (known !== undefined && timeMs(known.ts) > at) continue;
    next ??= { ...metrics };
    next[metric] = { value, ts: reading.ts, readingId: reading.readingId };
  }
  return next ?? metrics;
}

function laterOf(a: string | null, b: string): string {
  return a === null || timeMs(b) > timeMs(a) ? b : a;
}

/**
 * A released reading (it bypassed the rules after review) is applied once by its id: it neither
 * moves its device's last seq (it may lie far ahead or behind) nor counts as the sensor working
 * again. Any other applied reading ends a run of data violations.
 */
function applyReadings(state: TwinState, assetId: string, readings: readonly AppliedReading[]): TwinState {
  let metrics = state.metrics;
  const lastSeqByDevice: Record<string, number> = { ...state.lastSeqByDevice };
  let lastReadingTs = state.lastReadingTs;
  let violationsSinceApplied = state.violationsSinceApplied;
  let violationRulesSinceApplied = state.violationRulesSinceApplied;
  let lastAppliedReceivedAt = state.lastAppliedReceivedAt;
  let lastAppliedReadingId = state.lastAppliedReadingId ?? null;
  const released: Array<{ id: string; at: string }> = [];
  for (const reading of readings) {
    metrics = mergeReadingMetrics(metrics, reading);
    lastReadingTs = laterOf(lastReadingTs, reading.ts);
    if (reading.release) {
      released.push({ id: reading.readingId, at: reading.release.at });
      continue;
    }
    // Own entries only: a device id may be the name of an inherited member ("constructor").
    const last = Object.hasOwn(lastSeqByDevice, reading.deviceId) ? lastSeqByDevice[reading.deviceId] : undefined;
    if (last === undefined || reading.seq > last) lastSeqByDevice[reading.deviceId] = reading.seq;
    violationsSinceApplied = 0;
    violationRulesSinceApplied = [];
    lastAppliedReadingId = reading.readingId;
    if (reading.receivedAt !== undefined) lastAppliedReceivedAt = laterOf(lastAppliedReceivedAt, reading.receivedAt);
  }
  return {
    ...state,
    assetId,
    metrics,
    lastSeqByDevice,
    lastReadingTs,
    readingsApplied: state.readingsApplied + readings.length,
    violationsSinceApplied,
    violationRulesSinceApplied,
    lastAppliedReceivedAt,
    lastAppliedReadingId,
    recentReleased: rememberIds(state.recentReleased, released),
  };
}

/**
 * Quarantined readings: a reading breaking sensor rules, received after the last applied reading,
 * extends the run of violations (and the open fault); one breaking security rules counts towards the
 * last security alert.
 */
function recordQuarantined(state: TwinState, assetId: string, readings: readonly QuarantinedReading[]): TwinState {
  let { violationsSinceApplied, violationRulesSinceApplied, sensorFault, lastSecurityViolation } = state;
  for (const reading of readings) {
    const security = securityRulesOf(reading.rules);
    if (security.length) {
      if (lastSecurityViolation) lastSecurityViolation = { ...lastSecurityViolation, rules: union(lastSecurityViolation.rules, security), count: lastSecurityViolation.count + 1 };
      continue;
    }
    const sensor = sensorRulesOf(reading.rules);
    if (sensor.length === 0) continue;
    if (state.lastAppliedReceivedAt !== null && timeMs(reading.receivedAt) <= timeMs(state.lastAppliedReceivedAt)) continue;
    violationsSinceApplied += 1;
    violationRulesSinceApplied = union(violationRulesSinceApplied, sensor);
    if (sensorFault) sensorFault = { ...sensorFault, violations: sensorFault.violations + 1, rules: union(sensorFault.rules, sensor) };
  }
  return {
    ...state,
    assetId,
    violationsSinceApplied,
    violationRulesSinceApplied,
    sensorFault,
    lastSecurityViolation,
    readingsQuarantined: state.readingsQuarantined + readings.length,
    recentQuarantined: rememberIds(
      state.recentQuarantined,
      readings.map((r) => ({ id: r.readingId, at: r.receivedAt })),
    ),
  };
}

/**
 * Maintenance recorded: counted, its work order remembered (recorded once), the latest completion
 * shown as `lastMaintenance`; a repair that resets anything moves `maintainedSince` to its
 * completion time (what the baseline and health index start from). A completion older than the
 * one shown (recorded late) counts, but moves neither.
 */
function recordMaintenance(state: TwinState, d: TwinMaintenanceCompletedData): TwinState {
  const last = state.lastMaintenance;
  const latest = last === null || timeMs(d.completedAt) >= timeMs(last.completedAt);
  const resetsSince = d.resets.length > 0 && (state.maintainedSince === null || timeMs(d.completedAt) > timeMs(state.maintainedSince));
  return {
    ...state,
    assetId: d.assetId,
    lastMaintenance: latest ? { workOrderId: d.workOrderId, type: d.type, cause: d.cause, completedAt: d.completedAt, failure: d.failure, resets: d.resets } : last,
    maintenanceCount: state.maintenanceCount + 1,
    maintainedSince: resetsSince ? d.completedAt : state.maintainedSince,
    recentWorkOrders: rememberIds(state.recentWorkOrders, [{ id: d.workOrderId, at: d.completedAt }]),
  };
}

/** `map` with `key` set to `value` (undefined: removed); the same map when nothing changes. */
function withEntry<T>(map: Readonly<Record<string, T>>, key: string, value: T | undefined): Readonly<Record<string, T>> {
  if (value === undefined) {
    if (!Object.hasOwn(map, key)) return map;
    const { [key]: _removed, ...rest } = map;
    return rest;
  }
  return { ...map, [key]: value };
}

/** The record of `cause` changed by `change` when it is the alarm `alarmId` (an event about another alarm changes nothing). */
function withAlarm(state: TwinState, cause: string, alarmId: string, change: (record: AlarmRecord) => AlarmRecord | undefined): TwinState {
  const record = ownEntry(state.alarms, cause);
  if (record === undefined || record.alarmId !== alarmId) return state;
  return { ...state, alarms: withEntry(state.alarms, cause, change(record)) };
}

/** Pure: the twin after one event. The same function serves live handling, replay and audit. */
export function evolve(state: TwinState, event: TwinEvent): TwinState {
  // Prediction (twin.predict.ts) folds every event into its own slice, after the rest of the twin.
  const next = evolveTwin(state, event);
  const prediction = evolvePrediction(next.prediction, event, { before: state.maintainedSince, after: next.maintainedSince });
  if (prediction === next.prediction) return next;
  // H10: `next` is an object evolveTwin has just built (not `state`): set the slice on it instead of
  // copying the whole state again. Nothing else holds it yet, so the fold stays pure from outside.
  if (next !== state) {
    (next as { prediction: TwinState['prediction'] }).prediction = prediction;
    return next;
  }
  return { ...next, prediction };
}

function evolveTwin(state: TwinState, event: TwinEvent): TwinState {
  switch (event.type) {
    case 'ReadingsApplied':
      return applyReadings(state, event.data.assetId, event.data.readings);
    case 'TwinStatusChanged':
      return { ...state, assetId: event.data.assetId, status: event.data.to, label: event.data.label, profile: event.data.profile };
    case 'AlarmRaised': {
      // A new episode replaces a RETURNED_UNACKED record of the cause (its own AlarmCleared was emitted).
      const d = event.data;
      const record: AlarmRecord = {
        alarmId: d.alarmId,
        cause: d.cause,
        severity: d.severity,
        state: 'ACTIVE_UNACKED',
        raisedAt: d.raisedAt,
        message: d.message,
        conditions: d.conditions,
        acknowledgedBy: null,
        acknowledgedAt: null,
        returnedAt: null,
        // Re-alarm counts from when it was announced: the later of the source time and the receipt
        // time of the last applied reading (a reading dated long ago is announced when it arrives).
        lastAnnouncedAt: laterOf(state.lastAppliedReceivedAt, d.raisedAt),
        reannouncements: 0,
      };
      const condition = { active: true, severity: d.severity, since: d.raisedAt, readingId: d.readingId, conditions: d.conditions, profile: d.profile, pending: null };
      return {
        ...state,
        assetId: d.assetId,
        alarms: withEntry(state.alarms, d.cause, record),
        alarmConditions: withEntry(state.alarmConditions, d.cause, condition),
        alarmsRaised: state.alarmsRaised + 1,
      };
    }
    case 'AlarmCleared': {
      // The condition is normal again: ACTIVE_ACKED → NORMAL, ACTIVE_UNACKED → RETURNED_UNACKED (to acknowledge).
      const d = event.data;
      const cleared = withAlarm(state, d.cause, d.alarmId, (r) => (r.state === 'ACTIVE_ACKED' ? undefined : r.state === 'ACTIVE_UNACKED' ? { ...r, state: 'RETURNED_UNACKED', returnedAt: d.at } : r));
      return { ...cleared, assetId: d.assetId, alarmConditions: withEntry(state.alarmConditions, d.cause, undefined) };
    }
    case 'AlarmSeverityChanged': {
      const d = event.data;
      const changed = withAlarm(state, d.cause, d.alarmId, (r) => ({ ...r, severity: d.to, conditions: d.conditions, message: describeConditions(d.conditions) }));
      const condition = ownEntry(state.alarmConditions, d.cause);
      return {
        ...changed,
        assetId: d.assetId,
        alarmConditions: condition === undefined ? state.alarmConditions : withEntry(state.alarmConditions, d.cause, { ...condition, severity: d.to, conditions: d.conditions, pending: null }),
      };
    }
    case 'AlarmConditionChanged':
      return { ...state, assetId: event.data.assetId, alarmConditions: withEntry(state.alarmConditions, event.data.cause, event.data.condition ?? undefined) };
    case 'AlarmShelved': {
      const { assetId, alarmId, cause, by, at, until, reason } = event.data;
      return { ...state, assetId, shelves: withEntry(state.shelves, cause, { alarmId, by, at, until, reason }) };
    }
    case 'AlarmUnshelved':
      return { ...state, assetId: event.data.assetId, shelves: withEntry(state.shelves, event.data.cause, undefined) };
    case 'AlarmRemovedFromService': {
      const { assetId, cause, by, at, reason } = event.data;
      return { ...state, assetId, outOfService: withEntry(state.outOfService, cause, { by, at, reason }), alarms: withEntry(state.alarms, cause, undefined) };
    }
    case 'AlarmReturnedToService':
      return { ...state, assetId: event.data.assetId, outOfService: withEntry(state.outOfService, event.data.cause, undefined) };
    case 'AlarmReannounced': {
      const d = event.data;
      return { ...withAlarm(state, d.cause, d.alarmId, (r) => ({ ...r, lastAnnouncedAt: d.at, reannouncements: d.count })), assetId: d.assetId };
    }
    case 'ReadingsQuarantined':
      return recordQuarantined(state, event.data.assetId, event.data.readings);
    case 'SensorFaultDetected':
      return { ...state, assetId: event.data.assetId, sensorFault: { since: event.data.at, violations: event.data.violations, rules: event.data.rules } };
    case 'SensorFaultCleared':
      return { ...state, assetId: event.data.assetId, sensorFault: null };
    case 'SecurityViolationDetected':
      return { ...state, assetId: event.data.assetId, lastSecurityViolation: { at: event.data.at, rules: event.data.rules, count: event.data.count } };
    case 'AlarmAcknowledged': {
      // ACTIVE_UNACKED → ACTIVE_ACKED (it stays until the process returns to normal); RETURNED_UNACKED → NORMAL.
      const d = event.data;
      const cause = Object.keys(state.alarms).find((c) => state.alarms[c]!.alarmId === d.alarmId);
      if (cause === undefined) return { ...state, assetId: d.assetId };
      const acknowledged = withAlarm(state, cause, d.alarmId, (r) =>
        r.state === 'RETURNED_UNACKED' ? undefined : r.state === 'ACTIVE_UNACKED' ? { ...r, state: 'ACTIVE_ACKED', acknowledgedBy: d.by, acknowledgedAt: d.at } : r,
      );
      return { ...acknowledged, assetId: d.assetId };
    }
    case 'MaintenanceCompleted':
      return recordMaintenance(state, event.data);
    case 'FailurePredicted':
    case 'FailurePredictionWithdrawn':
    case 'RulEstimated':
    case 'AnomalyDetected':
    case 'AnomalyCleared':
    case 'PredictionConfigured':
      // The prediction slice is folded apart (twin.predict.ts).
      return { ...state, assetId: event.data.assetId };
    default: {
      const unknown: never = event;
      throw new TwinError('TWIN.UNKNOWN_EVENT', `unknown twin event type ${JSON.stringify((unknown as { type?: unknown }).type)}: add it to evolve or an upcaster`);
    }
  }
}
