import type { AlarmConditionState, FieldError, TwinEvent } from '@twinline/contracts';
import {
  activeConditionsOf,
  alarmIdOf,
  causeOrder,
  DATA_AGE_METRIC,
  evaluateLimits,
  evaluateVibration,
  NO_DATA,
  previousRawSeverity,
  secondsBetween,
  statusFromConditions,
  stepCondition,
  VIBRATION_HIGH,
  type ConditionStep,
  type RawCondition,
} from './alarms/lifecycle';
import type { CheckAlarms, RemoveAlarmFromService, ReturnAlarmToService, ShelveAlarm, UnshelveAlarm } from './twin.commands';
import { assertSameAsset, TwinError } from './twin.errors';
import { evolve } from './twin.evolve';
import { alarmPolicyOf, describeConditions, type ThresholdProfile } from './twin.profiles';
import { ownEntry, timeMs, type AlarmRecord, type TwinState } from './twin.state';
import { statusChange } from './twin.status';

/** Where a lifecycle step happens: the asset, the time (source time of a reading, or the command's), the reading behind it. */
interface StepContext {
  readonly assetId: string;
  readonly at: string;
  readonly readingId: string;
  readonly profile: ThresholdProfile;
}

function sameCondition(a: AlarmConditionState | undefined, b: AlarmConditionState | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const key = (c: AlarmConditionState) =>
    JSON.stringify([c.active, c.severity, timeMs(c.since), c.readingId, c.conditions.map((x) => [x.metric, x.value, x.limit, x.comparator]), c.profile, c.pending && [c.pending.active, timeMs(c.pending.since), c.pending.readingId]]);
  return key(a) === key(b);
}

const isActive = (record: AlarmRecord | undefined): record is AlarmRecord => record !== undefined && record.state !== 'RETURNED_UNACKED';

/**
 * The events of one step of a cause (stepCondition): AlarmRaised (RAISE; `shelved` when the cause
 * is shelved; none when it is out of service), AlarmCleared (CLEAR of an active alarm: ACTIVE_UNACKED
 * → RETURNED_UNACKED, ACTIVE_ACKED → NORMAL), AlarmSeverityChanged (SEVERITY of an active alarm);
 * then AlarmConditionChanged when these do not already leave the tracked condition as the step
 * wants it (a delay started or was cancelled, the cause is out of service). Replay = live by construction.
 */
export function causeStepEvents(state: TwinState, cause: string, step: ConditionStep, ctx: StepContext): TwinEvent[] {
  const { assetId, at, readingId, profile } = ctx;
  const next = step.next;
  if (step.transition === null && next === ownEntry(state.alarmConditions, cause)) return [];
  const events: TwinEvent[] = [];
  const record = ownEntry(state.alarms, cause);
  const inService = ownEntry(state.outOfService, cause) === undefined;
  if (step.transition === 'RAISE' && inService && next !== undefined) {
    events.push({
      type: 'AlarmRaised',
      data: {
        assetId,
        alarmId: alarmIdOf(readingId, cause, profile.cause),
        cause,
        severity: next.severity,
        message: describeConditions(next.conditions),
        raisedAt: at,
        readingId,
        conditions: [...next.conditions],
        profile: profile.name,
        ...(ownEntry(state.shelves, cause) !== undefined ? { shelved: true } : {}),
      },
    });
  } else if (step.transition === 'CLEAR' && isActive(record)) {
    events.push({ type: 'AlarmCleared', data: { assetId, alarmId: record.alarmId, cause, at, readingId } });
  } else if (step.transition === 'SEVERITY' && isActive(record) && next !== undefined) {
    events.push({ type: 'AlarmSeverityChanged', data: { assetId, alarmId: record.alarmId, cause, from: record.severity, to: next.severity, at, readingId, conditions: [...next.conditions] } });
  }
  const folded = events.reduce(evolve, state);
  if (!sameCondition(ownEntry(folded.alarmConditions, cause), next)) {
    events.push({ type: 'AlarmConditionChanged', data: { assetId, cause, at, readingId, condition: next === undefined ? null : { ...next, conditions: [...next.conditions] } } });
  }
  return events;
}

/**
 * Steps every cause after a reading was folded into `state`: the profile's limits, its vibration
 * zones, NO_DATA (a reading that is not a release ends it, no delay), and any other tracked cause
 * the profile no longer evaluates (it returns to normal). Returns TwinStatusChanged (when the status
 * moves) followed by the events of each cause in cause order.
 */
