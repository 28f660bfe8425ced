import type { AlarmSeverity, Condition, TwinStatus } from '@twinline/contracts';

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
}

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
});

/**
 * Milliseconds since the epoch of an ISO 8601 time. Times are compared as numbers: strings with
 * different offsets or fractions ("…T01:00:00+01:00", "…T00:00:00.5Z") do not sort as text.
 */
export function timeMs(iso: string): number {
  return Date.parse(iso);
}
