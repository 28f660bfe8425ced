import type { TrustedReading, TwinEvent } from '@twinline/contracts';
import { twinEventSchemas } from '@twinline/contracts';
import { decide } from './twin.decide';
import { evolve } from './twin.evolve';
import { predictionSettingsOf, predictionSummaryOf } from './twin.predict';
import { DEFAULT_PROFILES, parseProfiles, type ThresholdProfile } from './twin.profiles';
import { initialTwinState, type TwinState } from './twin.state';
import { rulRandom } from './prediction/rul';

/*
 * The live twin's health index (prediction/health): the anomaly detector's score of every reading
 * after training → HI in [0, 1] → trend → RulEstimated (method 'health-index').
 * Scenario: a pump reporting pressure, vibration and flow every 3 minutes with Gaussian noise (a
 * seeded generator: the same numbers on every run). The detector trains on the first 24 h (default
 * training period); from DRIFT_START all three channels drift steadily (+0.1 psi/h, +0.002 mm/s/h,
 * −0.02 m³/h per hour), far below their alarm limits.
 */

const pump = DEFAULT_PROFILES['pump'] as ThresholdProfile;
const T0 = Date.parse('2024-01-01T00:00:00Z');
const iso = (h: number) => new Date(T0 + Math.round(h * 3_600_000)).toISOString().replace('.000Z', 'Z');
const STEP_H = 0.05;
const DRIFT_START = 30;

