import type { TrustedReading, TwinEvent } from '@twinline/contracts';
import { specFor } from '@twinline/testing';
import * as fc from 'fast-check';
import { decide } from './twin.decide';
import { twinDecider } from './twin.decider';
import { evolve } from './twin.evolve';
import { DEFAULT_PROFILES, type ThresholdProfile } from './twin.profiles';
import { activeAlarmOf, initialTwinState, type TwinState } from './twin.state';
import { occurredAtOf, twinAt } from './twin.at';

const pump = DEFAULT_PROFILES['pump'] as ThresholdProfile;
const given = specFor(twinDecider);

const hour = (h: number) => new Date(Date.UTC(2024, 0, 1, h)).toISOString().replace('.000Z', 'Z');

function reading(seq: number, metrics: Record<string, number>, over: Partial<TrustedReading> = {}): TrustedReading {
  return { readingId: `R-${seq}`, deviceId: 'D-1', assetId: 'P-101', seq, ts: hour(seq), receivedAt: hour(seq), metrics, ...over };
}
const apply = (...readings: TrustedReading[]) => ({ type: 'ApplyReadings' as const, data: { assetId: 'P-101', readings, profile: pump } });
const applied = (r: TrustedReading) => ({ readingId: r.readingId, deviceId: r.deviceId, seq: r.seq, ts: r.ts, metrics: r.metrics, receivedAt: r.receivedAt });
const fold = (events: readonly TwinEvent[], from: TwinState = initialTwinState) => events.reduce(evolve, from);

/** The source study's table for pump P-101: ten hourly readings from 2024-01-01T00:00:00Z. */
const PRESSURE = [1100, 1150, 1200, 1550, 1600, 1100, 1050, 1800, 1900, 1200];
const TEMPERATURE = [45, 48, 50, 82, 85, 46, 44, 95, 98, 50];
const VIBRATION = [2.1, 2.3, 2.5, 5.8, 6.2, 2.2, 2.0, 8.5, 9.1, 2.4];
const P101 = PRESSURE.map((p, i) => reading(i, { temperatureC: TEMPERATURE[i]!, pressurePsi: p, vibrationMmS: VIBRATION[i]! }));
const OK = 'Operational';
const ALARM = 'ALARM: Predictive Maintenance Required';
const EXPECTED_LABELS = [OK, OK, OK, ALARM, ALARM, OK, OK, ALARM, ALARM, OK];

/** Runs commands one after another against the growing history, as the service does. */
function run(commands: ReturnType<typeof apply>[]): TwinEvent[] {
  const history: TwinEvent[] = [];
  for (const command of commands) history.push(...decide(command, fold(history)));
  return history;
}
const stored = (events: TwinEvent[]) => events.map((e) => ({ ...e, occurredAt: occurredAtOf(e) }));

