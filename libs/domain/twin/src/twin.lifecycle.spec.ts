import type { TrustedReading, TwinEvent } from '@twinline/contracts';
import { specFor } from '@twinline/testing';
import * as fc from 'fast-check';
import { statusFromConditions } from './alarms/lifecycle';
import { DEFAULT_QUARANTINE_POLICY, type TwinCommand } from './twin.commands';
import { decide } from './twin.decide';
import { twinDecider } from './twin.decider';
import { TwinError, twinErrorStatus } from './twin.errors';
import { evolve } from './twin.evolve';
import { shelveWindow } from './twin.alarming';
import { DEFAULT_PROFILES, parseProfiles, type AlarmPolicy, type ThresholdProfile } from './twin.profiles';
import { activeAlarmOf, initialTwinState, type TwinState } from './twin.state';

/**
 * ISA-18.2 / OPC UA Part 9 alarm lifecycle of the twin, given/when/then. Times are minutes after
 * 2024-01-01T00:00Z (source time = receipt time unless a test says otherwise).
 */
const given = specFor(twinDecider);
const T0 = Date.parse('2024-01-01T00:00:00Z');
const m = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString().replace('.000Z', 'Z');
const fold = (events: readonly TwinEvent[], from: TwinState = initialTwinState) => events.reduce(evolve, from);

/** The study rule alone (no vibration), with an alarm policy. */
const plain = (policy: Partial<AlarmPolicy> = {}): ThresholdProfile => ({ ...DEFAULT_PROFILES['default']!, alarmPolicy: { ...DEFAULT_PROFILES['default']!.alarmPolicy, ...policy } });
const pump = DEFAULT_PROFILES['pump']!;
const NO_TIMERS: Partial<AlarmPolicy> = { reAlarmAfterSeconds: 0, staleAfterSeconds: 0 };

function reading(n: number, metrics: Record<string, number>, over: Partial<TrustedReading> = {}): TrustedReading {
  return { readingId: `R-${n}`, deviceId: 'D-1', assetId: 'P-101', seq: n, ts: m(n), receivedAt: m(n), metrics, ...over };
}
const temp = (n: number, temperatureC: number, over: Partial<TrustedReading> = {}) => reading(n, { temperatureC }, over);
const apply = (profile: ThresholdProfile, ...readings: TrustedReading[]): TwinCommand => ({ type: 'ApplyReadings', data: { assetId: 'P-101', readings, profile } });
const check = (at: string, profile: ThresholdProfile): TwinCommand => ({ type: 'CheckAlarms', data: { assetId: 'P-101', at, profile } });
const ack = (alarmId: string, at: string, by = 'user:olga'): TwinCommand => ({ type: 'AcknowledgeAlarm', data: { assetId: 'P-101', alarmId, by, at } });
const shelve = (alarmId: string, at: string, until: string, profile: ThresholdProfile = plain()): TwinCommand => ({
  type: 'ShelveAlarm',
  data: { assetId: 'P-101', alarmId, by: 'user:olga', at, until, reason: 'bearing change planned', profile },
});
const unshelve = (alarmId: string, at: string): TwinCommand => ({ type: 'UnshelveAlarm', data: { assetId: 'P-101', alarmId, by: 'user:olga', at } });
const removeFromService = (cause: string, at: string): TwinCommand => ({ type: 'RemoveAlarmFromService', data: { assetId: 'P-101', cause, by: 'user:olga', at, reason: 'sensor replaced' } });
const returnToService = (cause: string, at: string): TwinCommand => ({ type: 'ReturnAlarmToService', data: { assetId: 'P-101', cause, by: 'user:olga', at } });

/** Runs commands one after another against the growing history, as the service does. */
function history(...commands: TwinCommand[]): TwinEvent[] {
  const events: TwinEvent[] = [];
  for (const command of commands) events.push(...decide(command, fold(events)));
  return events;
}
const types = (events: readonly TwinEvent[]) => events.map((e) => e.type);
const ofType = <T extends TwinEvent['type']>(events: readonly TwinEvent[], type: T) => events.filter((e): e is Extract<TwinEvent, { type: T }> => e.type === type);
const thrown = (command: TwinCommand, events: readonly TwinEvent[]): TwinError => {
  try {
    decide(command, fold(events));
  } catch (error) {
    return error as TwinError;
  }
  throw new Error('expected a TwinError');
};

const P = plain(NO_TIMERS);
const HOT = [{ metric: 'temperatureC', value: 85, limit: 80, comparator: '>' as const }];
/** R-1 at 85 °C raised ALM-R-1 (limit 80 °C). */
const raised = history(apply(P, temp(1, 85)));