/** Standard normal numbers from a seeded generator (the domain's mulberry32, Box–Muller). */
function gaussian(seed: number): () => number {
  const uniform = rulRandom(seed).next;
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

interface Run {
  readonly state: TwinState;
  readonly history: TwinEvent[];
  /** Per reading: hour, detector score, the summary's HI, the RulEstimated it caused. */
  readonly steps: { h: number; score: number | null; hi: number | null; rul: Extract<TwinEvent, { type: 'RulEstimated' }>['data'] | null }[];
}

/**
 * Readings every 3 min for `hours`; noise on all three channels during training, and after it only
 * when `noisyAfterTraining` (the noise-free variant gives the drift's own score, the truth to check
 * against: same training, so the same detector model).
 */
function run(options: { seed: number; hours: number; drift: number; noisyAfterTraining?: boolean; profile?: ThresholdProfile; heatingFrom?: number }): Run {
  const g = gaussian(options.seed);
  const profile = options.profile ?? pump;
  let state = initialTwinState;
  const history: TwinEvent[] = [];
  const steps: Run['steps'] = [];
  for (let i = 0; i * STEP_H < options.hours; i++) {
    const h = i * STEP_H;
    const d = Math.max(0, h - DRIFT_START) * options.drift;
    const n = h < DRIFT_START || options.noisyAfterTraining !== false ? 1 : 0;
    const [a, b, c] = [g(), g(), g()];
    const metrics: Record<string, number> = { pressurePsi: 1000 + 5 * a * n + 0.1 * d, vibrationMmS: 2 + 0.1 * b * n + 0.002 * d, flowM3h: 100 + c * n - 0.02 * d };
    // A temperature rising 5 °C/h from 60 °C (not a channel of the detector, which trained without it): its trend nears 80 °C.
    if (options.heatingFrom !== undefined && h >= options.heatingFrom) metrics['temperatureC'] = 60 + 5 * (h - options.heatingFrom);
    const reading: TrustedReading = { readingId: `R-${i}`, deviceId: 'D-1', assetId: 'P-7', seq: i + 1, ts: iso(h), receivedAt: iso(h), metrics };
    const events = decide({ type: 'ApplyReadings', data: { assetId: 'P-7', readings: [reading], profile } }, state);
    for (const e of events) state = evolve(state, e);
    history.push(...events);
    const rul = events.find((e): e is Extract<TwinEvent, { type: 'RulEstimated' }> => e.type === 'RulEstimated');
    steps.push({ h, score: state.prediction.anomaly.score, hi: predictionSummaryOf(state, profile).healthIndex, rul: rul?.data ?? null });
  }
  return { state, history, steps };
}

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const hisBetween = (r: Run, from: number, to: number) => r.steps.filter((s) => s.h >= from && s.h < to && s.hi !== null).map((s) => s.hi!);

describe('health index → RUL in the live twin (RulEstimated, method health-index)', () => {
  const drifting = run({ seed: 7, hours: 100, drift: 1 });
  /** When the drift itself takes the detector's score to the failure score F = 20: the noise-free run's score reaches F − 1 (noise adds the training period's average score, 1). */
  const truth = run({ seed: 7, hours: 130, drift: 1, noisyAfterTraining: false }).steps.find((s) => s.h > DRIFT_START && s.score !== null && s.score >= 19)!.h;

  it('given 24 h of training on normal noise, when all channels then drift steadily, then HI falls from about 1 to near 0', () => {
    expect(truth).toBeCloseTo(97.65, 2);
    expect(mean(hisBetween(drifting, 25, 30))).toBeGreaterThan(0.9); // like the training period
    expect(mean(hisBetween(drifting, 60, 65))).toBeLessThan(0.9);
    expect(mean(hisBetween(drifting, 85, 90))).toBeLessThan(0.4);
    expect(mean(hisBetween(drifting, 85, 90))).toBeLessThan(mean(hisBetween(drifting, 60, 65)));
  });

  it('then RulEstimated comes with method health-index, the HI, the profile\'s cause and an interval around the RUL; the estimate in force at 80 h (17.65 h before the truth) contains it', () => {
    const estimates = drifting.steps.filter((s) => s.rul !== null).map((s) => s.rul!);
    expect(estimates.length).toBeGreaterThan(0);
    for (const e of estimates) {
      expect(e).toMatchObject({ method: 'health-index', cause: 'THRESHOLD_EXCEEDED' });
      expect(e.metric).toBeUndefined();
      expect(e.lowerHours!).toBeLessThanOrEqual(e.rulHours);
      expect(e.upperHours!).toBeGreaterThanOrEqual(e.rulHours);
      expect(e.healthIndex!).toBeGreaterThan(0);
      expect(e.healthIndex!).toBeLessThanOrEqual(1);
      expect(() => twinEventSchemas.RulEstimated.parse(e)).not.toThrow();
    }
    // none before the window of scores spans minSpanHours (12 h) after training
    expect((Date.parse(estimates[0]!.at) - T0) / 3_600_000).toBeGreaterThanOrEqual(24 + 12);
    const at = 80;
    const inForce = [...drifting.steps].reverse().find((s) => s.h <= at && s.rul !== null)!;
    const left = truth - inForce.h;
    expect(inForce.rul!.lowerHours!).toBeLessThanOrEqual(left);
    expect(inForce.rul!.upperHours!).toBeGreaterThanOrEqual(left);
    // Over the estimates once the 24 h window holds drift only (from 54 h), the share whose interval holds the truth (docs/prediction.md):
    const late = drifting.steps.filter((s) => s.h >= 54 && s.rul !== null);
    const covered = late.filter((s) => s.h + s.rul!.lowerHours! <= truth && truth <= s.h + s.rul!.upperHours!).length;
    expect(`${covered} of ${late.length}`).toBe('34 of 53');
  });

  it('given a health-index RUL in force, when a temperature trend nears 80 °C sooner, then the twin reports the nearer: RulEstimated method trend (a new method is a material change)', () => {
    const heating = run({ seed: 7, hours: 84, drift: 1, heatingFrom: 80 });
    const after = heating.steps.filter((s) => s.h >= 80 && s.rul !== null).map((s) => s.rul!);
    const firstTrend = after.findIndex((e) => e.method === 'trend');
    expect(firstTrend).toBeGreaterThanOrEqual(0);
    expect(after[firstTrend]).toMatchObject({ metric: 'temperatureC', cause: 'THRESHOLD_EXCEEDED' });
    expect(after[firstTrend]!.rulHours).toBeLessThan(after.slice(0, firstTrend).at(-1)?.rulHours ?? drifting.steps.filter((s) => s.h < 80 && s.rul !== null).at(-1)!.rul!.rulHours);
    expect(heating.state.prediction.rul).toMatchObject({ method: 'trend', metric: 'temperatureC' });
  });

  it('at most one RulEstimated per reading, and the event ids <readingId>:RulEstimated stay unique', () => {
    const ruls = drifting.history.filter((e) => e.type === 'RulEstimated');
    expect(new Set(ruls.map((e) => e.data.readingId)).size).toBe(ruls.length);
  });

  it('given a stable asset (noise only, three seeds), then HI stays about 1 and no health-index RUL is estimated', () => {
    for (const seed of [7, 11, 23]) {
      const stable = run({ seed, hours: 100, drift: 0 });
      expect(mean(hisBetween(stable, 25, 100))).toBeGreaterThan(0.9);
      expect(stable.history.filter((e) => e.type === 'RulEstimated')).toEqual([]);
    }
  });

  it('the state stays small: the health window is at most 48 buckets (≈ 2.4 KB of JSON), the whole twin under 13 KB', () => {
    expect(JSON.stringify(drifting.state.prediction.health).length).toBeLessThan(3_000);
    expect(JSON.stringify(drifting.state).length).toBeLessThan(13_000);
  });

  it('given healthIndex disabled for the class, then no health-index RUL and no HI in the summary', () => {
    const off = parseProfiles(JSON.stringify({ pump: { prediction: { healthIndex: false } } }))['pump']!;
    expect(predictionSettingsOf(off).healthIndex.enabled).toBe(false);
    const r = run({ seed: 7, hours: 100, drift: 1, profile: off });
    expect(r.history.filter((e) => e.type === 'RulEstimated')).toEqual([]);
    expect(predictionSummaryOf(r.state, off).healthIndex).toBeNull();
  });

  it('a bad healthIndex setting names its field', () => {
    expect(() => parseProfiles(JSON.stringify({ pump: { prediction: { healthIndex: { failureScore: 0.5 } } } }))).toThrow(/pump\.prediction\.healthIndex\.failureScore: failureScore must be > 1/);
    expect(() => parseProfiles(JSON.stringify({ pump: { prediction: { healthIndex: { failureLevel: 3 } } } }))).toThrow(/pump\.prediction\.healthIndex: unknown field "failureLevel"/);
  });

  it('a repair that resets the health index empties the window', () => {
    const events = decide({ type: 'RecordMaintenance', data: { assetId: 'P-7', workOrderId: 'WO-1', type: 'corrective', cause: 'THRESHOLD_EXCEEDED', completedAt: iso(100), failure: null, resets: ['health-index'] } }, drifting.state);
    const after = events.reduce(evolve, drifting.state);
    expect(after.prediction.health.points).toEqual([]);
    expect(predictionSummaryOf(after).healthIndex).toBeNull();
  });
});