describe('twin decider: the source study P-101 table', () => {
  const ways = {
    'one reading per command': () => run(P101.map((r) => apply(r))),
    'all ten readings in one command': () => run([apply(...P101)]),
  };

  for (const [way, history] of Object.entries(ways)) {
    describe(way, () => {
      const events = history();

      it('gives Operational x3, ALARM x2, Operational x2, ALARM x2, Operational at each row via twinAt', () => {
        const labels = P101.map((r) => twinAt(stored(events), r.ts).label);
        expect(labels).toEqual(EXPECTED_LABELS);
        const statuses = P101.map((r) => twinAt(stored(events), r.ts).status);
        expect(statuses).toEqual(EXPECTED_LABELS.map((l) => (l === OK ? 'OPERATIONAL' : 'ALARM')));
      });

      // Since the ISA-18.2 lifecycle the pump profile also judges vibration (ISO 10816-3 group 2
      // rigid: zone D from 4.5 mm/s): the alarm rows (5.8, 6.2, 8.5, 9.1 mm/s) raise a second alarm,
      // VIBRATION_HIGH, per episode. The limit alarms are the study's two, as before.
      it('raises exactly two limit alarms and two vibration alarms, and clears all four', () => {
        const raised = events.filter((e) => e.type === 'AlarmRaised');
        const cleared = events.filter((e) => e.type === 'AlarmCleared');
        expect(raised.filter((e) => e.data.cause === 'THRESHOLD_EXCEEDED').map((e) => e.data.alarmId)).toEqual(['ALM-R-3', 'ALM-R-7']);
        expect(raised.filter((e) => e.data.cause === 'VIBRATION_HIGH').map((e) => e.data.alarmId)).toEqual(['ALM-R-3-VIBRATION_HIGH', 'ALM-R-7-VIBRATION_HIGH']);
        expect(raised.filter((e) => e.data.cause === 'VIBRATION_HIGH').map((e) => e.data.severity)).toEqual(['HIGH', 'HIGH']);
        expect(cleared.map((e) => e.data.alarmId)).toEqual(['ALM-R-3', 'ALM-R-3-VIBRATION_HIGH', 'ALM-R-7', 'ALM-R-7-VIBRATION_HIGH']);
        expect(raised[0]!.data).toMatchObject({
          cause: 'THRESHOLD_EXCEEDED',
          severity: 'HIGH',
          message: 'Temperature 82 °C > 80 °C; pressure 1550 psi > 1500 psi',
          raisedAt: '2024-01-01T03:00:00Z',
          profile: 'pump',
        });
      });

      it('applies every reading once and ends operational with no active alarm', () => {
        const state = fold(events);
        // The alarms returned unacknowledged: RETURNED_UNACKED until an operator acknowledges them.
        expect(Object.values(state.alarms).map((a) => a.state)).toEqual(['RETURNED_UNACKED', 'RETURNED_UNACKED']);
        expect(activeAlarmOf(state)).toBeNull();
        expect(state).toMatchObject({ assetId: 'P-101', status: 'OPERATIONAL', label: OK, alarmsRaised: 4, readingsApplied: 10, lastSeqByDevice: { 'D-1': 9 }, lastReadingTs: hour(9), profile: 'pump' });
        expect(state.metrics['vibrationMmS']).toEqual({ value: 2.4, ts: hour(9), readingId: 'R-9' });
      });
    });
  }

  it('emits segments closed by the reading that changes the status, then the change and the alarm', () => {
    given().when(apply(...P101)).then((events) => {
      expect(events.map((e) => e.type)).toEqual([
        'ReadingsApplied', 'TwinStatusChanged', 'AlarmRaised', 'AlarmRaised', // rows 0-3 (limits, vibration)
        'ReadingsApplied', 'TwinStatusChanged', 'AlarmCleared', 'AlarmCleared', // rows 4-5
        'ReadingsApplied', 'TwinStatusChanged', 'AlarmRaised', 'AlarmRaised', // rows 6-7
        'ReadingsApplied', 'TwinStatusChanged', 'AlarmCleared', 'AlarmCleared', // rows 8-9
      ]);
      const segments = events.flatMap((e) => (e.type === 'ReadingsApplied' ? [e.data.readings.map((r) => r.seq)] : []));
      expect(segments).toEqual([[0, 1, 2, 3], [4, 5], [6, 7], [8, 9]]);
    });
  });
});