describe('alarm lifecycle: transitions (ISA-18.2 / OPC UA Part 9)', () => {
  it('NORMAL → ACTIVE_UNACKED: given nothing, when a limit is exceeded, then TwinStatusChanged and AlarmRaised, the record unacknowledged', () => {
    given()
      .when(apply(P, temp(1, 85)))
      .then([
        { type: 'ReadingsApplied', data: { assetId: 'P-101', readings: [{ readingId: 'R-1', deviceId: 'D-1', seq: 1, ts: m(1), metrics: { temperatureC: 85 }, receivedAt: m(1) }] } },
        { type: 'TwinStatusChanged', data: { assetId: 'P-101', from: 'OPERATIONAL', to: 'ALARM', label: 'ALARM: Predictive Maintenance Required', at: m(1), readingId: 'R-1', conditions: HOT, profile: 'default' } },
        { type: 'AlarmRaised', data: { assetId: 'P-101', alarmId: 'ALM-R-1', cause: 'THRESHOLD_EXCEEDED', severity: 'HIGH', message: 'Temperature 85 °C > 80 °C', raisedAt: m(1), readingId: 'R-1', conditions: HOT, profile: 'default' } },
      ]);
    expect(fold(raised).alarms['THRESHOLD_EXCEEDED']).toEqual({
      alarmId: 'ALM-R-1',
      cause: 'THRESHOLD_EXCEEDED',
      severity: 'HIGH',
      state: 'ACTIVE_UNACKED',
      raisedAt: m(1),
      message: 'Temperature 85 °C > 80 °C',
      conditions: HOT,
      acknowledgedBy: null,
      acknowledgedAt: null,
      returnedAt: null,
      lastAnnouncedAt: m(1),
      reannouncements: 0,
    });
  });

  it('ACTIVE_UNACKED → ACTIVE_ACKED: given an active alarm, when acknowledged, then AlarmAcknowledged and the alarm stays active', () => {
    given(...raised).when(ack('ALM-R-1', m(2))).then([{ type: 'AlarmAcknowledged', data: { assetId: 'P-101', alarmId: 'ALM-R-1', by: 'user:olga', at: m(2) } }]);
    const state = fold(history(apply(P, temp(1, 85)), ack('ALM-R-1', m(2))));
    expect(state.alarms['THRESHOLD_EXCEEDED']).toMatchObject({ state: 'ACTIVE_ACKED', acknowledgedBy: 'user:olga', acknowledgedAt: m(2) });
    expect(state.status).toBe('ALARM');
    expect(activeAlarmOf(state)?.alarmId).toBe('ALM-R-1');
  });

  it('ACTIVE_UNACKED → RETURNED_UNACKED: given an unacknowledged alarm, when the value returns, then AlarmCleared and the record waits for its acknowledgement', () => {
    given(...raised)
      .when(apply(P, temp(2, 60)))
      .then((events) => {
        expect(types(events)).toEqual(['ReadingsApplied', 'TwinStatusChanged', 'AlarmCleared']);
        expect(events[2]).toEqual({ type: 'AlarmCleared', data: { assetId: 'P-101', alarmId: 'ALM-R-1', cause: 'THRESHOLD_EXCEEDED', at: m(2), readingId: 'R-2' } });
      });
    const state = fold(history(apply(P, temp(1, 85)), apply(P, temp(2, 60))));
    expect(state.alarms['THRESHOLD_EXCEEDED']).toMatchObject({ alarmId: 'ALM-R-1', state: 'RETURNED_UNACKED', returnedAt: m(2) });
    expect(state.status).toBe('OPERATIONAL');
    expect(activeAlarmOf(state)).toBeNull();
  });

  it('ACTIVE_ACKED → NORMAL: given an acknowledged alarm, when the value returns, then AlarmCleared and no record is left', () => {
    const acknowledged = history(apply(P, temp(1, 85)), ack('ALM-R-1', m(1)));
    given(...acknowledged)
      .when(apply(P, temp(2, 60)))
      .then((events) => expect(ofType(events, 'AlarmCleared').map((e) => e.data.alarmId)).toEqual(['ALM-R-1']));
    expect(fold(history(apply(P, temp(1, 85)), ack('ALM-R-1', m(1)), apply(P, temp(2, 60))))).toMatchObject({ status: 'OPERATIONAL', alarms: {}, alarmConditions: {} });
  });

  it('RETURNED_UNACKED → NORMAL: given a returned alarm, when acknowledged, then AlarmAcknowledged and no record is left', () => {
    const returned = history(apply(P, temp(1, 85)), apply(P, temp(2, 60)));
    given(...returned).when(ack('ALM-R-1', m(3))).then([{ type: 'AlarmAcknowledged', data: { assetId: 'P-101', alarmId: 'ALM-R-1', by: 'user:olga', at: m(3) } }]);
    expect(fold([...returned, ...decide(ack('ALM-R-1', m(3)), fold(returned))]).alarms).toEqual({});
  });

  it('RETURNED_UNACKED → ACTIVE_UNACKED: given a returned alarm, when the condition returns before the acknowledgement, then a new alarm (new id) replaces it', () => {
    const returned = history(apply(P, temp(1, 85)), apply(P, temp(2, 60)));
    given(...returned)
      .when(apply(P, temp(3, 90)))
      .then((events) => {
        expect(types(events)).toEqual(['ReadingsApplied', 'TwinStatusChanged', 'AlarmRaised']);
        expect(ofType(events, 'AlarmRaised')[0]!.data).toMatchObject({ alarmId: 'ALM-R-3', raisedAt: m(3) });
      });
    const state = fold(history(apply(P, temp(1, 85)), apply(P, temp(2, 60)), apply(P, temp(3, 90))));
    expect(Object.values(state.alarms)).toEqual([expect.objectContaining({ alarmId: 'ALM-R-3', state: 'ACTIVE_UNACKED', returnedAt: null })]);
    // The old occurrence was cleared (AlarmCleared) and is superseded: it can no longer be acknowledged.
    expect(thrown(ack('ALM-R-1', m(4)), history(apply(P, temp(1, 85)), apply(P, temp(2, 60)), apply(P, temp(3, 90)))).code).toBe('TWIN.ALARM_NOT_ACTIVE');
  });

  it('given an acknowledged alarm, when acknowledged again, then TWIN.ALARM_ALREADY_ACKNOWLEDGED (409)', () => {
    given(...history(apply(P, temp(1, 85)), ack('ALM-R-1', m(1)))).when(ack('ALM-R-1', m(2), 'user:piotr')).thenThrows('TWIN.ALARM_ALREADY_ACKNOWLEDGED');
    expect(twinErrorStatus('TWIN.ALARM_ALREADY_ACKNOWLEDGED')).toBe(409);
  });

  it('given an active alarm, when more exceeding readings arrive, then they are only applied (one alarm per cause and episode)', () => {
    given(...raised).when(apply(P, temp(2, 95), temp(3, 88))).then((events) => expect(types(events)).toEqual(['ReadingsApplied']));
  });
});

describe('alarm lifecycle: deadband', () => {
  const DB = plain({ ...NO_TIMERS, deadband: { temperatureC: 2, pressurePsi: 5 } });
  const hot = history(apply(DB, temp(1, 85)));

  it('given an active alarm, when the value falls inside the deadband (80 ≥ v > 78), then it stays active', () => {
    given(...hot).when(apply(DB, temp(2, 79), temp(3, 78.5))).then((events) => expect(types(events)).toEqual(['ReadingsApplied']));
    expect(fold(history(apply(DB, temp(1, 85)), apply(DB, temp(2, 79))))).toMatchObject({ status: 'ALARM', alarms: { THRESHOLD_EXCEEDED: { state: 'ACTIVE_UNACKED' } } });
  });

  it('given an active alarm, when the value reaches limit − deadband (78), then it clears', () => {
    given(...hot)
      .when(apply(DB, temp(2, 79), temp(3, 78)))
      .then((events) => {
        expect(types(events)).toEqual(['ReadingsApplied', 'TwinStatusChanged', 'AlarmCleared']);
        expect(ofType(events, 'AlarmCleared')[0]!.data.readingId).toBe('R-3');
      });
  });

  it('given nothing active, when a value is inside the band below the limit, then nothing trips (the deadband only holds)', () => {
    given().when(apply(DB, temp(1, 79.5))).then((events) => expect(types(events)).toEqual(['ReadingsApplied']));
  });

  it('given a chattering value around the limit, then one alarm instead of one per crossing', () => {
    const events = history(apply(DB, temp(1, 81), temp(2, 79.5), temp(3, 80.5), temp(4, 79), temp(5, 81), temp(6, 77)));
    expect(ofType(events, 'AlarmRaised')).toHaveLength(1);
    expect(ofType(events, 'AlarmCleared').map((e) => e.data.readingId)).toEqual(['R-6']);
    // Without the deadband each crossing is an episode.
    expect(ofType(history(apply(P, temp(1, 81), temp(2, 79.5), temp(3, 80.5), temp(4, 79), temp(5, 81), temp(6, 77))), 'AlarmRaised')).toHaveLength(3);
  });

  it('holds a min limit until value ≥ min + deadband, reported against the relaxed limit', () => {
    const MIN = { ...plain({ ...NO_TIMERS, deadband: { pressurePsi: 5 } }), limits: { pressurePsi: { min: 100 } } };
    const low = history(apply(MIN, reading(1, { pressurePsi: 95 })));
    given(...low).when(apply(MIN, reading(2, { pressurePsi: 104 }))).then((events) => expect(types(events)).toEqual(['ReadingsApplied']));
    given(...low).when(apply(MIN, reading(2, { pressurePsi: 105 }))).then((events) => expect(types(events)).toContain('AlarmCleared'));
  });
});

