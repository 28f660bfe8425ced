import type { AlarmConditionState, AlarmSeverity, Condition, TwinMaintenanceCompletedData, TwinStatus } from '@twinline/contracts';
import { INITIAL_PREDICTION, type TwinPrediction } from './twin.predict';
import { timeMs } from './twin.time';

/** The latest known value of one metric, with the source time and reading it came from. */
export interface MetricValue {
  readonly value: number;
  readonly ts: string;
  readonly readingId: string;
}

/**
 * ISA-18.2 / OPC UA Part 9 alarm states of an alarm record. NORMAL (the condition is normal and
 * nothing is left to acknowledge) is the absence of a record.
 */
export type AlarmState = 'ACTIVE_UNACKED' | 'ACTIVE_ACKED' | 'RETURNED_UNACKED';

/** The alarm of one cause of the asset (one per asset and cause, not one per reading). */
export interface AlarmRecord {
  readonly alarmId: string;
  readonly cause: string;
  readonly severity: AlarmSeverity;
  readonly state: AlarmState;
  readonly raisedAt: string;
  readonly message: string;
  readonly conditions: readonly Condition[];
  /**
   * Who acknowledged the alarm and when; null until acknowledged. Acknowledging does not clear it:
   * only the process returning to normal does.
   */
  readonly acknowledgedBy: string | null;
  readonly acknowledgedAt: string | null;
  /** When the condition returned to normal while the alarm was unacknowledged (RETURNED_UNACKED), else null. */
  readonly returnedAt: string | null;
  /** When the alarm was last announced (raised, or re-announced). */
  readonly lastAnnouncedAt: string;
  /** How often it was re-announced (re-alarm, end of a shelve). */
  readonly reannouncements: number;
}

/** @deprecated since state version 3 the twin holds one alarm per cause (`alarms`); see activeAlarmOf. */
export type ActiveAlarm = AlarmRecord;

/** A shelved alarm cause: new episodes of it are recorded but not announced until `until` or until lifted. */
export interface AlarmShelve {
  readonly alarmId: string;
  readonly by: string;
  readonly at: string;
  readonly until: string;
  readonly reason: string;
}

/** An alarm cause out of service: no alarm is raised for it (the status still follows the process). */
export interface AlarmOutOfService {
  readonly by: string;
  readonly at: string;
  readonly reason: string;
}

/** The tracked process condition of a cause (deadband, delays): see alarmConditionStateSchema. */
export type AlarmCondition = AlarmConditionState;

/** The last maintenance recorded on the twin (from the scheduler's MaintenanceCompleted). */
export interface LastMaintenance {
  readonly workOrderId: string;
  readonly type: TwinMaintenanceCompletedData['type'];
  readonly cause: string;
  readonly completedAt: string;
  readonly failure: TwinMaintenanceCompletedData['failure'];
  /** What the repair reset (the learned baseline, the health index). */
  readonly resets: TwinMaintenanceCompletedData['resets'];
}

/** An open sensor fault: since when (receipt time), how many data violations in a row, which rules. */
export interface SensorFault {
  readonly since: string;
  readonly violations: number;
  readonly rules: readonly string[];
}

/** The last security alert: when (receipt time), its rules, readings with security violations since (its own included). */
export interface SecurityViolation {
  readonly at: string;
  readonly rules: readonly string[];
  readonly count: number;
}

/**
 * Reading ids recorded lately, to recognise a redelivery by id. Only the last few are kept, with
 * their time; `evictedUpTo` is the latest time of an id that was dropped: a reading of that time or
 * earlier that is not listed counts as seen (a redelivery is never recorded twice; a reading arriving
 * later than `RECENT_IDS_KEPT` younger ones is the price).
 */
export interface RecentIds {
  readonly ids: ReadonlyArray<{ readonly id: string; readonly at: string }>;
  readonly evictedUpTo: string | null;
}

