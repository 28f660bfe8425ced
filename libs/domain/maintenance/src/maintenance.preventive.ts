import { WORK_ORDER_PRIORITIES, type WorkOrderPriority } from '@twinline/contracts';
import { MaintenanceError } from './maintenance.errors';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Time to do a preventive occurrence once it is due (and never past the next occurrence of a calendar schedule). */
export const PREVENTIVE_LEAD_DAYS = 7;

/** A preventive maintenance plan for one asset: every N days (calendar) or every N running hours. */
export interface PreventiveSchedule {
  readonly scheduleId: string;
  readonly assetId: string;
  readonly title: string;
  /** Calendar interval; give exactly one of everyDays and everyRunningHours. */
  readonly everyDays?: number;
  /** Running-hours interval (the asset counts as running while it reports readings). */
  readonly everyRunningHours?: number;
  /** When the schedule begins: the first calendar occurrence, and no occurrence before it. */
  readonly startAt: string;
  /** The priority of its orders; P4 when not given. */
  readonly priority?: WorkOrderPriority;
}

export interface ScheduleProblem {
  readonly field: string;
  readonly message: string;
}

const positive = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value) && value > 0;
const text = (value: unknown): boolean => typeof value === 'string' && value.trim() !== '';

/** What is wrong with a schedule, each problem naming its field (empty when it is valid). */
export function scheduleProblems(schedule: PreventiveSchedule): ScheduleProblem[] {
  const problems: ScheduleProblem[] = [];
  for (const field of ['scheduleId', 'assetId', 'title'] as const) if (!text(schedule[field])) problems.push({ field, message: 'must not be empty' });
  if (typeof schedule.startAt !== 'string' || Number.isNaN(Date.parse(schedule.startAt))) problems.push({ field: 'startAt', message: `"${String(schedule.startAt)}" is not an ISO 8601 date-time, e.g. 2024-01-01T00:00:00Z` });
  const days = schedule.everyDays !== undefined && schedule.everyDays !== null;
  const running = schedule.everyRunningHours !== undefined && schedule.everyRunningHours !== null;
  if (days === running) problems.push({ field: days ? 'everyRunningHours' : 'everyDays', message: 'give exactly one interval: everyDays or everyRunningHours' });
  if (days && !positive(schedule.everyDays)) problems.push({ field: 'everyDays', message: `must be a number > 0, got ${String(schedule.everyDays)}` });
  if (running && !positive(schedule.everyRunningHours)) problems.push({ field: 'everyRunningHours', message: `must be a number > 0, got ${String(schedule.everyRunningHours)}` });
  if (schedule.priority !== undefined && !WORK_ORDER_PRIORITIES.includes(schedule.priority)) problems.push({ field: 'priority', message: `must be one of ${WORK_ORDER_PRIORITIES.join(', ')}, got ${String(schedule.priority)}` });
  return problems;
}

/**
 * The schedule when it is valid: exactly one interval (everyDays or everyRunningHours), positive, a
 * readable startAt, non-empty ids and title. Otherwise throws MAINTENANCE.INVALID_INPUT with a message
 * naming each field (`everyDays: must be a number > 0, got 0`).
 */
export function validateSchedule(schedule: PreventiveSchedule): PreventiveSchedule {
  const problems = scheduleProblems(schedule);
  if (problems.length) throw new MaintenanceError('MAINTENANCE.INVALID_INPUT', problems.map((p) => `${p.field}: ${p.message}`).join('; '));
  return schedule;
}

export interface PreventiveProgress {
  readonly now: string;
  /** The asset's running hours so far (accumulateRunningHours); null when unknown. */
  readonly runningHours: number | null;
  /** The last occurrence opened (0 or null: none yet). */
  readonly lastOccurrence: number | null;
  /** When the last occurrence was opened (informational: the calendar counts from startAt). */
  readonly lastOccurrenceAt: string | null;
  /** The running hours when the last occurrence was opened (null: none yet, counted from 0). */
  readonly lastOccurrenceRunningHours: number | null;
}