describe('alarm lifecycle: on-delay', () => {
  const ON = plain({ ...NO_TIMERS, onDelaySeconds: 120 });

  it('given a 2-minute on-delay, when an excursion lasts 1 minute, then no alarm is raised and the status never leaves OPERATIONAL', () => {
    const events = history(apply(ON, temp(1, 85)), apply(ON, temp(2, 85)), apply(ON, temp(3, 60)));
    expect(types(events).filter((t) => t !== 'ReadingsApplied')).toEqual(['AlarmConditionChanged', 'AlarmConditionChanged']);
    const [started, cancelled] = ofType(events, 'AlarmConditionChanged');
    expect(started!.data).toMatchObject({ cause: 'THRESHOLD_EXCEEDED', at: m(1), readingId: 'R-1', condition: { active: false, pending: { active: true, since: m(1), readingId: 'R-1' } } });
    expect(cancelled!.data).toMatchObject({ at: m(3), condition: null });
    expect(fold(events)).toMatchObject({ status: 'OPERATIONAL', alarms: {}, alarmConditions: {}, alarmsRaised: 0 });
  });

  it('given a 2-minute on-delay, when the excursion lasts, then the alarm is raised by the reading 2 minutes after it started', () => {
    const pending = history(apply(ON, temp(1, 85)), apply(ON, temp(2, 86)));
    expect(fold(pending).status).toBe('OPERATIONAL');
    given(...pending)
      .when(apply(ON, temp(3, 87)))
      .then((events) => {
        expect(types(events)).toEqual(['ReadingsApplied', 'TwinStatusChanged', 'AlarmRaised']);
        expect(ofType(events, 'AlarmRaised')[0]!.data).toMatchObject({ alarmId: 'ALM-R-3', raisedAt: m(3), conditions: [{ metric: 'temperatureC', value: 87, limit: 80, comparator: '>' }] });
      });
  });

  it('judges the delay by source time: a batch of readings raises at the right reading', () => {
    const events = history(apply(ON, temp(1, 85), temp(2, 85), temp(3, 85), temp(4, 85)));
    expect(ofType(events, 'AlarmRaised').map((e) => e.data.readingId)).toEqual(['R-3']);
  });
});

describe('alarm lifecycle: off-delay', () => {
  const OFF = plain({ ...NO_TIMERS, offDelaySeconds: 120 });
  const hot = history(apply(OFF, temp(1, 85)));

  it('given a 2-minute off-delay, when the value is normal for 2 minutes, then the alarm clears at that reading (not before)', () => {
    const events = history(apply(OFF, temp(1, 85)), apply(OFF, temp(2, 60)), apply(OFF, temp(3, 60)), apply(OFF, temp(4, 60)));
    expect(types(events).filter((t) => t !== 'ReadingsApplied')).toEqual(['TwinStatusChanged', 'AlarmRaised', 'AlarmConditionChanged', 'TwinStatusChanged', 'AlarmCleared']);
    expect(ofType(events, 'AlarmCleared')[0]!.data).toMatchObject({ at: m(4), readingId: 'R-4' });
    expect(fold(events.slice(0, 5)).status).toBe('ALARM');
  });

  it('given a pending off-delay, when the condition returns, then the same alarm stays (no new episode)', () => {
    const events = history(apply(OFF, temp(1, 85)), apply(OFF, temp(2, 60)), apply(OFF, temp(3, 90)), apply(OFF, temp(4, 60)), apply(OFF, temp(5, 60)));
    expect(ofType(events, 'AlarmRaised')).toHaveLength(1);
    expect(ofType(events, 'AlarmCleared')).toHaveLength(0);
    expect(fold(events)).toMatchObject({ status: 'ALARM', alarmConditions: { THRESHOLD_EXCEEDED: { active: true, pending: { active: false, since: m(4) } } } });
  });

  it('given a pending off-delay and no further reading, when CheckAlarms runs after the delay, then it clears the alarm and the status', () => {
    const pending = [...hot, ...decide(apply(OFF, temp(2, 60)), fold(hot))];
    given(...pending).when(check(m(3), OFF)).then([]);
    given(...pending)
      .when(check(m(4), OFF))
      .then([
        { type: 'TwinStatusChanged', data: { assetId: 'P-101', from: 'ALARM', to: 'OPERATIONAL', label: 'Operational', at: m(4), readingId: 'R-2', conditions: [], profile: 'default' } },
        { type: 'AlarmCleared', data: { assetId: 'P-101', alarmId: 'ALM-R-1', cause: 'THRESHOLD_EXCEEDED', at: m(4), readingId: 'R-2' } },
      ]);
  });
});

