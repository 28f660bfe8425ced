import type { FailureRecord } from './azure-pdm.load';
import { episodesOf, HOUR_MS, scorePredictions, type MachineRun } from './azure-pdm.score';

const T0 = Date.parse('2015-01-01T06:00:00Z');
const at = (hours: number) => T0 + hours * HOUR_MS;
const O = { horizonHours: 24, cooldownHours: 24 };

describe('azure-pdm scoring protocol', () => {
  // Machine 1: training hours 0..99 (test from hour 100 to hour 299).
  // Failures: hour 50 (in training: excluded), hour 110 (less than 24 h into the test: excluded),
  // hour 200 comp1, hour 260 comp2 and comp4 (one event, two records), hour 310 comp3 (after the
  // telemetry ends: not eligible for recall, but it makes a prediction at hour 300 a true positive).
  const failures: FailureRecord[] = [
    { tMs: at(50), machineId: 1, component: 'comp1' },
    { tMs: at(110), machineId: 1, component: 'comp2' },
    { tMs: at(200), machineId: 1, component: 'comp1' },
    { tMs: at(260), machineId: 1, component: 'comp2' },
    { tMs: at(260), machineId: 1, component: 'comp4' },
    { tMs: at(310), machineId: 1, component: 'comp3' },
    { tMs: at(200), machineId: 2, component: 'comp1' }, // another machine: never counts for machine 1
  ];
  // Predictions: 180 and 190 (one episode: 190 − 180 < 24 h cooldown; failure 200 in (180, 190 + 24] → TP),
  // 220 (episode; nothing in (220, 244] → FP), 230 (joins the 220 episode: 230 − 220 < 24; now (220, 254] → still FP),
  // 250 (episode, 250 − 220 ≥ 24; failure 260 in (250, 274] → TP), 290 (episode; 310 is not in (290, 314]? it is: 310 ≤ 314 → TP).
  const run: MachineRun = { machineId: 1, trainingStartMs: at(0), testStartMs: at(100), testEndMs: at(299), predictions: [180, 190, 220, 230, 250, 290].map((h) => ({ tMs: at(h), signal: 'volt high' })) };

  it('groups predictions into episodes by the cooldown from the episode start', () => {
    const episodes = episodesOf(1, run.predictions, failures, O);
    expect(episodes.map((e) => [(e.startMs - T0) / HOUR_MS, (e.lastMs - T0) / HOUR_MS, e.followedBy])).toEqual([
      [180, 190, ['comp1']],
      [220, 230, []],
      [250, 250, ['comp2', 'comp4']],
      [290, 290, ['comp3']],
    ]);
  });

  it('scores recall over eligible failure records and precision over episodes', () => {
    const s = scorePredictions([run], failures, O);
    // eligible: 200 comp1 (prediction 180 in [176, 200) → detected), 260 comp2, 260 comp4 (250 in [236, 260) → detected)
    // excluded: 50 (training), 110 (110 − 24 < 100); 310 is after testEnd + 1 h: neither
    expect(s.excludedFailures).toBe(2);
    expect(s.overall).toMatchObject({ failures: 3, detected: 3, recall: 1, episodes: 4, truePositiveEpisodes: 3, precision: 0.75 });
    expect(s.overall.f1).toBeCloseTo((2 * 0.75 * 1) / 1.75, 12);
    expect(s.failureEvents).toEqual({ total: 2, detected: 2 });
    // lead: 200 − 180 = 20 h; 260 − 250 = 10 h (twice) → sorted 10, 10, 20 → median 10
    expect(s.leadHours).toEqual({ median: 10, min: 10, max: 20 });
    expect(s.byComponent.comp1).toMatchObject({ failures: 1, detected: 1, truePositiveEpisodes: 1, precision: 0.25 });
    expect(s.byComponent.comp3).toMatchObject({ failures: 0, recall: null, truePositiveEpisodes: 1 });
    expect(s.mergedPredictions).toBe(2);
    // the 220 episode is false, but a failure (260) follows within 3 · 24 h of its start: an early warning
    expect(s.earlyFalsePositives).toBe(1);
  });

  it('computes the base rate over test hours: hours h with a failure in (h, h + 24]', () => {
    // test hours 100..299 = 200 hours. Followed by a failure within 24 h:
    // 110: h in [86, 110) ∩ [100, 299] = 100..109 → 10 hours; 200: h in 176..199 → 24; 260: 236..259 → 24;
    // 310: 286..299 → 14. Total 72 / 200 = 0.36. comp1 (200 only): 24 / 200 = 0.12.
    const s = scorePredictions([run], failures, O);
    expect(s.overall.baseRate).toBeCloseTo(72 / 200, 12);
    expect(s.byComponent.comp1.baseRate).toBeCloseTo(24 / 200, 12);
  });

  it('misses a failure whose only prediction is more than the horizon before it, and counts a prediction at the failure hour as too late', () => {
    const s = scorePredictions([{ ...run, predictions: [{ tMs: at(175), signal: 'x' }, { tMs: at(260), signal: 'x' }] }], failures, O);
    expect(s.overall).toMatchObject({ failures: 3, detected: 0, recall: 0 });
  });

  it('gives null ratios when nothing is predicted or nothing is eligible', () => {
    const s = scorePredictions([{ ...run, predictions: [] }], [], O);
    expect(s.overall).toMatchObject({ failures: 0, episodes: 0, recall: null, precision: null, f1: null, baseRate: 0 });
  });
});

describe('azure-pdm scoring diagnostics', () => {
  it('counts false-positive episodes followed by a scheduled (non-failure) replacement', () => {
    const t = (h: number) => Date.parse('2015-01-01T06:00:00Z') + h * HOUR_MS;
    const failures: FailureRecord[] = [{ tMs: t(200), machineId: 1, component: 'comp1' }];
    const run: MachineRun = { machineId: 1, trainingStartMs: t(0), testStartMs: t(100), testEndMs: t(299), predictions: [{ tMs: t(120), signal: 'x' }, { tMs: t(150), signal: 'x' }] };
    // maintenance at 130 (scheduled comp2: pre-empts the 120 episode) and at 200 (the failure's own replacement: not scheduled)
    const maintenance = [
      { tMs: t(130), machineId: 1, component: 'comp2' as const },
      { tMs: t(200), machineId: 1, component: 'comp1' as const },
    ];
    const s = scorePredictions([run], failures, { horizonHours: 24, cooldownHours: 24 }, maintenance);
    // episodes 120 (FP, scheduled replacement at 130 ≤ 144) and 150 (FP: 200 > 174; the 200 replacement is the failure's)
    expect(s.overall).toMatchObject({ episodes: 2, truePositiveEpisodes: 0 });
    expect(s.preemptedFalsePositives).toBe(1);
    // both are early: the failure at 200 is within 72 h of 150 (but not of 120: 200 − 120 = 80 > 72)
    expect(s.earlyFalsePositives).toBe(1);
  });
});