export interface TwinState {
  readonly assetId: string | null;
  readonly status: TwinStatus;
  readonly label: string;
  /** Latest value per metric by source time, including metrics no profile limits. */
  readonly metrics: Readonly<Record<string, MetricValue>>;
  /** The alarm record of each cause that is not NORMAL (ISA-18.2 states). */
  readonly alarms: Readonly<Record<string, AlarmRecord>>;
  /** Shelved causes (sticky until expiry or lifted: a re-trip while shelved stays quiet). */
  readonly shelves: Readonly<Record<string, AlarmShelve>>;
  /** Causes out of service. */
  readonly outOfService: Readonly<Record<string, AlarmOutOfService>>;
  /** The tracked process condition per cause that is not normal or has a delay pending. */
  readonly alarmConditions: Readonly<Record<string, AlarmCondition>>;
  readonly alarmsRaised: number;
  /** Highest applied seq per device: a reading at or below it was applied already. */
  readonly lastSeqByDevice: Readonly<Record<string, number>>;
  /** Latest source time among applied readings. */
  readonly lastReadingTs: string | null;
  readonly readingsApplied: number;
  /** Name of the threshold profile behind the current status (null before the first status change). */
  readonly profile: string | null;
  /** Open sensor fault (the twin is blind), also while an alarm shows as the status. */
  readonly sensorFault: SensorFault | null;
  /** Latest receipt time among applied readings (released ones aside); null if unknown. */
  readonly lastAppliedReceivedAt: string | null;
  /** The last reading applied that was not a release (what a NO_DATA alarm names); null if none. */
  readonly lastAppliedReadingId: string | null;
  /**
   * Readings that broke data rules, received after the last applied reading (released ones aside):
   * a quarantined reading received before it is recorded but not counted (it may be processed late,
   * the two telemetry consumers run apart).
   */
  readonly violationsSinceApplied: number;
  /** The data rules those readings broke. */
  readonly violationRulesSinceApplied: readonly string[];
  readonly lastSecurityViolation: SecurityViolation | null;
  readonly readingsQuarantined: number;
  /** Quarantined readings recorded lately, by receipt time. */
  readonly recentQuarantined: RecentIds;
  /** Released readings applied lately, by release time: each is applied once, whatever its seq. */
  readonly recentReleased: RecentIds;
  /** The latest maintenance (by completion time) recorded on the twin, else null. */
  readonly lastMaintenance: LastMaintenance | null;
  /** Maintenance completions recorded on the twin (each work order once). */
  readonly maintenanceCount: number;
  /**
   * Completion time of the latest repair that reset anything (`resets` not empty): what the learned
   * baseline and the health index start from. Null while no repair reset them.
   */
  readonly maintainedSince: string | null;
  /** Work orders recorded lately, by completion time: a redelivered or re-sent completion is recorded once. */
  readonly recentWorkOrders: RecentIds;
  /** Prediction (twin.predict.ts, H6): trend windows per metric, failure predictions in force, latest RUL, anomaly detector. */
  readonly prediction: TwinPrediction;
}

/**
 * Version of the TwinState shape and of the fold (evolve) that makes it. Stored with every twin
 * snapshot: a snapshot of another version is ignored and the stream folded in full. Bump it when a
 * field is added, removed or changes meaning, or when evolve folds an event differently
 * (twin.snapshot.spec.ts pins the shape of each version).
 * 2: an active alarm's acknowledgement (`acknowledgedBy`/`acknowledgedAt`) and the maintenance
 * recorded on the twin (`lastMaintenance`, `maintenanceCount`, `maintainedSince`, `recentWorkOrders`).
 * 3: the ISA-18.2 alarm lifecycle: `activeAlarm` replaced by one record per cause (`alarms`), with
 * `shelves`, `outOfService`, `alarmConditions` (deadband, delays) and `lastAppliedReadingId`;
 * and the `prediction` slice (trend windows, failure predictions, RUL, anomaly detector: twin.predict.ts).
 * 4: `prediction.health`, the health index's window of the anomaly detector's distances (prediction/health).
 */
export const TWIN_STATE_VERSION = 4;

/** How many recent reading ids a twin keeps per kind (see RecentIds). */
export const RECENT_IDS_KEPT = 32;