describe('alarm lifecycle: shelving', () => {
  const S = plain({ ...NO_TIMERS, reAlarmAfterSeconds: 300, maxShelveSeconds: 3600 });
  const hot = history(apply(S, temp(1, 85)));

  it('given an active alarm, when an operator shelves it within the limit, then AlarmShelved and it is no longer announced', () => {
    given(...hot)
      .when(shelve('ALM-R-1', m(2), m(62), S))
      .then([{ type: 'AlarmShelved', data: { assetId: 'P-101', alarmId: 'ALM-R-1', cause: 'THRESHOLD_EXCEEDED', by: 'user:olga', at: m(2), until: m(62), reason: 'bearing change planned' } }]);
    const state = fold(history(apply(S, temp(1, 85)), shelve('ALM-R-1', m(2), m(62), S)));
    expect(state.shelves).toEqual({ THRESHOLD_EXCEEDED: { alarmId: 'ALM-R-1', by: 'user:olga', at: m(2), until: m(62), reason: 'bearing change planned' } });
    expect(state.alarms['THRESHOLD_EXCEEDED']?.state).toBe('ACTIVE_UNACKED');
    expect(activeAlarmOf(state)).toBeNull();
    expect(state.status).toBe('ALARM');
  });

  it('given an active alarm, when the shelve is longer than maxShelveSeconds, then TWIN.SHELVE_TOO_LONG (400) naming until', () => {
    given(...hot).when(shelve('ALM-R-1', m(2), m(63), S)).thenThrows('TWIN.SHELVE_TOO_LONG');
    const error = thrown(shelve('ALM-R-1', m(2), m(63), S), hot);
    expect(error.errors).toEqual([{ field: 'until', message: 'must be at most 3600 s after at' }]);
    expect(error.message).toBe('a shelve of 3660 s is longer than the 3600 s profile default allows (alarmPolicy.maxShelveSeconds)');
    expect(twinErrorStatus('TWIN.SHELVE_TOO_LONG')).toBe(400);
  });

  it('given an active alarm, when until is not after at, then TWIN.INVALID_INPUT naming until', () => {
    given(...hot).when(shelve('ALM-R-1', m(2), m(2), S)).thenThrows('TWIN.INVALID_INPUT');
    expect(thrown(shelve('ALM-R-1', m(2), m(1), S), hot).errors).toEqual([{ field: 'until', message: 'must be after at' }]);
    expect(thrown(shelve('ALM-R-1', m(2), 'tomorrow', S), hot)).toMatchObject({ code: 'TWIN.INVALID_TIME', errors: [{ field: 'until', message: 'must be an ISO 8601 date-time' }] });
  });

  it('given no such alarm, when shelved, then TWIN.ALARM_NOT_ACTIVE; given a shelved cause, then TWIN.ALARM_ALREADY_SHELVED (409)', () => {
    given(...hot).when(shelve('ALM-NOPE', m(2), m(10), S)).thenThrows('TWIN.ALARM_NOT_ACTIVE');
    given().when(shelve('ALM-R-1', m(2), m(10), S)).thenThrows('TWIN.ALARM_NOT_ACTIVE');
    given(...history(apply(S, temp(1, 85)), shelve('ALM-R-1', m(2), m(10), S)))
      .when(shelve('ALM-R-1', m(3), m(10), S))
      .thenThrows('TWIN.ALARM_ALREADY_SHELVED');
    expect(twinErrorStatus('TWIN.ALARM_ALREADY_SHELVED')).toBe(409);
  });

  it('can shelve a RETURNED_UNACKED alarm (any record the twin holds)', () => {
    given(...history(apply(S, temp(1, 85)), apply(S, temp(2, 60))))
      .when(shelve('ALM-R-1', m(3), m(10), S))
      .then((events) => expect(types(events)).toEqual(['AlarmShelved']));
  });

  it('given a shelved active alarm, when CheckAlarms runs before until, then nothing; at until, then AlarmUnshelved EXPIRED and the alarm is announced again', () => {
    const shelved = history(apply(S, temp(1, 85)), shelve('ALM-R-1', m(2), m(4), S));
    given(...shelved).when(check(m(3), S)).then([]);
    given(...shelved)
      .when(check(m(4), S))
      .then([
        { type: 'AlarmUnshelved', data: { assetId: 'P-101', alarmId: 'ALM-R-1', cause: 'THRESHOLD_EXCEEDED', at: m(4), reason: 'EXPIRED' } },
        { type: 'AlarmReannounced', data: { assetId: 'P-101', alarmId: 'ALM-R-1', cause: 'THRESHOLD_EXCEEDED', at: m(4), count: 1, reason: 'UNSHELVED', severity: 'HIGH', message: 'Temperature 85 °C > 80 °C' } },
      ]);
  });

  it('given a shelved acknowledged alarm, when the shelve expires, then only AlarmUnshelved (nothing to announce)', () => {
    const shelved = history(apply(S, temp(1, 85)), ack('ALM-R-1', m(1)), shelve('ALM-R-1', m(2), m(4), S));
    given(...shelved).when(check(m(5), S)).then((events) => expect(types(events)).toEqual(['AlarmUnshelved']));
  });

  it('given a shelved cause, when the alarm returns and trips again, then the new episode is raised with shelved: true and never re-announced while shelved', () => {
    const events = history(apply(S, temp(1, 85)), shelve('ALM-R-1', m(2), m(60), S), apply(S, temp(3, 60)), ack('ALM-R-1', m(4)), apply(S, temp(5, 90)));
    const raisedAgain = ofType(events, 'AlarmRaised')[1]!;
    expect(raisedAgain.data).toMatchObject({ alarmId: 'ALM-R-5', shelved: true });
    const state = fold(events);
    expect(state.shelves['THRESHOLD_EXCEEDED']).toMatchObject({ alarmId: 'ALM-R-1' });
    expect(activeAlarmOf(state)).toBeNull();
    // Re-alarm is 5 minutes: far beyond it, still nothing while shelved.
    given(...events).when(check(m(30), S)).then([]);
  });

  it('given a shelved alarm, when an operator unshelves it, then AlarmUnshelved OPERATOR and the unacknowledged alarm is announced again', () => {
    const shelved = history(apply(S, temp(1, 85)), shelve('ALM-R-1', m(2), m(60), S));
    given(...shelved)
      .when(unshelve('ALM-R-1', m(3)))
      .then((events) => {
        expect(events[0]).toEqual({ type: 'AlarmUnshelved', data: { assetId: 'P-101', alarmId: 'ALM-R-1', cause: 'THRESHOLD_EXCEEDED', at: m(3), reason: 'OPERATOR', by: 'user:olga' } });
        expect(events[1]).toMatchObject({ type: 'AlarmReannounced', data: { count: 1, reason: 'UNSHELVED' } });
      });
    expect(fold([...shelved, ...decide(unshelve('ALM-R-1', m(3)), fold(shelved))]).shelves).toEqual({});
  });

  it('given a shelve of an earlier episode, when unshelved by the current alarm id, then the cause is unshelved; an alarm not shelved is TWIN.ALARM_NOT_SHELVED (409)', () => {
    const events = history(apply(S, temp(1, 85)), shelve('ALM-R-1', m(2), m(60), S), apply(S, temp(3, 60)), ack('ALM-R-1', m(4)), apply(S, temp(5, 90)));
    given(...events).when(unshelve('ALM-R-5', m(6))).then((e) => expect(e[0]).toMatchObject({ type: 'AlarmUnshelved', data: { alarmId: 'ALM-R-1', reason: 'OPERATOR' } }));
    given(...hot).when(unshelve('ALM-R-1', m(3))).thenThrows('TWIN.ALARM_NOT_SHELVED');
    expect(twinErrorStatus('TWIN.ALARM_NOT_SHELVED')).toBe(409);
  });
});