export function alarmEventsAfterReading(state: TwinState, reading: { readonly readingId: string; readonly ts: string; readonly release: boolean }, assetId: string, profile: ThresholdProfile): TwinEvent[] {
  const policy = alarmPolicyOf(profile);
  const ctx: StepContext = { assetId, at: reading.ts, readingId: reading.readingId, profile };
  const raws = new Map<string, { raw: RawCondition | null; delays: { onDelaySeconds: number; offDelaySeconds: number } }>();
  const limitEntry = ownEntry(state.alarmConditions, profile.cause);
  raws.set(profile.cause, { raw: evaluateLimits(state.metrics, profile, policy, previousRawSeverity(limitEntry) !== null), delays: policy });
  if (profile.vibration) raws.set(VIBRATION_HIGH, { raw: evaluateVibration(state.metrics, profile, policy, previousRawSeverity(ownEntry(state.alarmConditions, VIBRATION_HIGH))), delays: policy });
  for (const cause of Object.keys(state.alarmConditions)) {
    if (raws.has(cause)) continue;
    if (cause === NO_DATA) {
      if (!reading.release) raws.set(cause, { raw: null, delays: { onDelaySeconds: 0, offDelaySeconds: 0 } });
    } else {
      raws.set(cause, { raw: null, delays: policy });
    }
  }
  return decideSteps(state, raws, ctx);
}

function decideSteps(state: TwinState, raws: ReadonlyMap<string, { raw: RawCondition | null; delays: { onDelaySeconds: number; offDelaySeconds: number } }>, ctx: StepContext): TwinEvent[] {
  const steps = causeOrder(raws.keys(), ctx.profile.cause).map((cause) => {
    const { raw, delays } = raws.get(cause)!;
    return { cause, step: stepCondition(ownEntry(state.alarmConditions, cause), raw, { at: ctx.at, readingId: ctx.readingId, profile: ctx.profile.name }, delays) };
  });
  return stepsEvents(state, steps, ctx);
}

/** TwinStatusChanged for the conditions after the steps, then each step's events. */
function stepsEvents(state: TwinState, steps: ReadonlyArray<{ cause: string; step: ConditionStep }>, ctx: StepContext): TwinEvent[] {
  // The usual reading changes no condition (and so no status): nothing to decide.
  if (steps.every(({ cause, step }) => step.transition === null && step.next === ownEntry(state.alarmConditions, cause)) && state.status === statusFromConditions(state.alarmConditions, state.sensorFault !== null)) return [];
  const conditions: Record<string, AlarmConditionState> = { ...state.alarmConditions };
  for (const { cause, step } of steps) {
    if (step.next === undefined) delete conditions[cause];
    else conditions[cause] = step.next;
  }
  const status = statusFromConditions(conditions, state.sensorFault !== null);
  const events: TwinEvent[] = [];
  let working = state;
  const apply = (event: TwinEvent) => {
    events.push(event);
    working = evolve(working, event);
  };
  for (const event of statusChange(working, status, { ...ctx, conditions: activeConditionsOf(conditions, ctx.profile.cause) })) apply(event);
  for (const { cause, step } of steps) for (const event of causeStepEvents(working, cause, step, ctx)) apply(event);
  return events;
}

function assertTime(value: string, field: string): void {
  if (Number.isNaN(timeMs(value))) throw new TwinError('TWIN.INVALID_TIME', `${field} "${value}" is not an ISO 8601 date-time, e.g. 2024-01-01T00:00:00Z`, [{ field, message: 'must be an ISO 8601 date-time' }]);
}

function assertNamed(fields: ReadonlyArray<[string, string, string]>, what: string): void {
  const errors: FieldError[] = fields.filter(([, value]) => value.trim() === '').map(([field, , message]) => ({ field, message }));
  if (errors.length) throw new TwinError('TWIN.INVALID_INPUT', `${what} is invalid: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`, errors);
}

/** The record with `alarmId` (any cause), else undefined. */
function recordById(state: TwinState, alarmId: string): AlarmRecord | undefined {
  return Object.values(state.alarms).find((a) => a.alarmId === alarmId);
}