export const NO_RECENT_IDS: RecentIds = Object.freeze({ ids: Object.freeze([]) as RecentIds['ids'], evictedUpTo: null });

export const initialTwinState: TwinState = Object.freeze({
  assetId: null,
  status: 'OPERATIONAL',
  label: 'Operational',
  metrics: Object.freeze({}),
  alarms: Object.freeze({}),
  shelves: Object.freeze({}),
  outOfService: Object.freeze({}),
  alarmConditions: Object.freeze({}),
  alarmsRaised: 0,
  lastSeqByDevice: Object.freeze({}),
  lastReadingTs: null,
  readingsApplied: 0,
  profile: null,
  lastAppliedReceivedAt: null,
  lastAppliedReadingId: null,
  sensorFault: null,
  violationsSinceApplied: 0,
  violationRulesSinceApplied: Object.freeze([]) as readonly string[],
  lastSecurityViolation: null,
  readingsQuarantined: 0,
  recentQuarantined: NO_RECENT_IDS,
  recentReleased: NO_RECENT_IDS,
  lastMaintenance: null,
  maintenanceCount: 0,
  maintainedSince: null,
  recentWorkOrders: NO_RECENT_IDS,
  prediction: INITIAL_PREDICTION,
});

// timeMs lives in twin.time.ts (a leaf: twin.predict needs it, and this file imports twin.predict).
export { timeMs } from './twin.time';

/** Whether a reading id of time `at` was recorded (see RecentIds). */
export function wasSeen(recent: RecentIds, id: string, at: string): boolean {
  if (recent.ids.some((e) => e.id === id)) return true;
  return recent.evictedUpTo !== null && timeMs(at) <= timeMs(recent.evictedUpTo);
}

/** Adds ids (in order), keeping the last `RECENT_IDS_KEPT` and the latest time of those dropped. */
export function rememberIds(recent: RecentIds, added: ReadonlyArray<{ readonly id: string; readonly at: string }>): RecentIds {
  if (added.length === 0) return recent;
  const all = [...recent.ids, ...added];
  const dropped = all.slice(0, Math.max(0, all.length - RECENT_IDS_KEPT));
  let evictedUpTo = recent.evictedUpTo;
  for (const e of dropped) if (evictedUpTo === null || timeMs(e.at) > timeMs(evictedUpTo)) evictedUpTo = e.at;
  return { ids: all.slice(dropped.length), evictedUpTo };
}

const SEVERITY_RANK: Readonly<Record<AlarmSeverity, number>> = { LOW: 0, MEDIUM: 1, HIGH: 2, CRITICAL: 3 };

/** Orders alarm severities: positive when `a` is more severe than `b`. */
export function compareSeverity(a: AlarmSeverity, b: AlarmSeverity): number {
  return SEVERITY_RANK[a] - SEVERITY_RANK[b];
}

/** The record of a cause, own entries only (a cause may be named "constructor"). */
export function ownEntry<T>(map: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

/** The alarm records in a stable order (by cause name): JSON and jsonb do not keep key order. */
export function alarmsOf(state: Pick<TwinState, 'alarms'>): AlarmRecord[] {
  return Object.keys(state.alarms)
    .sort()
    .map((cause) => state.alarms[cause]!);
}

/**
 * The one alarm a view that shows a single alarm shows: the most severe ACTIVE alarm (acknowledged
 * or not) that is announced, i.e. whose cause is not shelved; the earliest raised among equals.
 * Null when none.
 */
export function activeAlarmOf(state: Pick<TwinState, 'alarms' | 'shelves'>): AlarmRecord | null {
  let best: AlarmRecord | null = null;
  for (const alarm of alarmsOf(state)) {
    if (alarm.state === 'RETURNED_UNACKED' || Object.hasOwn(state.shelves, alarm.cause)) continue;
    if (best === null) best = alarm;
    else {
      const bySeverity = compareSeverity(alarm.severity, best.severity);
      if (bySeverity > 0 || (bySeverity === 0 && timeMs(alarm.raisedAt) < timeMs(best.raisedAt))) best = alarm;
    }
  }
  return best;
}