describe('alarm lifecycle: out of service', () => {
  it('given an active alarm, when its cause is removed from service, then AlarmRemovedFromService drops the record; the status still follows the process', () => {
    given(...raised)
      .when(removeFromService('THRESHOLD_EXCEEDED', m(2)))
      .then([{ type: 'AlarmRemovedFromService', data: { assetId: 'P-101', cause: 'THRESHOLD_EXCEEDED', alarmId: 'ALM-R-1', by: 'user:olga', at: m(2), reason: 'sensor replaced' } }]);
    const state = fold(history(apply(P, temp(1, 85)), removeFromService('THRESHOLD_EXCEEDED', m(2))));
    expect(state).toMatchObject({ alarms: {}, status: 'ALARM', outOfService: { THRESHOLD_EXCEEDED: { by: 'user:olga', at: m(2), reason: 'sensor replaced' } } });
  });

  it('given a cause out of service, when it trips and returns, then no AlarmRaised / AlarmCleared, only the status and the tracked condition', () => {
    const out = history(removeFromService('THRESHOLD_EXCEEDED', m(0)));
    const events = [...out, ...decide(apply(P, temp(1, 85)), fold(out))];
    expect(types(events.slice(out.length))).toEqual(['ReadingsApplied', 'TwinStatusChanged', 'AlarmConditionChanged']);
    expect(fold(events)).toMatchObject({ status: 'ALARM', alarms: {}, alarmConditions: { THRESHOLD_EXCEEDED: { active: true } } });
    given(...events)
      .when(apply(P, temp(2, 60)))
      .then((e) => {
        expect(types(e)).toEqual(['ReadingsApplied', 'TwinStatusChanged', 'AlarmConditionChanged']);
        expect(e[2]).toMatchObject({ data: { condition: null } });
      });
  });

  it('given a cause out of service while its condition is active, when returned to service, then AlarmReturnedToService and the alarm is raised now', () => {
    const events = history(removeFromService('THRESHOLD_EXCEEDED', m(0)), apply(P, temp(1, 85)));
    given(...events)
      .when(returnToService('THRESHOLD_EXCEEDED', m(5)))
      .then([
        { type: 'AlarmReturnedToService', data: { assetId: 'P-101', cause: 'THRESHOLD_EXCEEDED', by: 'user:olga', at: m(5) } },
        { type: 'AlarmRaised', data: { assetId: 'P-101', alarmId: `ALM-THRESHOLD_EXCEEDED-${m(5)}`, cause: 'THRESHOLD_EXCEEDED', severity: 'HIGH', message: 'Temperature 85 °C > 80 °C', raisedAt: m(5), readingId: 'R-1', conditions: HOT, profile: 'default' } },
      ]);
  });

  it('given a normal cause out of service, when returned, then only AlarmReturnedToService; twice out: TWIN.ALARM_ALREADY_OUT_OF_SERVICE, in service: TWIN.ALARM_NOT_OUT_OF_SERVICE (409)', () => {
    const out = history(apply(P, temp(1, 60)), removeFromService('NO_DATA', m(2)));
    given(...out).when(returnToService('NO_DATA', m(3))).then([{ type: 'AlarmReturnedToService', data: { assetId: 'P-101', cause: 'NO_DATA', by: 'user:olga', at: m(3) } }]);
    given(...out).when(removeFromService('NO_DATA', m(3))).thenThrows('TWIN.ALARM_ALREADY_OUT_OF_SERVICE');
    given(...out).when(returnToService('THRESHOLD_EXCEEDED', m(3))).thenThrows('TWIN.ALARM_NOT_OUT_OF_SERVICE');
    expect(twinErrorStatus('TWIN.ALARM_NOT_OUT_OF_SERVICE')).toBe(409);
    expect(thrown({ type: 'RemoveAlarmFromService', data: { assetId: 'P-101', cause: 'NO_DATA', by: 'x', at: m(3), reason: ' ' } }, out).errors).toEqual([{ field: 'reason', message: 'must say why' }]);
  });

  it('given NO_DATA out of service, when the data goes stale, then the status goes OFFLINE but no alarm is raised', () => {
    const STALE = plain({ staleAfterSeconds: 600, reAlarmAfterSeconds: 0 });
    const events = history(apply(STALE, temp(1, 60)), removeFromService('NO_DATA', m(2)));
    given(...events)
      .when(check(m(11), STALE))
      .then((e) => expect(types(e)).toEqual(['TwinStatusChanged', 'AlarmConditionChanged']));
  });
});

describe('alarm lifecycle: re-alarm', () => {
  const R = plain({ reAlarmAfterSeconds: 600, staleAfterSeconds: 0 });
  const hot = history(apply(R, temp(1, 85)));

  it('given an alarm left unacknowledged, when CheckAlarms runs, then AlarmReannounced every reAlarmAfterSeconds since the last announcement, counted', () => {
    given(...hot).when(check(m(10), R)).then([]);
    given(...hot)
      .when(check(m(11), R))
      .then([{ type: 'AlarmReannounced', data: { assetId: 'P-101', alarmId: 'ALM-R-1', cause: 'THRESHOLD_EXCEEDED', at: m(11), count: 1, reason: 'UNACKNOWLEDGED', severity: 'HIGH', message: 'Temperature 85 °C > 80 °C' } }]);
    const once = history(apply(R, temp(1, 85)), check(m(11), R));
    given(...once).when(check(m(20), R)).then([]);
    given(...once).when(check(m(21), R)).then((e) => expect(e).toEqual([expect.objectContaining({ type: 'AlarmReannounced', data: expect.objectContaining({ count: 2, at: m(21) }) })]));
    expect(fold(history(apply(R, temp(1, 85)), check(m(11), R), check(m(21), R))).alarms['THRESHOLD_EXCEEDED']).toMatchObject({ lastAnnouncedAt: m(21), reannouncements: 2 });
  });

  it('given an acknowledged or returned alarm, then no re-alarm', () => {
    given(...history(apply(R, temp(1, 85)), ack('ALM-R-1', m(2)))).when(check(m(30), R)).then([]);
    given(...history(apply(R, temp(1, 85)), apply(R, temp(2, 60)))).when(check(m(30), R)).then([]);
  });

  it('counts from the receipt time: a reading dated long ago is announced when it arrives', () => {
    const late = history(apply(R, temp(1, 85, { ts: '2020-01-01T00:00:00Z' })));
    expect(fold(late).alarms['THRESHOLD_EXCEEDED']).toMatchObject({ raisedAt: '2020-01-01T00:00:00Z', lastAnnouncedAt: m(1) });
    given(...late).when(check(m(5), R)).then([]);
  });

  it('re-alarm 0 never re-announces', () => {
    given(...history(apply(P, temp(1, 85)))).when(check(m(600), P)).then([]);
  });
});