describe('twin decider', () => {
  it('given nothing, when a reading within limits arrives, then it is applied without a status change', () => {
    const r = reading(1, { temperatureC: 45, pressurePsi: 1100 });
    given().when(apply(r)).then([{ type: 'ReadingsApplied', data: { assetId: 'P-101', readings: [applied(r)] } }]);
  });

  it('given nothing, when a reading exceeds a limit, then the twin enters ALARM and raises one alarm', () => {
    const r = reading(1, { temperatureC: 82, pressurePsi: 1100 });
    const conditions = [{ metric: 'temperatureC', value: 82, limit: 80, comparator: '>' as const }];
    given()
      .when(apply(r))
      .then([
        { type: 'ReadingsApplied', data: { assetId: 'P-101', readings: [applied(r)] } },
        { type: 'TwinStatusChanged', data: { assetId: 'P-101', from: 'OPERATIONAL', to: 'ALARM', label: ALARM, at: r.ts, readingId: 'R-1', conditions, profile: 'pump' } },
        {
          type: 'AlarmRaised',
          data: { assetId: 'P-101', alarmId: 'ALM-R-1', cause: 'THRESHOLD_EXCEEDED', severity: 'HIGH', message: 'Temperature 82 °C > 80 °C', raisedAt: r.ts, readingId: 'R-1', conditions, profile: 'pump' },
        },
      ]);
  });

  it('given an active alarm, when more exceeding readings arrive, then they are only applied (one alarm per episode)', () => {
    const history = decide(apply(reading(1, { temperatureC: 82 })), initialTwinState);
    const more = [reading(2, { temperatureC: 90 }), reading(3, { pressurePsi: 1600 })];
    given(...history).when(apply(...more)).then([{ type: 'ReadingsApplied', data: { assetId: 'P-101', readings: more.map(applied) } }]);
  });

  it('given an active alarm, when values return within limits, then the twin is operational and the alarm cleared', () => {
    const history = decide(apply(reading(1, { temperatureC: 82 })), initialTwinState);
    const r = reading(2, { temperatureC: 60 });
    given(...history)
      .when(apply(r))
      .then([
        { type: 'ReadingsApplied', data: { assetId: 'P-101', readings: [applied(r)] } },
        { type: 'TwinStatusChanged', data: { assetId: 'P-101', from: 'ALARM', to: 'OPERATIONAL', label: OK, at: r.ts, readingId: 'R-2', conditions: [], profile: 'pump' } },
        { type: 'AlarmCleared', data: { assetId: 'P-101', alarmId: 'ALM-R-1', cause: 'THRESHOLD_EXCEEDED', at: r.ts, readingId: 'R-2' } },
      ]);
  });

  describe('redelivery', () => {
    const history = decide(apply(...P101.slice(0, 5)), initialTwinState);

    it('given applied readings, when the same command is redelivered, then nothing happens', () => {
      given(...history).when(apply(...P101.slice(0, 5))).then([]);
    });

    it('given applied readings, when a batch overlaps them, then only the new readings are applied', () => {
      given(...history)
        .when(apply(...P101.slice(3, 6)))
        .then((events) => {
          expect(events.filter((e) => e.type === 'ReadingsApplied').flatMap((e) => (e.type === 'ReadingsApplied' ? e.data.readings.map((r) => r.seq) : []))).toEqual([5]);
          expect(events.map((e) => e.type)).toEqual(['ReadingsApplied', 'TwinStatusChanged', 'AlarmCleared', 'AlarmCleared']);
        });
    });

    it('given nothing, when one command repeats a reading, then it is applied once', () => {
      const r = reading(1, { temperatureC: 45 });
      given().when(apply(r, r, reading(0, { temperatureC: 99 }, { readingId: 'R-older' }))).then([{ type: 'ReadingsApplied', data: { assetId: 'P-101', readings: [applied(r)] } }]);
    });

    it('keeps sequences per device: the same seq from another device is new', () => {
      const history = decide(apply(reading(1, { temperatureC: 45 })), initialTwinState);
      const other = reading(1, { pressurePsi: 1100 }, { deviceId: 'D-2', readingId: 'R-D2-1' });
      given(...history).when(apply(other)).then([{ type: 'ReadingsApplied', data: { assetId: 'P-101', readings: [applied(other)] } }]);
    });

    it('given a device named like an inherited member ("constructor"), when its reading is redelivered, then nothing happens', () => {
      const r = reading(1, { temperatureC: 45 }, { deviceId: 'constructor', readingId: 'R-C-1' });
      given(...decide(apply(r), initialTwinState)).when(apply(r)).then([]);
    });
  });

  describe('partial metrics', () => {
    it('given a high temperature, when a reading carries only pressure, then the held temperature keeps the twin in ALARM', () => {
      const history = decide(apply(reading(1, { temperatureC: 82, pressurePsi: 1100 })), initialTwinState);
      const r = reading(2, { pressurePsi: 1000 });
      given(...history).when(apply(r)).then([{ type: 'ReadingsApplied', data: { assetId: 'P-101', readings: [applied(r)] } }]);
    });

    it('given a high temperature, when pressure exceeds too and then temperature drops, then the status holds on pressure', () => {
      const history = decide(apply(reading(1, { temperatureC: 82 }), reading(2, { pressurePsi: 1600 })), initialTwinState);
      given(...history).when(apply(reading(3, { temperatureC: 40 }))).then((events) => expect(events.map((e) => e.type)).toEqual(['ReadingsApplied']));
      const state = fold([...history, ...decide(apply(reading(3, { temperatureC: 40 })), fold(history))]);
      expect(state.status).toBe('ALARM');
      expect(state.metrics).toMatchObject({ temperatureC: { value: 40 }, pressurePsi: { value: 1600 } });
    });

    it('stores unknown metrics but only limited metrics decide the status', () => {
      // Vibration is limited for pumps now (ISO 10816-3), so the unknown metric alone stays unjudged.
      const r = reading(1, { temperatureC: 45, flowLMin: 99999, vibrationMmS: 1.0 });
      given().when(apply(r)).then([{ type: 'ReadingsApplied', data: { assetId: 'P-101', readings: [applied(r)] } }]);
      expect(fold(decide(apply(r), initialTwinState)).metrics['flowLMin']).toEqual({ value: 99999, ts: r.ts, readingId: 'R-1' });
    });

    it('does not roll a metric back to a late reading of an earlier source time', () => {
      const history = decide(apply(reading(5, { temperatureC: 50 })), initialTwinState);
      const late = reading(1, { temperatureC: 95, pressurePsi: 1200 }, { deviceId: 'D-2', readingId: 'R-late' });
      given(...history).when(apply(late)).then([{ type: 'ReadingsApplied', data: { assetId: 'P-101', readings: [applied(late)] } }]);
      const state = fold([...history, ...decide(apply(late), fold(history))]);
      expect(state.metrics['temperatureC']).toEqual({ value: 50, ts: hour(5), readingId: 'R-5' });
      expect(state.metrics['pressurePsi']).toEqual({ value: 1200, ts: hour(1), readingId: 'R-late' });
      expect(state.lastReadingTs).toBe(hour(5));
    });
  });

  describe('boundaries (strictly above the limit alarms)', () => {
    it.each([
      [{ temperatureC: 80, pressurePsi: 1500 }, 'OPERATIONAL'],
      [{ temperatureC: 80.01 }, 'ALARM'],
      [{ pressurePsi: 1500.5 }, 'ALARM'],
      [{ temperatureC: -300, pressurePsi: -5 }, 'OPERATIONAL'],
    ])('%j → %s', (metrics, status) => {
      expect(fold(decide(apply(reading(1, metrics)), initialTwinState)).status).toBe(status);
    });

    it('alarms below a min limit with comparator "<"', () => {
      const profile: ThresholdProfile = { ...pump, name: 'low-pressure', limits: { pressurePsi: { min: 100 } } };
      const events = decide({ type: 'ApplyReadings', data: { assetId: 'P-101', readings: [reading(1, { pressurePsi: 50 })], profile } }, initialTwinState);
      const raised = events.find((e) => e.type === 'AlarmRaised');
      expect(raised?.data).toMatchObject({ conditions: [{ metric: 'pressurePsi', value: 50, limit: 100, comparator: '<' }], message: 'Pressure 50 psi < 100 psi', profile: 'low-pressure' });
    });
  });

  describe('broken rules', () => {
    it('given nothing, when a reading names another asset, then TWIN.ASSET_MISMATCH', () => {
      given().when(apply(reading(1, { temperatureC: 45 }, { assetId: 'C-201' }))).thenThrows('TWIN.ASSET_MISMATCH');
    });

    it('given the twin of P-101, when a command for another asset arrives, then TWIN.ASSET_MISMATCH', () => {
      const history = decide(apply(reading(1, { temperatureC: 45 })), initialTwinState);
      const other = reading(2, { temperatureC: 45 }, { assetId: 'C-201' });
      given(...history).when({ type: 'ApplyReadings', data: { assetId: 'C-201', readings: [other], profile: pump } }).thenThrows('TWIN.ASSET_MISMATCH');
    });
  });

  it('given nothing, when a command holds no readings, then nothing happens', () => {
    given().when(apply()).then([]);
  });
});