/**
 * The shelving rule (ISA-18.2: a shelve ends, at most the profile's alarmPolicy.maxShelveSeconds
 * after it starts): how long a shelve from `at` to `until` is, the profile's maximum, and what is
 * wrong with it, if anything. decideShelve refuses by it; an adapter may check a request by it first
 * to name its own field (e.g. a duration in minutes).
 */
export function shelveWindow(at: string, until: string, profile: ThresholdProfile): { readonly seconds: number; readonly maxSeconds: number; readonly problem: 'NOT_AFTER' | 'TOO_LONG' | null } {
  const seconds = secondsBetween(at, until);
  const maxSeconds = alarmPolicyOf(profile).maxShelveSeconds;
  return { seconds, maxSeconds, problem: seconds <= 0 ? 'NOT_AFTER' : seconds > maxSeconds ? 'TOO_LONG' : null };
}

/**
 * Shelves the alarm `alarmId` until `until` (ISA-18.2 shelving): AlarmShelved. The shelve sticks to
 * the alarm's cause until it expires (CheckAlarms) or is lifted (UnshelveAlarm): a new episode of
 * the cause meanwhile is raised with `shelved: true` and is never re-announced. Refused:
 * `until` not after `at` (TWIN.INVALID_INPUT) or more than alarmPolicy.maxShelveSeconds after it
 * (TWIN.SHELVE_TOO_LONG), both naming `until`; an alarm the twin does not hold
 * (TWIN.ALARM_NOT_ACTIVE); a cause shelved already (TWIN.ALARM_ALREADY_SHELVED).
 */
export function decideShelve(command: ShelveAlarm, state: TwinState): TwinEvent[] {
  const { assetId, alarmId, by, at, until, reason, profile } = command.data;
  assertSameAsset(state.assetId, assetId);
  assertNamed([['alarmId', alarmId, 'must name the alarm to shelve'], ['by', by, 'must name who shelves the alarm'], ['reason', reason, 'must say why the alarm is shelved']], 'the shelve');
  assertTime(at, 'at');
  assertTime(until, 'until');
  const window = shelveWindow(at, until, profile);
  if (window.problem === 'NOT_AFTER') throw new TwinError('TWIN.INVALID_INPUT', `until ${until} must be after at ${at}: a shelve ends in the future`, [{ field: 'until', message: 'must be after at' }]);
  if (window.problem === 'TOO_LONG') {
    throw new TwinError('TWIN.SHELVE_TOO_LONG', `a shelve of ${window.seconds} s is longer than the ${window.maxSeconds} s profile ${profile.name} allows (alarmPolicy.maxShelveSeconds)`, [
      { field: 'until', message: `must be at most ${window.maxSeconds} s after at` },
    ]);
  }
  const record = recordById(state, alarmId);
  if (record === undefined) throw notActive(assetId, alarmId, state, 'shelved');
  const shelved = ownEntry(state.shelves, record.cause);
  if (shelved !== undefined) {
    throw new TwinError('TWIN.ALARM_ALREADY_SHELVED', `alarm ${alarmId} (cause ${record.cause}) of asset ${assetId} is shelved until ${shelved.until} by ${shelved.by}: unshelve it first`, [{ field: 'alarmId', message: 'is shelved already' }]);
  }
  return [{ type: 'AlarmShelved', data: { assetId, alarmId, cause: record.cause, by, at, until, reason } }];
}

function notActive(assetId: string, alarmId: string, state: TwinState, what: string): TwinError {
  const known = Object.values(state.alarms).map((a) => a.alarmId);
  const which = known.length ? `its alarms are ${known.join(', ')}` : 'it has no alarm';
  return new TwinError('TWIN.ALARM_NOT_ACTIVE', `alarm ${alarmId} is not an alarm of asset ${assetId} (${which}): only an alarm the twin holds can be ${what}`, [
    { field: 'alarmId', message: 'must be an alarm the asset holds' },
  ]);
}

/**
 * Lifts the shelve of the cause of `alarmId` (the alarm shelved, or the cause's current alarm):
 * AlarmUnshelved { reason: 'OPERATOR' }, then AlarmReannounced { reason: 'UNSHELVED' } when the
 * cause's alarm is active and unacknowledged. Not shelved: TWIN.ALARM_NOT_SHELVED.
 */