describe('alarm lifecycle: stale data (NO_DATA)', () => {
  const ST = plain({ staleAfterSeconds: 900, reAlarmAfterSeconds: 0 });
  const ok = history(apply(ST, temp(1, 60)));

  it('given a reading, when CheckAlarms runs before staleAfterSeconds, then nothing; at it, then OFFLINE and a NO_DATA alarm (MEDIUM)', () => {
    given(...ok).when(check(m(15), ST)).then([]);
    given(...ok)
      .when(check(m(16), ST))
      .then([
        {
          type: 'TwinStatusChanged',
          data: { assetId: 'P-101', from: 'OPERATIONAL', to: 'OFFLINE', label: 'OFFLINE: No Data', at: m(16), readingId: 'R-1', conditions: [{ metric: 'dataAgeSeconds', value: 900, limit: 900, comparator: '>=' }], profile: 'default' },
        },
        {
          type: 'AlarmRaised',
          data: {
            assetId: 'P-101',
            alarmId: 'ALM-R-1-NO_DATA',
            cause: 'NO_DATA',
            severity: 'MEDIUM',
            message: 'dataAgeSeconds 900 >= 900',
            raisedAt: m(16),
            readingId: 'R-1',
            conditions: [{ metric: 'dataAgeSeconds', value: 900, limit: 900, comparator: '>=' }],
            profile: 'default',
          },
        },
      ]);
  });

  it('measures from the receipt time of the last applied reading (not its source time)', () => {
    const received = history(apply(ST, temp(1, 60, { ts: '2020-01-01T00:00:00Z', receivedAt: m(10) })));
    given(...received).when(check(m(24), ST)).then([]);
    given(...received).when(check(m(25), ST)).then((e) => expect(types(e)).toEqual(['TwinStatusChanged', 'AlarmRaised']));
  });

  it('given stale data, when the next reading is applied, then the NO_DATA alarm clears and the status follows the values', () => {
    const stale = history(apply(ST, temp(1, 60)), check(m(20), ST));
    given(...stale)
      .when(apply(ST, temp(21, 61)))
      .then((events) => {
        expect(types(events)).toEqual(['ReadingsApplied', 'TwinStatusChanged', 'AlarmCleared']);
        expect(events[1]).toMatchObject({ data: { from: 'OFFLINE', to: 'OPERATIONAL' } });
        expect(events[2]).toMatchObject({ data: { alarmId: 'ALM-R-1-NO_DATA', cause: 'NO_DATA', readingId: 'R-21' } });
      });
    given(...stale).when(apply(ST, temp(21, 90))).then((events) => expect(types(events)).toEqual(['ReadingsApplied', 'TwinStatusChanged', 'AlarmRaised', 'AlarmCleared']));
  });

  it('given an alarm, when the data goes stale, then the status stays ALARM (ALARM > OFFLINE) and NO_DATA is raised too', () => {
    given(...history(apply(ST, temp(1, 90))))
      .when(check(m(20), ST))
      .then((events) => expect(ofType(events, 'AlarmRaised').map((e) => e.data.cause)).toEqual(['NO_DATA']));
    given(...history(apply(ST, temp(1, 90)))).when(check(m(20), ST)).then((events) => expect(types(events)).toEqual(['AlarmRaised']));
  });

  it('given a released reading only since, then the data is still stale (a release is old data reviewed)', () => {
    const stale = history(apply(ST, temp(1, 60)), check(m(20), ST));
    given(...stale)
      .when(apply(ST, temp(2, 60, { readingId: 'R-rel', receivedAt: m(21), release: { by: 'admin', at: m(21), note: 'ok' } })))
      .then((events) => expect(types(events)).toEqual(['ReadingsApplied']));
  });

  it('given a twin without readings or stale 0, then CheckAlarms decides nothing', () => {
    given().when(check(m(100), ST)).then([]);
    given(...history(apply(P, temp(1, 60)))).when(check(m(1000), P)).then([]);
  });
});

describe('alarm lifecycle: CheckAlarms is idempotent', () => {
  const ALL = plain({ staleAfterSeconds: 900, reAlarmAfterSeconds: 300, offDelaySeconds: 60, maxShelveSeconds: 3600 });

  it('given due work of every kind, when CheckAlarms runs twice at the same time, then the second run decides nothing', () => {
    // R-1 raises, shelved until m10; R-3 normal starts the 60 s off-delay; then no data.
    const base = history(apply(ALL, temp(1, 85)), shelve('ALM-R-1', m(2), m(10), ALL), apply(ALL, temp(3, 60)));
    const first = decide(check(m(20), ALL), fold(base));
    // The off-delay and stale data in one status change (ALARM → OFFLINE), NO_DATA raised; then the
    // expiry (no announcement: the alarm returned to normal in the same check).
    expect(types(first)).toEqual(['TwinStatusChanged', 'AlarmCleared', 'AlarmRaised', 'AlarmUnshelved']);
    expect(ofType(first, 'TwinStatusChanged')[0]!.data).toMatchObject({ from: 'ALARM', to: 'OFFLINE' });
    given(...base, ...first).when(check(m(20), ALL)).then([]);
    // Re-alarm of the NO_DATA alarm 5 minutes later, once.
    const later = [...base, ...first];
    given(...later).when(check(m(25), ALL)).then((events) => expect(events).toEqual([expect.objectContaining({ type: 'AlarmReannounced', data: expect.objectContaining({ alarmId: 'ALM-R-3-NO_DATA', count: 1 }) })]));
    const again = [...later, ...decide(check(m(25), ALL), fold(later))];
    given(...again).when(check(m(25), ALL)).then([]);
  });

  it('holds for any time and history (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 120 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 200 }), (temperatures, at) => {
        const events = history(...temperatures.map((t, i) => apply(ALL, temp(i + 1, t))));
        const first = decide(check(m(at), ALL), fold(events));
        expect(decide(check(m(at), ALL), fold([...events, ...first]))).toEqual([]);
      }),
    );
  });
});