describe('twin decider properties', () => {
  const readingsArb = fc
    .array(
      fc.record({
        device: fc.constantFrom('D-1', 'D-2'),
        seqStep: fc.integer({ min: -1, max: 2 }),
        temperatureC: fc.option(fc.integer({ min: 60, max: 100 }), { nil: undefined }),
        pressurePsi: fc.option(fc.integer({ min: 1400, max: 1600 }), { nil: undefined }),
        vibrationMmS: fc.option(fc.double({ min: 0, max: 10, noNaN: true }), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 40 },
    )
    .map((rows) => {
      const seqs: Record<string, number> = { 'D-1': 0, 'D-2': 0 };
      return rows.map((row, i) => {
        const seq = (seqs[row.device] = Math.max(0, (seqs[row.device] ?? 0) + row.seqStep));
        const metrics: Record<string, number> = {};
        for (const m of ['temperatureC', 'pressurePsi', 'vibrationMmS'] as const) if (row[m] !== undefined) metrics[m] = row[m];
        if (Object.keys(metrics).length === 0) metrics['temperatureC'] = 50;
        return reading(seq, metrics, { deviceId: row.device, readingId: `R-${i}`, ts: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString() });
      });
    });

  it('applying readings in one batch equals applying them one by one', () => {
    fc.assert(
      fc.property(readingsArb, fc.integer({ min: 1, max: 5 }), (readings, chunk) => {
        const oneByOne = run(readings.map((r) => apply(r)));
        const inChunks = run(Array.from({ length: Math.ceil(readings.length / chunk) }, (_, i) => apply(...readings.slice(i * chunk, (i + 1) * chunk))));
        const batch = run([apply(...readings)]);
        expect(fold(batch)).toEqual(fold(oneByOne));
        expect(fold(inChunks)).toEqual(fold(oneByOne));
        const changes = (events: TwinEvent[]) => events.filter((e) => e.type !== 'ReadingsApplied');
        expect(changes(batch)).toEqual(changes(oneByOne));
      }),
    );
  });

  it('redelivering any command after the whole history is a no-op', () => {
    fc.assert(
      fc.property(readingsArb, (readings) => {
        const history = run([apply(...readings)]);
        expect(decide(apply(...readings), fold(history))).toEqual([]);
      }),
    );
  });

  it('twinAt at the last event time equals the full fold', () => {
    fc.assert(
      fc.property(readingsArb, (readings) => {
        const history = run(readings.map((r) => apply(r)));
        const last = readings[readings.length - 1]!.ts;
        expect(twinAt(stored(history), last)).toEqual(fold(history));
      }),
    );
  });
});
