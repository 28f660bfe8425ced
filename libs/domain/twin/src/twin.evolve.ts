import type { AppliedReading, QuarantinedReading, TwinEvent, TwinMaintenanceCompletedData } from '@twinline/contracts';
import { TwinError } from './twin.errors';
import { rememberIds, timeMs, type MetricValue, type TwinState } from './twin.state';
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

/** Pure: the twin after one event. The same function serves live handling, replay and audit. */
export function evolve(state: TwinState, event: TwinEvent): TwinState {
  switch (event.type) {
    case 'ReadingsApplied':
      return applyReadings(state, event.data.assetId, event.data.readings);
    case 'TwinStatusChanged':
      return { ...state, assetId: event.data.assetId, status: event.data.to, label: event.data.label, profile: event.data.profile };
    case 'AlarmRaised':
      return {
        ...state,
        assetId: event.data.assetId,
        activeAlarm: {
          alarmId: event.data.alarmId,
          cause: event.data.cause,
          severity: event.data.severity,
          raisedAt: event.data.raisedAt,
          conditions: event.data.conditions,
          acknowledgedBy: null,
          acknowledgedAt: null,
        },
        alarmsRaised: state.alarmsRaised + 1,
      };
    case 'AlarmCleared':
      return { ...state, assetId: event.data.assetId, activeAlarm: state.activeAlarm?.alarmId === event.data.alarmId ? null : state.activeAlarm };
    case 'ReadingsQuarantined':
      return recordQuarantined(state, event.data.assetId, event.data.readings);
    case 'SensorFaultDetected':
      return { ...state, assetId: event.data.assetId, sensorFault: { since: event.data.at, violations: event.data.violations, rules: event.data.rules } };
    case 'SensorFaultCleared':
      return { ...state, assetId: event.data.assetId, sensorFault: null };
    case 'SecurityViolationDetected':
      return { ...state, assetId: event.data.assetId, lastSecurityViolation: { at: event.data.at, rules: event.data.rules, count: event.data.count } };
    case 'AlarmAcknowledged': {
      // Acknowledged, not cleared: the alarm stays active until the readings clear it.
      const active = state.activeAlarm;
      const acknowledged = active?.alarmId === event.data.alarmId ? { ...active, acknowledgedBy: event.data.by, acknowledgedAt: event.data.at } : active;
      return { ...state, assetId: event.data.assetId, activeAlarm: acknowledged };
    }
    case 'MaintenanceCompleted':
      return recordMaintenance(state, event.data);
    default: {
      const unknown: never = event;
      throw new TwinError('TWIN.UNKNOWN_EVENT', `unknown twin event type ${JSON.stringify((unknown as { type?: unknown }).type)}: add it to evolve or an upcaster`);
    }
  }
}