describe('alarm lifecycle: ISO 10816-3 vibration (pump: group 2 rigid, API 610)', () => {
  const vib = (n: number, vibrationMmS: number) => reading(n, { vibrationMmS });
  const V = { ...pump, alarmPolicy: { ...pump.alarmPolicy, ...NO_TIMERS } };

  it('given nothing, when vibration reaches zone C (≥ 2.8 mm/s), then WARNING and a MEDIUM VIBRATION_HIGH alarm', () => {
    given()
      .when(apply(V, vib(1, 2.8)))
      .then((events) => {
        expect(types(events)).toEqual(['ReadingsApplied', 'TwinStatusChanged', 'AlarmRaised']);
        expect(events[1]).toMatchObject({ data: { to: 'WARNING', label: 'WARNING: Vibration High' } });
        expect(events[2]).toMatchObject({
          data: { alarmId: 'ALM-R-1-VIBRATION_HIGH', cause: 'VIBRATION_HIGH', severity: 'MEDIUM', message: 'Vibration 2.8 mm/s >= 2.8 mm/s', conditions: [{ metric: 'vibrationMmS', value: 2.8, limit: 2.8, comparator: '>=' }] },
        });
      });
    given().when(apply(V, vib(1, 2.79))).then((events) => expect(types(events)).toEqual(['ReadingsApplied']));
  });

  it('given a zone C alarm, when vibration reaches zone D (≥ 4.5), then ALARM and AlarmSeverityChanged MEDIUM → HIGH with the same alarm id', () => {
    const warned = history(apply(V, vib(1, 3.5)));
    given(...warned)
      .when(apply(V, vib(2, 4.5)))
      .then([
        { type: 'ReadingsApplied', data: { assetId: 'P-101', readings: [{ readingId: 'R-2', deviceId: 'D-1', seq: 2, ts: m(2), metrics: { vibrationMmS: 4.5 }, receivedAt: m(2) }] } },
        { type: 'TwinStatusChanged', data: { assetId: 'P-101', from: 'WARNING', to: 'ALARM', label: 'ALARM: Predictive Maintenance Required', at: m(2), readingId: 'R-2', conditions: [{ metric: 'vibrationMmS', value: 4.5, limit: 4.5, comparator: '>=' }], profile: 'pump' } },
        { type: 'AlarmSeverityChanged', data: { assetId: 'P-101', alarmId: 'ALM-R-1-VIBRATION_HIGH', cause: 'VIBRATION_HIGH', from: 'MEDIUM', to: 'HIGH', at: m(2), readingId: 'R-2', conditions: [{ metric: 'vibrationMmS', value: 4.5, limit: 4.5, comparator: '>=' }] } },
      ]);
    expect(fold(history(apply(V, vib(1, 3.5)), apply(V, vib(2, 4.5)))).alarms['VIBRATION_HIGH']).toMatchObject({ alarmId: 'ALM-R-1-VIBRATION_HIGH', severity: 'HIGH', message: 'Vibration 4.5 mm/s >= 4.5 mm/s' });
  });

  it('given zone D, when vibration falls through the zones, then the severity falls back with the 0.1 mm/s deadband, and the alarm clears at B/C − 0.1', () => {
    const events = history(apply(V, vib(1, 6.0)), apply(V, vib(2, 4.45)), apply(V, vib(3, 4.4)), apply(V, vib(4, 2.75)), apply(V, vib(5, 2.7)));
    expect(types(events).filter((t) => t !== 'ReadingsApplied')).toEqual(['TwinStatusChanged', 'AlarmRaised', 'TwinStatusChanged', 'AlarmSeverityChanged', 'TwinStatusChanged', 'AlarmCleared']);
    expect(ofType(events, 'AlarmSeverityChanged')[0]!.data).toMatchObject({ from: 'HIGH', to: 'MEDIUM', readingId: 'R-3' });
    expect(ofType(events, 'AlarmCleared')[0]!.data).toMatchObject({ alarmId: 'ALM-R-1-VIBRATION_HIGH', readingId: 'R-5' });
    expect(ofType(events, 'TwinStatusChanged').map((e) => e.data.to)).toEqual(['ALARM', 'WARNING', 'OPERATIONAL']);
  });

  it('given an acknowledged zone C alarm, when zone D is reached, then the severity rises and the acknowledgement stays (no new alarm)', () => {
    const acknowledged = history(apply(V, vib(1, 3.5)), ack('ALM-R-1-VIBRATION_HIGH', m(1)));
    given(...acknowledged).when(apply(V, vib(2, 5))).then((events) => expect(types(events)).toEqual(['ReadingsApplied', 'TwinStatusChanged', 'AlarmSeverityChanged']));
    expect(fold([...acknowledged, ...decide(apply(V, vib(2, 5)), fold(acknowledged))]).alarms['VIBRATION_HIGH']).toMatchObject({ state: 'ACTIVE_ACKED', severity: 'HIGH' });
  });

  it('raises the vibration and the limit alarm apart: two causes, two alarms', () => {
    given()
      .when(apply(V, reading(1, { temperatureC: 85, vibrationMmS: 3.0 })))
      .then((events) => expect(ofType(events, 'AlarmRaised').map((e) => [e.data.cause, e.data.severity])).toEqual([['THRESHOLD_EXCEEDED', 'HIGH'], ['VIBRATION_HIGH', 'MEDIUM']]));
  });

  it('API 610: with a flexible foundation (B/C 4.5), a value above 3.0 mm/s warns', () => {
    const flexible = parseProfiles({ pump: { vibration: { machineGroup: 2, foundation: 'flexible', api610LimitMmS: 3.0 }, alarmPolicy: { reAlarmAfterSeconds: 0, staleAfterSeconds: 0 } } })['pump']!;
    given().when(apply(flexible, vib(1, 3.0))).then((events) => expect(types(events)).toEqual(['ReadingsApplied']));
    given()
      .when(apply(flexible, vib(1, 3.2)))
      .then((events) => expect(ofType(events, 'AlarmRaised')[0]!.data).toMatchObject({ severity: 'MEDIUM', conditions: [{ metric: 'vibrationMmS', value: 3.2, limit: 3, comparator: '>' }] }));
    const warned = history(apply(flexible, vib(1, 3.2)));
    given(...warned).when(apply(flexible, vib(2, 2.95))).then((events) => expect(types(events)).toEqual(['ReadingsApplied']));
    given(...warned).when(apply(flexible, vib(2, 2.9))).then((events) => expect(types(events)).toContain('AlarmCleared'));
  });

  it('status precedence: WARNING yields to SENSOR_FAULT, SENSOR_FAULT to ALARM', () => {
    const warned = history(apply(V, vib(1, 3.5)));
    const items = [1, 2, 3, 4, 5].map((k) => ({ readingId: `Q-${k}`, deviceId: 'D-1', receivedAt: m(1 + k), reasons: [{ rule: 'range' }] }));
    given(...warned)
      .when({ type: 'RecordQuarantine', data: { assetId: 'P-101', items, at: m(7), policy: DEFAULT_QUARANTINE_POLICY, profile: V } })
      .then((events) => expect(ofType(events, 'TwinStatusChanged').map((e) => e.data.to)).toEqual(['SENSOR_FAULT']));
    const hot = { active: true, severity: 'HIGH' as const, since: m(1), readingId: 'R-1', conditions: [], profile: 'p', pending: null };
    expect(statusFromConditions({ THRESHOLD_EXCEEDED: hot }, true)).toBe('ALARM');
    expect(statusFromConditions({ VIBRATION_HIGH: { ...hot, severity: 'MEDIUM' } }, true)).toBe('SENSOR_FAULT');
    expect(statusFromConditions({ VIBRATION_HIGH: { ...hot, severity: 'MEDIUM' }, NO_DATA: { ...hot, severity: 'MEDIUM' } }, false)).toBe('OFFLINE');
    expect(statusFromConditions({ VIBRATION_HIGH: { ...hot, severity: 'MEDIUM' } }, false)).toBe('WARNING');
    expect(statusFromConditions({ THRESHOLD_EXCEEDED: { ...hot, active: false, pending: { active: true, since: m(1), readingId: 'R-1' } } }, false)).toBe('OPERATIONAL');
  });
});

