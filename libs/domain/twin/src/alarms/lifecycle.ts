import type { AlarmConditionState, AlarmSeverity, Condition, TwinStatus } from '@twinline/contracts';
import type { AlarmPolicy, ThresholdProfile } from '../twin.profiles';
import { timeMs } from '../twin.state';
import { zoneBoundaries } from './iso10816';
import { NO_DATA, VIBRATION_HIGH } from './causes';

/**
 * The pure rules of the ISA-18.2 / OPC UA Part 9 alarm lifecycle, per asset and cause:
 * - a cause's *raw* condition is evaluated with its deadband (hysteresis) from the latest values;
 * - the *tracked* condition (AlarmConditionState.active) follows the raw one after the on-delay
 *   (raw active for onDelaySeconds of source time) or the off-delay (raw normal for offDelaySeconds);
 *   a change waiting for its delay is `pending`;
 * - the status follows the tracked conditions; the alarm record (raise, clear, severity) follows the
 *   tracked condition of its cause, unless the cause is out of service.
 */

export { DATA_AGE_METRIC, NO_DATA, THRESHOLD_EXCEEDED, VIBRATION_HIGH } from './causes';

/** A raw condition of a cause: how severe, and the conditions behind it (never empty). */
export interface RawCondition {
  readonly severity: AlarmSeverity;
  readonly conditions: readonly Condition[];
}

/** What an alarm of a cause shows in the twin's status: ALARM, WARNING (vibration zone C) or OFFLINE (no data). */
export type ConditionLevel = 'ALARM' | 'WARNING' | 'OFFLINE';

/** The status a tracked condition of `cause` at `severity` gives the twin. */
export function levelOf(cause: string, severity: AlarmSeverity): ConditionLevel {
  if (cause === NO_DATA) return 'OFFLINE';
  if (cause === VIBRATION_HIGH) return severity === 'HIGH' || severity === 'CRITICAL' ? 'ALARM' : 'WARNING';
  return 'ALARM';
}

/**
 * The status of the twin from its tracked conditions and sensor fault. Precedence
 * ALARM > SENSOR_FAULT > OFFLINE > WARNING > OPERATIONAL: an alarm is never hidden by a sensor
 * fault (the fault stays recorded), a blind sensor says more than a silent one, and both say more
 * than a warning.
 */
export function statusFromConditions(conditions: Readonly<Record<string, AlarmConditionState>>, sensorFault: boolean): TwinStatus {
  const levels = new Set<ConditionLevel>();
  for (const [cause, condition] of Object.entries(conditions)) if (condition.active) levels.add(levelOf(cause, condition.severity));
  if (levels.has('ALARM')) return 'ALARM';
  if (sensorFault) return 'SENSOR_FAULT';
  if (levels.has('OFFLINE')) return 'OFFLINE';
  if (levels.has('WARNING')) return 'WARNING';
  return 'OPERATIONAL';
}

