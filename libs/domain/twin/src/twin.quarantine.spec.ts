import type { TrustedReading, TwinEvent } from '@twinline/contracts';
import { specFor } from '@twinline/testing';
import * as fc from 'fast-check';
import { twinAt, occurredAtOf } from './twin.at';
import { DEFAULT_QUARANTINE_POLICY, type QuarantinedItemInput, type QuarantinePolicy, type TwinCommand } from './twin.commands';
import { decide } from './twin.decide';
import { twinDecider } from './twin.decider';
import { evolve } from './twin.evolve';
import { DEFAULT_PROFILES, exceededLimits, type ThresholdProfile } from './twin.profiles';
import { activeAlarmOf, initialTwinState, RECENT_IDS_KEPT, type TwinState } from './twin.state';
import { SENSOR_FAULT_LABEL } from './twin.status';
import { statusFromConditions } from './alarms/lifecycle';

const pump = DEFAULT_PROFILES['pump'] as ThresholdProfile;
const given = specFor(twinDecider);
const fold = (events: readonly TwinEvent[], from: TwinState = initialTwinState) => events.reduce(evolve, from);
const T0 = Date.parse('2024-01-01T00:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

function reading(seq: number, metrics: Record<string, number>, over: Partial<TrustedReading> = {}): TrustedReading {
  return { readingId: `R-${seq}`, deviceId: 'D-1', assetId: 'P-101', seq, ts: at(seq), receivedAt: at(seq), metrics, ...over };
}
const apply = (...readings: TrustedReading[]): TwinCommand => ({ type: 'ApplyReadings', data: { assetId: 'P-101', readings, profile: pump } });
const applied = (r: TrustedReading) => ({ readingId: r.readingId, deviceId: r.deviceId, seq: r.seq, ts: r.ts, metrics: r.metrics, receivedAt: r.receivedAt, ...(r.release ? { release: r.release } : {}) });

function item(id: string, rules: string[], minute: number, deviceId: string | null = 'D-1'): QuarantinedItemInput {
  return { readingId: id, deviceId, receivedAt: at(minute), reasons: rules.map((rule) => ({ rule })) };
}
const quarantine = (items: QuarantinedItemInput[], minute: number, policy: QuarantinePolicy = DEFAULT_QUARANTINE_POLICY): TwinCommand => ({
  type: 'RecordQuarantine',
  data: { assetId: 'P-101', items, at: at(minute), policy, profile: pump },
});
const recorded = (i: QuarantinedItemInput) => ({ readingId: i.readingId, deviceId: i.deviceId, receivedAt: i.receivedAt, rules: [...new Set(i.reasons.map((r) => r.rule))] });
/** n readings breaking `rules`, received at minutes from..from+n-1, ids Q-<from+k>. */
const bad = (n: number, from = 1, rules = ['range']) => Array.from({ length: n }, (_, k) => item(`Q-${from + k}`, rules, from + k));

/** Runs commands one after another against the growing history, as the service does. */
function run(commands: readonly TwinCommand[]): TwinEvent[] {
  const history: TwinEvent[] = [];
  for (const command of commands) history.push(...decide(command, fold(history)));
  return history;
}

describe('twin: quarantined readings', () => {
  it('given nothing, when readings are quarantined, then they are recorded with their distinct rules', () => {
    const items = [item('Q-1', ['range', 'range', 'rate'], 1), item('Q-2', ['json'], 2, null)];
    given()
      .when(quarantine(items, 2))
      .then([{ type: 'ReadingsQuarantined', data: { assetId: 'P-101', readings: [{ readingId: 'Q-1', deviceId: 'D-1', receivedAt: at(1), rules: ['range', 'rate'] }, recorded(items[1]!)] } }]);
    expect(fold(decide(quarantine(items, 2), initialTwinState))).toMatchObject({
      assetId: 'P-101',
      status: 'OPERATIONAL',
      readingsQuarantined: 2,
      violationsSinceApplied: 2,
      violationRulesSinceApplied: ['range', 'rate', 'json'],
      sensorFault: null,
    });
  });

  describe('redelivery', () => {
    it('given recorded readings, when the same message is redelivered, then nothing happens', () => {
      const history = decide(quarantine(bad(3), 3), initialTwinState);
      given(...history).when(quarantine(bad(3), 3)).then([]);
    });

    it('given a message overlapping recorded readings, then only the new ones are recorded', () => {
      const history = decide(quarantine(bad(3), 3), initialTwinState);
      given(...history).when(quarantine(bad(4), 4)).then([{ type: 'ReadingsQuarantined', data: { assetId: 'P-101', readings: [recorded(bad(4)[3]!)] } }]);
    });

    it(`recognises a redelivery after more than ${RECENT_IDS_KEPT} later readings, and still records new ones`, () => {
      const policy = { ...DEFAULT_QUARANTINE_POLICY, sensorFaultAfter: 1000 };
      const many = bad(RECENT_IDS_KEPT * 3);
      const history = run([quarantine(many.slice(0, 10), 10, policy), quarantine(many.slice(10), 96, policy)]);
      const state = fold(history);
      expect(state.recentQuarantined.ids).toHaveLength(RECENT_IDS_KEPT);
      expect(state.readingsQuarantined).toBe(many.length);
      given(...history).when(quarantine(many.slice(0, 10), 10, policy)).then([]);
      given(...history).when(quarantine(many, 96, policy)).then([]);
      const later = item('Q-new', ['range'], 200);
      given(...history).when(quarantine([later], 200, policy)).then([{ type: 'ReadingsQuarantined', data: { assetId: 'P-101', readings: [recorded(later)] } }]);
    });

    it('records a reading repeated inside one message once', () => {
      const q = item('Q-1', ['range'], 1);
      given().when(quarantine([q, q], 1)).then([{ type: 'ReadingsQuarantined', data: { assetId: 'P-101', readings: [recorded(q)] } }]);
    });
  });

  describe('sensor fault', () => {
    it('given four data violations, when the fifth arrives, then the fault opens and the twin shows SENSOR_FAULT', () => {
      const history = decide(quarantine(bad(4), 4), initialTwinState);
      const next = bad(2, 5, ['stuck']);
      given(...history)
        .when(quarantine(next, 6))
        .then([
          { type: 'ReadingsQuarantined', data: { assetId: 'P-101', readings: [recorded(next[0]!)] } },
          { type: 'SensorFaultDetected', data: { assetId: 'P-101', at: at(6), readingId: 'Q-5', violations: 5, rules: ['range', 'stuck'] } },
          { type: 'TwinStatusChanged', data: { assetId: 'P-101', from: 'OPERATIONAL', to: 'SENSOR_FAULT', label: SENSOR_FAULT_LABEL, at: at(6), readingId: 'Q-5', conditions: [], profile: 'pump' } },
          // The readings after the one that opened the fault start a new segment.
          { type: 'ReadingsQuarantined', data: { assetId: 'P-101', readings: [recorded(next[1]!)] } },
        ]);
      const state = fold([...history, ...decide(quarantine(next, 6), fold(history))]);
      expect(state).toMatchObject({ status: 'SENSOR_FAULT', label: SENSOR_FAULT_LABEL, sensorFault: { since: at(6), violations: 6, rules: ['range', 'stuck'] }, violationsSinceApplied: 6, readingsQuarantined: 6 });
    });

    it('opens the fault at the configured count', () => {
      given().when(quarantine(bad(2), 2, { ...DEFAULT_QUARANTINE_POLICY, sensorFaultAfter: 2 })).then((events) =>
        expect(events.map((e) => e.type)).toEqual(['ReadingsQuarantined', 'SensorFaultDetected', 'TwinStatusChanged']),
      );
      given().when(quarantine(bad(1), 1, { ...DEFAULT_QUARANTINE_POLICY, sensorFaultAfter: 1 })).then((events) => expect(events[1]).toMatchObject({ type: 'SensorFaultDetected', data: { violations: 1 } }));
    });

    it('counts neither duplicates nor readings that broke a security rule', () => {
      const items = [...bad(4), item('Q-dup', ['duplicate'], 5), item('Q-sig', ['signature', 'range'], 6), item('Q-dev', ['device'], 7)];
      const events = decide(quarantine(items, 7, { ...DEFAULT_QUARANTINE_POLICY, securityCooldownSeconds: 0 }), initialTwinState);
      expect(events.map((e) => e.type)).toEqual(['ReadingsQuarantined', 'SecurityViolationDetected']);
      expect(fold(events)).toMatchObject({ violationsSinceApplied: 4, sensorFault: null, status: 'OPERATIONAL', readingsQuarantined: 7 });
    });

    it('given violations, when a reading is applied, then the run starts over', () => {
      const history = run([quarantine(bad(4), 4), apply(reading(1, { temperatureC: 50 }, { receivedAt: at(5) }))]);
      expect(fold(history)).toMatchObject({ violationsSinceApplied: 0, violationRulesSinceApplied: [] });
      given(...history).when(quarantine(bad(4, 6), 9)).then((events) => expect(events.map((e) => e.type)).toEqual(['ReadingsQuarantined']));
    });

    it('records but does not count readings received before the last applied reading (processed late)', () => {
      const history = decide(apply(reading(1, { temperatureC: 50 }, { receivedAt: at(10) })), initialTwinState);
      const late = bad(7, 5); // received at minutes 5..11: only the one of minute 11 came after the applied reading
      given(...history).when(quarantine(late, 12)).then([{ type: 'ReadingsQuarantined', data: { assetId: 'P-101', readings: late.map(recorded) } }]);
      expect(fold([...history, ...decide(quarantine(late, 12), fold(history))])).toMatchObject({ readingsQuarantined: 7, violationsSinceApplied: 1, lastAppliedReceivedAt: at(10) });
    });

    it('given an open fault, when more violations arrive, then they are only recorded and counted in the fault', () => {
      const history = decide(quarantine(bad(5), 5), initialTwinState);
      const more = bad(2, 6, ['timestamp']);
      given(...history).when(quarantine(more, 7)).then([{ type: 'ReadingsQuarantined', data: { assetId: 'P-101', readings: more.map(recorded) } }]);
      expect(fold([...history, ...decide(quarantine(more, 7), fold(history))]).sensorFault).toEqual({ since: at(5), violations: 7, rules: ['range', 'timestamp'] });
    });

    it('given an active alarm, when the fault opens, then the twin stays in ALARM and records the fault', () => {
      const history = decide(apply(reading(1, { temperatureC: 90 })), initialTwinState);
      given(...history)
        .when(quarantine(bad(5, 2), 6))
        .then([
          { type: 'ReadingsQuarantined', data: { assetId: 'P-101', readings: bad(5, 2).map(recorded) } },
          { type: 'SensorFaultDetected', data: { assetId: 'P-101', at: at(6), readingId: 'Q-6', violations: 5, rules: ['range'] } },
        ]);
      const state = fold([...history, ...decide(quarantine(bad(5, 2), 6), fold(history))]);
      expect(state).toMatchObject({ status: 'ALARM', sensorFault: { since: at(6), violations: 5 } });
      expect(activeAlarmOf(state)).toMatchObject({ alarmId: 'ALM-R-1' });
    });

    describe('clearing', () => {
      const fault = decide(quarantine(bad(5, 10), 14), decide(apply(reading(1, { temperatureC: 50 })), initialTwinState).reduce(evolve, initialTwinState));
      const history = [...decide(apply(reading(1, { temperatureC: 50 })), initialTwinState), ...fault];

      it('given SENSOR_FAULT, when a reading within limits is applied, then the fault clears and the twin is operational', () => {
        const r = reading(2, { temperatureC: 55 }, { receivedAt: at(20) });
        given(...history)
          .when(apply(r))
          .then([
            { type: 'ReadingsApplied', data: { assetId: 'P-101', readings: [applied(r)] } },
            { type: 'SensorFaultCleared', data: { assetId: 'P-101', at: at(20), readingId: 'R-2' } },
            { type: 'TwinStatusChanged', data: { assetId: 'P-101', from: 'SENSOR_FAULT', to: 'OPERATIONAL', label: 'Operational', at: r.ts, readingId: 'R-2', conditions: [], profile: 'pump' } },
          ]);
      });

      it('given SENSOR_FAULT, when an exceeding reading is applied, then the fault clears and the twin enters ALARM', () => {
        const r = reading(2, { temperatureC: 85 }, { receivedAt: at(20) });
        given(...history)
          .when(apply(r))
          .then((events) => {
            expect(events.map((e) => e.type)).toEqual(['ReadingsApplied', 'SensorFaultCleared', 'TwinStatusChanged', 'AlarmRaised']);
            expect(events[2]).toMatchObject({ data: { from: 'SENSOR_FAULT', to: 'ALARM' } });
          });
      });

      it('given ALARM with a fault, when readings are applied, then the fault clears and the alarm follows the values', () => {
        const alarm = run([apply(reading(1, { temperatureC: 90 })), quarantine(bad(5, 2), 6)]);
        const still = reading(2, { temperatureC: 88 }, { receivedAt: at(20) });
        given(...alarm).when(apply(still)).then((events) => expect(events.map((e) => e.type)).toEqual(['ReadingsApplied', 'SensorFaultCleared']));
        const ok = reading(2, { temperatureC: 40 }, { receivedAt: at(20) });
        given(...alarm).when(apply(ok)).then((events) => expect(events.map((e) => e.type)).toEqual(['ReadingsApplied', 'SensorFaultCleared', 'TwinStatusChanged', 'AlarmCleared']));
      });

      it('clears the fault with the first applied reading; the rest follow in a new segment', () => {
        const late = reading(0, { temperatureC: 50 }, { deviceId: 'D-2', readingId: 'R-D2-0' });
        const r = reading(2, { temperatureC: 55 });
        given(...history).when(apply(late, r)).then((events) => {
          expect(events.map((e) => e.type)).toEqual(['ReadingsApplied', 'SensorFaultCleared', 'TwinStatusChanged', 'ReadingsApplied']);
          expect(events[1]).toMatchObject({ data: { readingId: 'R-D2-0' } });
          expect(events.flatMap((e) => (e.type === 'ReadingsApplied' ? [e.data.readings.map((x) => x.readingId)] : []))).toEqual([['R-D2-0'], ['R-2']]);
        });
      });
    });
  });

  describe('security violations', () => {
    const forged = [item('Q-1', ['signature'], 1, 'D-1'), item('Q-2', ['device'], 1, 'D-x'), item('Q-3', ['signature'], 1, 'D-1'), item('Q-4', ['asset'], 1, null)];

    it('given nothing, when readings break security rules, then one SecurityViolationDetected names rules, devices and count', () => {
      given()
        .when(quarantine(forged, 1))
        .then([
          { type: 'ReadingsQuarantined', data: { assetId: 'P-101', readings: forged.map(recorded) } },
          { type: 'SecurityViolationDetected', data: { assetId: 'P-101', at: at(1), readingId: 'Q-1', rules: ['signature', 'device', 'asset'], deviceIds: ['D-1', 'D-x'], count: 4 } },
        ]);
      expect(fold(decide(quarantine(forged, 1), initialTwinState))).toMatchObject({ lastSecurityViolation: { at: at(1), rules: ['signature', 'device', 'asset'], count: 4 }, violationsSinceApplied: 0, status: 'OPERATIONAL' });
    });

    it('raises at most one per cooldown (receipt time) and counts the ones in between', () => {
      const history = decide(quarantine(forged.slice(0, 1), 1), initialTwinState);
      const replay = [item('Q-9', ['replay'], 10)];
      // 9 minutes later: within the 15-minute cooldown.
      given(...history).when(quarantine(replay, 10)).then([{ type: 'ReadingsQuarantined', data: { assetId: 'P-101', readings: replay.map(recorded) } }]);
      const quiet = fold([...history, ...decide(quarantine(replay, 10), fold(history))]);
      expect(quiet.lastSecurityViolation).toEqual({ at: at(1), rules: ['signature', 'replay'], count: 2 });
      // Exactly 15 minutes after the last one: raised again.
      const again = [item('Q-16', ['replay'], 16)];
      given(...history).when(quarantine(again, 16)).then((events) => expect(events[1]).toMatchObject({ type: 'SecurityViolationDetected', data: { at: at(16), readingId: 'Q-16', rules: ['replay'], count: 1 } }));
      given(...history).when(quarantine(again, 16, { ...DEFAULT_QUARANTINE_POLICY, securityCooldownSeconds: 3600 })).then((events) => expect(events.map((e) => e.type)).toEqual(['ReadingsQuarantined']));
    });

    it('names at most 20 devices, and counts every reading', () => {
      const flood = Array.from({ length: 30 }, (_, k) => item(`F-${k}`, ['device'], 1, `FAKE-${k}`));
      given().when(quarantine(flood, 1)).then((events) => expect(events[1]).toMatchObject({ data: { count: 30, deviceIds: flood.slice(0, 20).map((i) => i.deviceId) } }));
    });

    it('raises nothing for data violations only', () => {
      given().when(quarantine(bad(3), 3)).then((events) => expect(events.map((e) => e.type)).toEqual(['ReadingsQuarantined']));
    });
  });

  describe('released readings', () => {
    const release = { by: 'admin@example.com', at: at(30), note: 'calibration spike, value confirmed on site' };
    const history = decide(apply(reading(5, { temperatureC: 50 })), initialTwinState);
    const released = reading(3, { temperatureC: 60 }, { readingId: 'R-q', release });

    it('given a later seq applied, when a released reading arrives, then it is applied once, keeping its release', () => {
      given(...history).when(apply(released)).then([{ type: 'ReadingsApplied', data: { assetId: 'P-101', readings: [applied(released)] } }]);
      const after = [...history, ...decide(apply(released), fold(history))];
      given(...after).when(apply(released)).then([]);
      given(...after).when(apply(released, released)).then([]);
      const state = fold(after);
      expect(state).toMatchObject({ readingsApplied: 2, lastSeqByDevice: { 'D-1': 5 } });
      // Its ts (3) is older than the held temperature's (5): the twin is not rolled back.
      expect(state.metrics['temperatureC']).toMatchObject({ value: 50, readingId: 'R-5' });
    });

    it('does not move the device seq: later readings of the device still apply', () => {
      const ahead = reading(100, { temperatureC: 60 }, { readingId: 'R-ahead', release });
      const after = run([apply(reading(5, { temperatureC: 50 })), apply(ahead)]);
      expect(fold(after).lastSeqByDevice).toEqual({ 'D-1': 5 });
      given(...after).when(apply(reading(6, { temperatureC: 51 }))).then((events) => expect(events).toHaveLength(1));
    });

    it('does not clear a sensor fault, but an alarm in its values still shows', () => {
      const fault = run([apply(reading(1, { temperatureC: 50 })), quarantine(bad(5, 10), 14)]);
      const calm = reading(2, { temperatureC: 55 }, { readingId: 'R-calm', release });
      given(...fault).when(apply(calm)).then((events) => expect(events.map((e) => e.type)).toEqual(['ReadingsApplied']));
      const hot = reading(2, { temperatureC: 95 }, { readingId: 'R-hot', release });
      given(...fault).when(apply(hot)).then((events) => {
        expect(events.map((e) => e.type)).toEqual(['ReadingsApplied', 'TwinStatusChanged', 'AlarmRaised']);
        expect(events[1]).toMatchObject({ data: { from: 'SENSOR_FAULT', to: 'ALARM' } });
      });
      expect(fold([...fault, ...decide(apply(hot), fold(fault))])).toMatchObject({ status: 'ALARM', sensorFault: { violations: 5 }, violationsSinceApplied: 5 });
    });
  });

  describe('broken rules', () => {
    it('given the twin of P-101, when a quarantine for another asset arrives, then TWIN.ASSET_MISMATCH', () => {
      const history = decide(apply(reading(1, { temperatureC: 45 })), initialTwinState);
      given(...history).when({ type: 'RecordQuarantine', data: { assetId: 'C-201', items: bad(1), at: at(1), policy: DEFAULT_QUARANTINE_POLICY, profile: pump } }).thenThrows('TWIN.ASSET_MISMATCH');
    });

    it.each([
      [{ sensorFaultAfter: 0, securityCooldownSeconds: 900 }],
      [{ sensorFaultAfter: 2.5, securityCooldownSeconds: 900 }],
      [{ sensorFaultAfter: 5, securityCooldownSeconds: -1 }],
    ])('rejects policy %j with TWIN.INVALID_POLICY', (policy) => {
      given().when(quarantine(bad(1), 1, policy)).thenThrows('TWIN.INVALID_POLICY');
    });

    it('rejects a time that is not a date-time with TWIN.INVALID_TIME, and an item without reasons with TWIN.INVALID_QUARANTINE', () => {
      given().when({ type: 'RecordQuarantine', data: { assetId: 'P-101', items: bad(1), at: 'yesterday', policy: DEFAULT_QUARANTINE_POLICY, profile: pump } }).thenThrows('TWIN.INVALID_TIME');
      given().when(quarantine([{ ...item('Q-1', [], 1) }], 1)).thenThrows('TWIN.INVALID_QUARANTINE');
    });
  });
});

describe('twin properties with quarantine and releases', () => {
  const RULES = ['range', 'stuck', 'duplicate', 'signature', 'replay', 'json'];
  const stepArb = fc.oneof(
    fc.record({
      kind: fc.constant('apply' as const),
      device: fc.constantFrom('D-1', 'D-2'),
      seqStep: fc.integer({ min: -1, max: 2 }),
      temperatureC: fc.integer({ min: 60, max: 100 }),
      released: fc.boolean(),
    }),
    fc.record({
      kind: fc.constant('quarantine' as const),
      items: fc.array(fc.record({ rules: fc.subarray(RULES, { minLength: 1 }), device: fc.constantFrom('D-1', 'D-2', null), lag: fc.integer({ min: 0, max: 3 }) }), { minLength: 1, maxLength: 4 }),
    }),
  );
  const policyArb = fc.record({ sensorFaultAfter: fc.integer({ min: 1, max: 4 }), securityCooldownSeconds: fc.constantFrom(0, 120, 900) });

  /** Commands from steps: each step a minute after the last; a redelivery of an earlier command now and then. */
  const commandsArb = fc.tuple(fc.array(stepArb, { minLength: 1, maxLength: 30 }), policyArb, fc.array(fc.nat(), { maxLength: 5 })).map(([steps, policy, redeliveries]) => {
    const seqs: Record<string, number> = { 'D-1': 0, 'D-2': 0 };
    const commands: TwinCommand[] = steps.map((step, i) => {
      if (step.kind === 'apply') {
        const seq = (seqs[step.device] = Math.max(0, (seqs[step.device] ?? 0) + step.seqStep));
        const r = reading(seq, { temperatureC: step.temperatureC }, { deviceId: step.device, readingId: `R-${i}`, ts: at(i), receivedAt: at(i), ...(step.released ? { release: { by: 'admin', at: at(i), note: '' } } : {}) });
        return apply(r);
      }
      return quarantine(step.items.map((it, k) => ({ readingId: `Q-${i}-${k}`, deviceId: it.device, receivedAt: at(i - it.lag), reasons: it.rules.map((rule) => ({ rule })) })), i, policy);
    });
    for (const n of redeliveries) commands.push(commands[n % commands.length]!);
    return commands;
  });

  it('replaying the stored events gives the live state, also from a JSON copy of a prefix (as twin_view keeps it)', () => {
    fc.assert(
      fc.property(commandsArb, fc.nat(), (commands, cut) => {
        let live = initialTwinState;
        const history: TwinEvent[] = [];
        for (const command of commands) {
          const events = decide(command, live);
          history.push(...events);
          live = events.reduce(evolve, live);
        }
        expect(fold(history)).toEqual(live);
        const k = history.length ? cut % history.length : 0;
        const prefix = JSON.parse(JSON.stringify(fold(history.slice(0, k)))) as TwinState;
        expect(fold(history.slice(k), prefix)).toEqual(live);
        const stored = history.map((e) => ({ ...e, occurredAt: occurredAtOf(e) }));
        expect(twinAt(stored, at(10_000))).toEqual(live);
      }),
    );
  });

  it('keeps the invariants: redelivery is a no-op, the status follows values and fault, one fault per run', () => {
    fc.assert(
      fc.property(commandsArb, (commands) => {
        const history = run(commands);
        const state = fold(history);
        for (const command of commands) expect(decide(command, state)).toEqual([]);
        // The status follows the tracked conditions (the pump's 1 °C deadband holds an alarm at 80 °C
        // after 81 °C, so an exceeded limit implies ALARM, not the converse), and an active alarm.
        expect(state.status).toBe(statusFromConditions(state.alarmConditions, state.sensorFault !== null));
        if (exceededLimits(state.metrics, pump).length) expect(state.status).toBe('ALARM');
        expect(activeAlarmOf(state) !== null).toBe(state.status === 'ALARM');
        const ids = new Set<string>();
        for (const e of history) {
          if (e.type === 'ReadingsQuarantined') for (const r of e.data.readings) ids.add(r.readingId);
        }
        expect(state.readingsQuarantined).toBe(ids.size);
        const detected = history.filter((e) => e.type === 'SensorFaultDetected').length;
        const cleared = history.filter((e) => e.type === 'SensorFaultCleared').length;
        expect(detected - cleared).toBe(state.sensorFault ? 1 : 0);
      }),
    );
  });
});