export interface PreventiveOccurrence {
  readonly occurrence: number;
  readonly dueAt: string;
}

/**
 * The occurrence of a schedule to open now, or null when none is due (pure; throws on an invalid
 * schedule or an unreadable `now`).
 *
 * - Calendar (everyDays = d): occurrence k covers [startAt + (k−1)·d, startAt + k·d). It is due once
 *   now ≥ startAt + (k−1)·d, i.e. the next occurrence after `lastOccurrence` opens when
 *   now ≥ startAt + lastOccurrence·d. When the planner fell behind by several periods it opens the
 *   current period's occurrence (floor((now − startAt) / d) + 1), not a backlog of stale ones.
 *   dueAt = the period start + 7 days, or the next period start when that is sooner; an occurrence
 *   opened so late in its period that this is past (the scheduler was down, the schedule was set
 *   mid-period) is due 7 days after it opens, or at the next period start when that is sooner.
 * - Running hours (everyRunningHours = r): occurrence lastOccurrence + 1 is due once now ≥ startAt
 *   and runningHours − lastOccurrenceRunningHours ≥ r (from 0 before the first); dueAt = now + 7 days.
 *   Unknown running hours open nothing.
 */
export function preventiveDue(schedule: PreventiveSchedule, progress: PreventiveProgress): PreventiveOccurrence | null {
  validateSchedule(schedule);
  const now = Date.parse(progress.now);
  if (Number.isNaN(now)) throw new MaintenanceError('MAINTENANCE.INVALID_TIME', `now: "${String(progress.now)}" is not an ISO 8601 date-time, e.g. 2024-01-01T00:00:00Z`);
  const start = Date.parse(schedule.startAt);
  if (now < start) return null;
  const last = progress.lastOccurrence ?? 0;
  if (schedule.everyDays !== undefined) {
    const period = schedule.everyDays * DAY_MS;
    const current = Math.floor((now - start) / period) + 1;
    if (current <= last) return null;
    const periodStart = start + (current - 1) * period;
    const lead = PREVENTIVE_LEAD_DAYS * DAY_MS;
    const onTime = periodStart + Math.min(lead, period);
    const due = onTime >= now ? onTime : Math.min(now + lead, periodStart + period);
    return { occurrence: current, dueAt: new Date(due).toISOString() };
  }
  const every = schedule.everyRunningHours!;
  if (progress.runningHours === null || !Number.isFinite(progress.runningHours)) return null;
  if (progress.runningHours - (progress.lastOccurrenceRunningHours ?? 0) < every) return null;
  return { occurrence: last + 1, dueAt: new Date(now + PREVENTIVE_LEAD_DAYS * DAY_MS).toISOString() };
}

/** Running hours of an asset so far, and the time of the last reading counted. */
export interface RunningHoursState {
  readonly hours: number;
  readonly lastTs: string | null;
}

/**
 * Adds the running time shown by readings: an asset that reports readings counts as running between
 * two consecutive readings no further apart than `maxGapSeconds` (a longer silence is downtime, or at
 * least not known to be running). `readingTimes` are sorted; a reading at or before `lastTs` (a
 * redelivery, or out of order) adds nothing. Pure.
 */
export function accumulateRunningHours(state: RunningHoursState, readingTimes: readonly string[], maxGapSeconds = 600): RunningHoursState {
  let hours = state.hours;
  let last = state.lastTs === null ? null : Date.parse(state.lastTs);
  let lastTs = state.lastTs;
  for (const ts of readingTimes) {
    const t = Date.parse(ts);
    if (Number.isNaN(t)) throw new MaintenanceError('MAINTENANCE.INVALID_TIME', `readingTimes: "${String(ts)}" is not an ISO 8601 date-time, e.g. 2024-01-01T00:00:00Z`);
    if (last !== null && t <= last) continue;
    if (last !== null && t - last <= maxGapSeconds * 1000) hours += (t - last) / HOUR_MS;
    last = t;
    lastTs = ts;
  }
  return { hours, lastTs };
}