export function decideUnshelve(command: UnshelveAlarm, state: TwinState): TwinEvent[] {
  const { assetId, alarmId, by, at } = command.data;
  assertSameAsset(state.assetId, assetId);
  assertNamed([['alarmId', alarmId, 'must name the alarm to unshelve'], ['by', by, 'must name who unshelves the alarm']], 'the unshelve');
  assertTime(at, 'at');
  const cause =
    Object.keys(state.shelves).find((c) => state.shelves[c]!.alarmId === alarmId) ?? Object.keys(state.alarms).find((c) => state.alarms[c]!.alarmId === alarmId && Object.hasOwn(state.shelves, c));
  if (cause === undefined) throw new TwinError('TWIN.ALARM_NOT_SHELVED', `alarm ${alarmId} of asset ${assetId} is not shelved`, [{ field: 'alarmId', message: 'must be a shelved alarm' }]);
  return unshelveEvents(state, cause, { assetId, at, reason: 'OPERATOR', by });
}

function unshelveEvents(state: TwinState, cause: string, how: { assetId: string; at: string; reason: 'OPERATOR' | 'EXPIRED'; by?: string }): TwinEvent[] {
  const shelve = state.shelves[cause]!;
  const events: TwinEvent[] = [
    { type: 'AlarmUnshelved', data: { assetId: how.assetId, alarmId: shelve.alarmId, cause, at: how.at, reason: how.reason, ...(how.by !== undefined ? { by: how.by } : {}) } },
  ];
  const record = ownEntry(state.alarms, cause);
  if (record?.state === 'ACTIVE_UNACKED') {
    events.push({ type: 'AlarmReannounced', data: { assetId: how.assetId, alarmId: record.alarmId, cause, at: how.at, count: record.reannouncements + 1, reason: 'UNSHELVED', severity: record.severity, message: record.message } });
  }
  return events;
}

/**
 * Takes `cause` out of service (ISA-18.2): AlarmRemovedFromService, which drops the cause's alarm
 * record if any (`alarmId`). While out of service no alarm of the cause is raised; its condition is
 * still tracked and the status still follows the process. Twice: TWIN.ALARM_ALREADY_OUT_OF_SERVICE.
 */
export function decideRemoveFromService(command: RemoveAlarmFromService, state: TwinState): TwinEvent[] {
  const { assetId, cause, by, at, reason } = command.data;
  assertSameAsset(state.assetId, assetId);
  assertNamed([['cause', cause, 'must name the alarm cause'], ['by', by, 'must name who removes it from service'], ['reason', reason, 'must say why']], 'the removal from service');
  assertTime(at, 'at');
  const out = ownEntry(state.outOfService, cause);
  if (out !== undefined) {
    throw new TwinError('TWIN.ALARM_ALREADY_OUT_OF_SERVICE', `alarm cause ${cause} of asset ${assetId} is out of service since ${out.at} (by ${out.by})`, [{ field: 'cause', message: 'is out of service already' }]);
  }
  const record = ownEntry(state.alarms, cause);
  return [{ type: 'AlarmRemovedFromService', data: { assetId, cause, alarmId: record?.alarmId ?? null, by, at, reason } }];
}

/**
 * Returns `cause` to service: AlarmReturnedToService, then AlarmRaised (at `at`, id
 * `ALM-<cause>-<at>`) when its tracked condition is active: the alarm is announced now. Not out of
 * service: TWIN.ALARM_NOT_OUT_OF_SERVICE.
 */
export function decideReturnToService(command: ReturnAlarmToService, state: TwinState): TwinEvent[] {
  const { assetId, cause, by, at } = command.data;
  assertSameAsset(state.assetId, assetId);
  assertNamed([['cause', cause, 'must name the alarm cause'], ['by', by, 'must name who returns it to service']], 'the return to service');
  assertTime(at, 'at');
  if (ownEntry(state.outOfService, cause) === undefined) {
    throw new TwinError('TWIN.ALARM_NOT_OUT_OF_SERVICE', `alarm cause ${cause} of asset ${assetId} is in service`, [{ field: 'cause', message: 'must be out of service' }]);
  }
  const events: TwinEvent[] = [{ type: 'AlarmReturnedToService', data: { assetId, cause, by, at } }];
  const condition = ownEntry(state.alarmConditions, cause);
  if (condition?.active === true && condition.conditions.length > 0) {
    events.push({
      type: 'AlarmRaised',
      data: {
        assetId,
        alarmId: `ALM-${cause}-${at}`,
        cause,
        severity: condition.severity,
        message: describeConditions(condition.conditions),
        raisedAt: at,
        readingId: condition.readingId,
        conditions: [...condition.conditions],
        profile: condition.profile,
        ...(ownEntry(state.shelves, cause) !== undefined ? { shelved: true } : {}),
      },
    });
  }
  return events;
}

