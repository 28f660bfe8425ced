import type { MachineHour } from './azure-pdm.load';
import { anomalyPredictor, cleanStretches, everyDayPredictor, repeater, trendPredictor } from './azure-pdm.predictors';
import { HOUR_MS } from './azure-pdm.score';

const T0 = Date.parse('2015-01-01T06:00:00Z');
const at = (h: number) => T0 + h * HOUR_MS;

/** Deterministic "noise": a fixed pattern of small offsets (no randomness in tests either). */
const wiggle = (i: number) => [0.8, -0.5, 0.3, -0.9, 0.6, -0.2, 0.1, -0.4, 0.7, -0.6][i % 10]!;
function hours(from: number, to: number, volt: (h: number) => number = () => 170): MachineHour[] {
  const rows: MachineHour[] = [];
  for (let h = from; h < to; h++) rows.push({ tMs: at(h), volt: volt(h) + 2 * wiggle(h), rotate: 450 + 5 * wiggle(h + 3), pressure: 100 + 2 * wiggle(h + 5), vibration: 40 + wiggle(h + 7) });
  return rows;
}

describe('azure-pdm predictors', () => {
  it('repeater: one prediction when a warning starts, again every horizon while it stands, none after it ends', () => {
    const r = repeater(24);
    const on = () => 'volt high';
    for (let h = 0; h < 60; h++) r.observe(at(h), h >= 10 && h < 50 ? on : null);
    r.observe(at(70), on);
    // starts at 10, repeated at 34 (24 h later), ends at 50; starts again at 70
    expect(r.predictions.map((p) => (p.tMs - T0) / HOUR_MS)).toEqual([10, 34, 70]);
  });

  it('cleanStretches: leaves out the hours around a training failure and splits there', () => {
    const rows = hours(0, 10);
    const stretches = cleanStretches(rows, [{ tMs: at(5), machineId: 1, component: 'comp1' }], 2);
    // left out: [5 − 2, 5 + 2) = hours 3, 4, 5, 6
    expect(stretches.map((s) => s.map((r) => (r.tMs - T0) / HOUR_MS))).toEqual([
      [0, 1, 2],
      [7, 8, 9],
    ]);
  });

  it('every-day baseline: one prediction per 24 h from the first test hour', () => {
    const p = everyDayPredictor().predict({ training: [], trainingFailures: [], test: hours(0, 72), horizonHours: 24 });
    expect(p.map((x) => (x.tMs - T0) / HOUR_MS)).toEqual([0, 24, 48]);
  });

  // 14 days of steady training, then volt steps up by 30 (many σ) from hour 400 to hour 430.
  const training = hours(0, 336);
  const test = hours(336, 500, (h) => (h >= 400 && h < 430 ? 200 : 170));

  it('anomaly predictor (the twin detector): predicts after the volt step, names volt, nothing before it', () => {
    const p = anomalyPredictor({ windowSamples: 12, raiseAbove: 12, raiseAfter: 3 }).predict({ training, trainingFailures: [], test, horizonHours: 24 });
    expect(p.length).toBeGreaterThan(0);
    expect((p[0]!.tMs - T0) / HOUR_MS).toBeGreaterThanOrEqual(400);
    expect((p[0]!.tMs - T0) / HOUR_MS).toBeLessThan(412);
    expect(p[0]!.signal).toBe('volt high');
  });

  it('trend predictor: predicts after the volt step, nothing before it', () => {
    const p = trendPredictor(10, { bucketSeconds: 0, maxPoints: 48, maxAgeSeconds: 48 * 3600 }, 12).predict({ training, trainingFailures: [], test, horizonHours: 24 });
    expect(p.length).toBeGreaterThan(0);
    expect((p[0]!.tMs - T0) / HOUR_MS).toBeGreaterThanOrEqual(400);
    expect(p[0]!.signal).toMatch(/^volt high/);
  });
});