/** Causes in a stable order: limits, vibration, no data, then others by name (JSON does not keep key order). */
export function causeOrder(causes: Iterable<string>, thresholdCause: string): string[] {
  const rank = (c: string) => (c === thresholdCause ? 0 : c === VIBRATION_HIGH ? 1 : c === NO_DATA ? 2 : 3);
  return [...new Set(causes)].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** The conditions behind the tracked active conditions, in cause order (what TwinStatusChanged lists). */
export function activeConditionsOf(conditions: Readonly<Record<string, AlarmConditionState>>, thresholdCause: string): Condition[] {
  return causeOrder(Object.keys(conditions), thresholdCause).flatMap((cause) => (conditions[cause]!.active ? conditions[cause]!.conditions : []));
}

/** Keeps 12 significant decimals: a limit less a deadband (4.5 − 0.1) reads 4.4, not 4.3999999999999995. */
function tidy(x: number): number {
  return Number.parseFloat(x.toPrecision(12));
}

function deadbandOf(policy: AlarmPolicy, metric: string): number {
  const value = Object.hasOwn(policy.deadband, metric) ? policy.deadband[metric] : undefined;
  return value !== undefined && value > 0 ? value : 0;
}

/**
 * The raw limit condition (the profile's cause): a limit exceeded strictly (value > max, value < min);
 * once the cause is active (`wasActive`), a max limit holds until value ≤ max − deadband and a min
 * limit until value ≥ min + deadband, reported against that relaxed limit. Null when normal.
 */
export function evaluateLimits(values: Readonly<Record<string, { readonly value: number }>>, profile: ThresholdProfile, policy: AlarmPolicy, wasActive: boolean): RawCondition | null {
  const conditions: Condition[] = [];
  for (const [metric, limit] of Object.entries(profile.limits)) {
    const latest = values[metric];
    if (latest === undefined) continue;
    const band = wasActive ? deadbandOf(policy, metric) : 0;
    const v = latest.value;
    if (limit.max !== undefined) {
      if (v > limit.max) conditions.push({ metric, value: v, limit: limit.max, comparator: '>' });
      else if (band > 0 && v > tidy(limit.max - band)) conditions.push({ metric, value: v, limit: tidy(limit.max - band), comparator: '>' });
    }
    if (limit.min !== undefined) {
      if (v < limit.min) conditions.push({ metric, value: v, limit: limit.min, comparator: '<' });
      else if (band > 0 && v < tidy(limit.min + band)) conditions.push({ metric, value: v, limit: tidy(limit.min + band), comparator: '<' });
    }
  }
  return conditions.length ? { severity: profile.alarmSeverity, conditions } : null;
}

/**
 * The raw vibration condition (ISO 10816-3 zones of the profile's machine class): ≥ C/D → HIGH,
 * ≥ B/C or > the API 610 limit → MEDIUM. Once active at a severity (`previous`), that severity
 * holds until the value is ≤ its boundary − deadband. Null when normal or no vibration is known.
 */
export function evaluateVibration(
  values: Readonly<Record<string, { readonly value: number }>>,
  profile: ThresholdProfile,
  policy: AlarmPolicy,
  previous: AlarmSeverity | null,
): RawCondition | null {
  const vibration = profile.vibration;
  if (vibration === undefined) return null;
  const latest = values[vibration.metric];
  if (latest === undefined) return null;
  const v = latest.value;
  const { bc, cd } = zoneBoundaries(vibration);
  const band = deadbandOf(policy, vibration.metric);
  const metric = vibration.metric;
  const high = (limit: number, comparator: Condition['comparator']): RawCondition => ({ severity: 'HIGH', conditions: [{ metric, value: v, limit, comparator }] });
  const medium = (limit: number, comparator: Condition['comparator']): RawCondition => ({ severity: 'MEDIUM', conditions: [{ metric, value: v, limit, comparator }] });

  if (v >= cd) return high(cd, '>=');
  if ((previous === 'HIGH' || previous === 'CRITICAL') && band > 0 && v > tidy(cd - band)) return high(tidy(cd - band), '>');
  if (v >= bc) return medium(bc, '>=');
  const api = vibration.api610LimitMmS;
  if (api !== undefined && v > api) return medium(api, '>');
  if (previous !== null && band > 0) {
    if (v > tidy(bc - band)) return medium(tidy(bc - band), '>');
    if (api !== undefined && v > tidy(api - band)) return medium(tidy(api - band), '>');
  }
  return null;
}

/** The severity the raw condition had before (for hysteresis): the pending one while a delay runs, else the tracked one. */
export function previousRawSeverity(condition: AlarmConditionState | undefined): AlarmSeverity | null {
  if (condition === undefined) return null;
  if (condition.pending !== null) return condition.pending.active ? condition.severity : null;
  return condition.active ? condition.severity : null;
}

/** How a tracked condition moved: raised (normal → active), cleared (active → normal), its severity changed, or none. */
export type ConditionTransition = 'RAISE' | 'CLEAR' | 'SEVERITY' | null;

export interface ConditionStep {
  /** The tracked condition after the step (undefined: normal, nothing pending). */
  readonly next: AlarmConditionState | undefined;
  readonly transition: ConditionTransition;
}

/**
 * One step of a cause's tracked condition, given its raw condition at source time `at` (reading
 * `readingId`) and the delays:
 * - raw and tracked agree: any pending change is dropped; a severity change moves at once;
 * - raw active, tracked normal: RAISE when the raw condition has been active for onDelaySeconds
 *   (since the pending start, or now), else pending;
 * - raw normal, tracked active: CLEAR when normal for offDelaySeconds, else pending.
 * The conditions of an active tracked condition are those it was raised (or last changed severity)
 * with: values moving inside the same severity change nothing (no event per reading).
 */
export function stepCondition(
  current: AlarmConditionState | undefined,
  raw: RawCondition | null,
  at: { readonly at: string; readonly readingId: string; readonly profile: string },
  delays: { readonly onDelaySeconds: number; readonly offDelaySeconds: number },
): ConditionStep {
  const tracked = current?.active === true ? current : undefined;
  const elapsed = (since: string) => (timeMs(at.at) - timeMs(since)) / 1000;
  if (raw !== null && tracked !== undefined) {
    const changed = raw.severity !== tracked.severity;
    // Nothing moves (the usual reading): the same object, so callers see at once that nothing changed.
    if (!changed && tracked.pending === null) return { next: tracked, transition: null };
    return { next: { ...tracked, pending: null, ...(changed ? { severity: raw.severity, conditions: [...raw.conditions] } : {}) }, transition: changed ? 'SEVERITY' : null };
  }
  if (raw === null && tracked === undefined) return { next: undefined, transition: null };
  if (raw !== null) {
    const pending = current?.pending?.active === true ? current.pending : null;
    const since = pending?.since ?? at.at;
    if (elapsed(since) >= delays.onDelaySeconds) {
      return { next: { active: true, severity: raw.severity, since: at.at, readingId: at.readingId, conditions: [...raw.conditions], profile: at.profile, pending: null }, transition: 'RAISE' };
    }
    if (current !== undefined && pending !== null) return { next: current, transition: null };
    return {
      next: { active: false, severity: raw.severity, since: at.at, readingId: at.readingId, conditions: [...raw.conditions], profile: at.profile, pending: { active: true, since, readingId: at.readingId } },
      transition: null,
    };
  }
  const active = tracked!;
  const pending = active.pending?.active === false ? active.pending : null;
  const since = pending?.since ?? at.at;
  if (elapsed(since) >= delays.offDelaySeconds) return { next: undefined, transition: 'CLEAR' };
  if (pending !== null) return { next: active, transition: null };
  return { next: { ...active, pending: { active: false, since, readingId: at.readingId } }, transition: null };
}

/** The alarm id of an episode of `cause` started by reading `readingId`: the profile's limit cause keeps the plain `ALM-<readingId>`. */
export function alarmIdOf(readingId: string, cause: string, thresholdCause: string): string {
  return cause === thresholdCause ? `ALM-${readingId}` : `ALM-${readingId}-${cause}`;
}

/** Seconds from `from` to `to` (ISO times). */
export function secondsBetween(from: string, to: string): number {
  return (timeMs(to) - timeMs(from)) / 1000;
}

/** A limit that raises an alarm of `cause` showing `level` (what a prediction aims at: the same cause as the alarm). */
export interface AlarmLimit {
  readonly metric: string;
  readonly cause: string;
  readonly level: 'ALARM' | 'WARNING';
  readonly max?: number;
  readonly min?: number;
  /** Whether reaching the limit exactly trips it ('>=': zone boundaries) or only passing it ('>', '<'). */
  readonly inclusive: boolean;
}

/**
 * Every limit of a profile with the alarm cause it raises: the limits (the profile's cause, ALARM,
 * strict), the ISO 10816-3 C/D boundary (VIBRATION_HIGH, ALARM, inclusive), its B/C boundary and the
 * API 610 limit (VIBRATION_HIGH, WARNING).
 */
export function alarmLimitsOf(profile: ThresholdProfile): AlarmLimit[] {
  const limits: AlarmLimit[] = Object.entries(profile.limits).map(([metric, l]) => ({
    metric,
    cause: profile.cause,
    level: 'ALARM' as const,
    ...(l.max !== undefined ? { max: l.max } : {}),
    ...(l.min !== undefined ? { min: l.min } : {}),
    inclusive: false,
  }));
  const vibration = profile.vibration;
  if (vibration !== undefined) {
    const { bc, cd } = zoneBoundaries(vibration);
    limits.push({ metric: vibration.metric, cause: VIBRATION_HIGH, level: 'ALARM', max: cd, inclusive: true });
    limits.push({ metric: vibration.metric, cause: VIBRATION_HIGH, level: 'WARNING', max: bc, inclusive: true });
    if (vibration.api610LimitMmS !== undefined && vibration.api610LimitMmS < bc) limits.push({ metric: vibration.metric, cause: VIBRATION_HIGH, level: 'WARNING', max: vibration.api610LimitMmS, inclusive: false });
  }
  return limits;
}