/**
 * The alarm timer (the service calls it periodically with its clock as `at`), in this order:
 * 1. off-delays that ran out with no further reading: AlarmCleared, and
 * 2. NO_DATA: no applied reading received (receipt time; source time if unknown) for
 *    alarmPolicy.staleAfterSeconds → AlarmRaised NO_DATA (MEDIUM); it ends with the next applied
 *    reading; both with one TwinStatusChanged (OFFLINE by precedence);
 * 3. shelves whose `until` ≤ at expire: AlarmUnshelved { reason: 'EXPIRED' } (+ AlarmReannounced
 *    { reason: 'UNSHELVED' } when the alarm is still active and unacknowledged);
 * 4. re-alarm: an ACTIVE_UNACKED alarm whose cause is not shelved, announced last
 *    reAlarmAfterSeconds or more before `at`: AlarmReannounced { reason: 'UNACKNOWLEDGED', count }.
 * Idempotent: the same `at` twice decides nothing the second time. On-delays complete at readings only.
 */
export function decideCheckAlarms(command: CheckAlarms, state: TwinState): TwinEvent[] {
  const { assetId, at, profile } = command.data;
  assertSameAsset(state.assetId, assetId);
  assertTime(at, 'at');
  if (state.assetId === null) return [];
  const policy = alarmPolicyOf(profile);
  const events: TwinEvent[] = [];
  let working = state;
  const apply = (list: readonly TwinEvent[]) => {
    for (const event of list) {
      events.push(event);
      working = evolve(working, event);
    }
  };

  // Off-delays run out and stale data, in one step (at most one TwinStatusChanged per check); the
  // events name the last applied reading (the latest data the twin has, which shows it normal / old).
  const steps = new Map<string, { raw: RawCondition | null; delays: { onDelaySeconds: number; offDelaySeconds: number } }>();
  for (const cause of Object.keys(working.alarmConditions)) {
    const condition = working.alarmConditions[cause]!;
    if (condition.active && condition.pending?.active === false && secondsBetween(condition.pending.since, at) >= policy.offDelaySeconds) steps.set(cause, { raw: null, delays: policy });
  }
  const lastReceived = working.lastAppliedReceivedAt ?? working.lastReadingTs;
  const noData = ownEntry(working.alarmConditions, NO_DATA);
  if (policy.staleAfterSeconds > 0 && lastReceived !== null && working.lastAppliedReadingId !== null && noData?.active !== true) {
    const age = secondsBetween(lastReceived, at);
    if (age >= policy.staleAfterSeconds) {
      const raw: RawCondition = { severity: 'MEDIUM', conditions: [{ metric: DATA_AGE_METRIC, value: age, limit: policy.staleAfterSeconds, comparator: '>=' }] };
      steps.set(NO_DATA, { raw, delays: { onDelaySeconds: 0, offDelaySeconds: 0 } });
    }
  }
  const lastReading = working.lastAppliedReadingId ?? Object.values(working.alarmConditions)[0]?.readingId;
  if (steps.size && lastReading !== undefined) apply(decideSteps(working, steps, { assetId, at, readingId: lastReading, profile }));

  for (const cause of Object.keys(working.shelves).sort()) {
    if (timeMs(working.shelves[cause]!.until) <= timeMs(at)) apply(unshelveEvents(working, cause, { assetId, at, reason: 'EXPIRED' }));
  }

  if (policy.reAlarmAfterSeconds > 0) {
    for (const cause of Object.keys(working.alarms).sort()) {
      const record = working.alarms[cause]!;
      if (record.state !== 'ACTIVE_UNACKED' || Object.hasOwn(working.shelves, cause)) continue;
      if (secondsBetween(record.lastAnnouncedAt, at) < policy.reAlarmAfterSeconds) continue;
      apply([{ type: 'AlarmReannounced', data: { assetId, alarmId: record.alarmId, cause, at, count: record.reannouncements + 1, reason: 'UNACKNOWLEDGED', severity: record.severity, message: record.message } }]);
    }
  }
  return events;
}
