import type { AlarmSeverity, Condition, TwinMaintenanceCompletedData, TwinStatus } from '@twinline/contracts';

/** The latest known value of one metric, with the source time and reading it came from. */
export interface MetricValue {
  readonly value: number;
  readonly ts: string;
  readonly readingId: string;
}

/** The alarm of the current episode (one per asset and cause, not one per reading). */
export interface ActiveAlarm {
  readonly alarmId: string;
  readonly cause: string;
  readonly severity: AlarmSeverity;
  readonly raisedAt: string;
  readonly conditions: readonly Condition[];
  /**
   * Who acknowledged the alarm and when (ISA-18.2: raised → acknowledged → cleared); null until
   * acknowledged. Acknowledging does not clear it: only the process returning within limits does.
   */
  readonly acknowledgedBy: string | null;
  readonly acknowledgedAt: string | null;
}

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
  readonly activeAlarm: ActiveAlarm | null;
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
}

/**
 * Version of the TwinState shape and of the fold (evolve) that makes it. Stored with every twin
 * snapshot: a snapshot of another version is ignored and the stream folded in full. Bump it when a
 * field is added, removed or changes meaning, or when evolve folds an event differently
 * (twin.snapshot.spec.ts pins the shape of each version).
 * 2: an active alarm's acknowledgement (`acknowledgedBy`/`acknowledgedAt`) and the maintenance
 * recorded on the twin (`lastMaintenance`, `maintenanceCount`, `maintainedSince`, `recentWorkOrders`).
 */
export const TWIN_STATE_VERSION = 2;

/** How many recent reading ids a twin keeps per kind (see RecentIds). */
export const RECENT_IDS_KEPT = 32;

export const NO_RECENT_IDS: RecentIds = Object.freeze({ ids: Object.freeze([]) as RecentIds['ids'], evictedUpTo: null });

export const initialTwinState: TwinState = Object.freeze({
  assetId: null,
  status: 'OPERATIONAL',
  label: 'Operational',
  metrics: Object.freeze({}),
  activeAlarm: null,
  alarmsRaised: 0,
  lastSeqByDevice: Object.freeze({}),
  lastReadingTs: null,
  readingsApplied: 0,
  profile: null,
  lastAppliedReceivedAt: null,
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
});

/**
 * Milliseconds since the epoch of an ISO 8601 time. Times are compared as numbers: strings with
 * different offsets or fractions ("…T01:00:00+01:00", "…T00:00:00.5Z") do not sort as text.
 */
export function timeMs(iso: string): number {
  // Parsing dominates the twin's hot path (the same few times are compared per reading and
  // metric): remember recent results. A pure cache: the same text always gives the same number.
  let ms = PARSED.get(iso);
  if (ms === undefined) {
    if (PARSED.size >= PARSED_MAX) PARSED.clear();
    ms = Date.parse(iso);
    PARSED.set(iso, ms);
  }
  return ms;
}
const PARSED = new Map<string, number>();
const PARSED_MAX = 50_000;

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