describe('alarm lifecycle: replay = live (property)', () => {
  const policyArb = fc.record({
    deadband: fc.record({ temperatureC: fc.constantFrom(0, 1, 3), vibrationMmS: fc.constantFrom(0, 0.1, 0.5) }),
    onDelaySeconds: fc.constantFrom(0, 60, 180),
    offDelaySeconds: fc.constantFrom(0, 60, 180),
    reAlarmAfterSeconds: fc.constantFrom(0, 120, 600),
    staleAfterSeconds: fc.constantFrom(0, 300, 900),
    maxShelveSeconds: fc.constant(3600),
  });
  const stepArb = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('reading' as const),
        gap: fc.integer({ min: 0, max: 10 }),
        temperatureC: fc.option(fc.integer({ min: 70, max: 90 }), { nil: undefined }),
        vibrationMmS: fc.option(fc.double({ min: 0, max: 8, noNaN: true }), { nil: undefined }),
        released: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
      }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('check' as const), gap: fc.integer({ min: 0, max: 30 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('ack' as const) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('shelve' as const), minutes: fc.integer({ min: 1, max: 60 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('service' as const), cause: fc.constantFrom('THRESHOLD_EXCEEDED', 'VIBRATION_HIGH', 'NO_DATA') }) },
  );

  it('folding the emitted events equals the working state, also from a JSON snapshot; the status follows the tracked conditions; batching changes no decision', () => {
    fc.assert(
      fc.property(policyArb, fc.array(stepArb, { minLength: 1, maxLength: 40 }), fc.nat(), (policy, steps, cut) => {
        const profile: ThresholdProfile = { ...pump, alarmPolicy: policy };
        let live = initialTwinState;
        const events: TwinEvent[] = [];
        const readings: TrustedReading[] = [];
        let minute = 0;
        let n = 0;
        for (const step of steps) {
          let command: TwinCommand | null = null;
          if (step.kind === 'reading') {
            minute += step.gap;
            const metrics: Record<string, number> = {};
            if (step.temperatureC !== undefined) metrics['temperatureC'] = step.temperatureC;
            if (step.vibrationMmS !== undefined) metrics['vibrationMmS'] = step.vibrationMmS;
            if (Object.keys(metrics).length === 0) metrics['temperatureC'] = 60;
            n += 1;
            const r = reading(n, metrics, { ts: m(minute), receivedAt: m(minute), ...(step.released ? { release: { by: 'admin', at: m(minute), note: '' } } : {}) });
            readings.push(r);
            command = apply(profile, r);
          } else if (step.kind === 'check') {
            minute += step.gap;
            command = check(m(minute), profile);
          } else if (step.kind === 'ack') {
            const open = Object.values(live.alarms).find((a) => a.state !== 'ACTIVE_ACKED');
            if (open) command = ack(open.alarmId, m(minute));
          } else if (step.kind === 'shelve') {
            const open = Object.values(live.alarms).find((a) => !Object.hasOwn(live.shelves, a.cause));
            if (open) command = shelve(open.alarmId, m(minute), m(minute + step.minutes), profile);
          } else if (live.assetId !== null) {
            command = Object.hasOwn(live.outOfService, step.cause) ? returnToService(step.cause, m(minute)) : removeFromService(step.cause, m(minute));
          }
          if (command === null) continue;
          for (const event of decide(command, live)) {
            events.push(event);
            live = evolve(live, event);
          }
          expect(live.status).toBe(statusFromConditions(live.alarmConditions, live.sensorFault !== null));
          for (const alarm of Object.values(live.alarms)) expect(Object.hasOwn(live.outOfService, alarm.cause)).toBe(false);
        }
        expect(fold(events)).toEqual(live);
        const k = events.length ? cut % events.length : 0;
        const snapshot = JSON.parse(JSON.stringify(fold(events.slice(0, k)))) as TwinState;
        expect(fold(events.slice(k), snapshot)).toEqual(live);
        // Readings alone: one batch decides what reading-by-reading decides.
        const oneByOne = history(...readings.map((r) => apply(profile, r)));
        const batch = history(apply(profile, ...readings));
        const changes = (list: TwinEvent[]) => list.filter((e) => e.type !== 'ReadingsApplied');
        expect(changes(batch)).toEqual(changes(oneByOne));
        expect(fold(batch)).toEqual(fold(oneByOne));
      }),
      { numRuns: 300 },
    );
  });
});

describe('the shelving window (shelveWindow: the rule decideShelve and the HTTP adapter share)', () => {
  const profile = parseProfiles({ pump: { alarmPolicy: { maxShelveSeconds: 600 } } })['pump']!;
  const at = '2024-01-01T00:00:00Z';
  it('given a shelve of exactly the maximum, then nothing is wrong with it', () => {
    expect(shelveWindow(at, '2024-01-01T00:10:00Z', profile)).toEqual({ seconds: 600, maxSeconds: 600, problem: null });
  });
  it('given a shelve a second longer than the maximum, then it is TOO_LONG', () => {
    expect(shelveWindow(at, '2024-01-01T00:10:01Z', profile)).toEqual({ seconds: 601, maxSeconds: 600, problem: 'TOO_LONG' });
  });
  it('given a shelve that ends when it starts (or before), then it is NOT_AFTER', () => {
    expect(shelveWindow(at, at, profile).problem).toBe('NOT_AFTER');
    expect(shelveWindow(at, '2023-12-31T23:59:59Z', profile).problem).toBe('NOT_AFTER');
  });
});
