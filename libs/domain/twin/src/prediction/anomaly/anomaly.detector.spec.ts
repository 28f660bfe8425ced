import {
  anomalyOptions,
  canFitAnomaly,
  DEFAULT_ANOMALY_OPTIONS,
  detectAnomaly,
  featuresOf,
  fitAnomaly,
  fitAnomalyModel,
  initialAnomalyState,
  pushWindows,
  startAnomalyTraining,
  trainAnomaly,
  type AnomalyChannel,
  type AnomalyDetectorState,
  type AnomalyModel,
  type AnomalyRow,
  type AnomalyStep,
} from './index';

// Hand-made normal behaviour: a flow around 32 L/min and a pressure around 1 bar, wobbling with
// bounded deterministic "noise" (two incommensurate sines), and a temperature drifting up slowly.
const normal = (i: number): { flow: number; pressure: number; temperature: number } => ({
  flow: 32 + 0.4 * Math.sin(i * 1.7) + 0.2 * Math.sin(i * 0.31),
  pressure: 1 + 0.05 * Math.sin(i * 2.3 + 1) + 0.02 * Math.sin(i * 0.17),
  temperature: 70 + 0.01 * i + 0.05 * Math.sin(i * 0.9),
});
const CHANNELS: AnomalyChannel[] = [{ name: 'flow' }, { name: 'pressure' }, { name: 'temperature', feature: 'rate' }];
const rows = (from: number, to: number, f: (i: number) => AnomalyRow = normal) => Array.from({ length: to - from }, (_, k) => f(from + k));

function stream(model: AnomalyModel, state: AnomalyDetectorState, input: readonly AnomalyRow[]): { state: AnomalyDetectorState; steps: AnomalyStep[] } {
  const steps: AnomalyStep[] = [];
  let s = state;
  for (const r of input) {
    const step = detectAnomaly(model, s, r);
    steps.push(step);
    s = step.state;
  }
  return { state: s, steps };
}

describe('anomaly detector', () => {
  const fitted = fitAnomalyModel(CHANNELS, rows(0, 400));

  describe('fit', () => {
    it('given a window of 3 level readings and a rate over 2, when features are read, then they are the rolling mean and the slope', () => {
      const o = anomalyOptions({ windowSamples: 3, rateSamples: 2 });
      const channels: AnomalyChannel[] = [{ name: 'a' }, { name: 'b', feature: 'rate' }];
      let w = { history: [[], []] as number[][] };
      w = pushWindows(w, channels, o, { a: 1, b: 10 }) as typeof w;
      w = pushWindows(w, channels, o, { a: 2, b: 13 }) as typeof w;
      expect(featuresOf(w, channels, o)).toBeNull();
      w = pushWindows(w, channels, o, { a: 6, b: 20 }) as typeof w;
      expect(featuresOf(w, channels, o)).toEqual([3, 5]); // (1+2+6)/3, (20−10)/2
      w = pushWindows(w, channels, o, { a: 9, b: 21 }) as typeof w;
      expect(featuresOf(w, channels, o)).toEqual([17 / 3, 4]); // (2+6+9)/3, (21−13)/2
    });

    it('given features [1,2], [3,6], [5,4], when trained online, then mean and covariance are those of the batch', () => {
      const channels: AnomalyChannel[] = [{ name: 'x' }, { name: 'y' }];
      const training = [
        { x: 1, y: 2 },
        { x: 3, y: 6 },
        { x: 5, y: 4 },
      ].reduce(trainAnomaly, startAnomalyTraining(channels, { windowSamples: 1, minTrainingSamples: 3, shrinkage: 0 }));
      expect(training.count).toBe(3);
      expect(training.mean).toEqual([3, 4]);
      // Σ(x−3)² = 8, Σ(y−4)² = 8, Σ(x−3)(y−4) = 4 → covariance [[4, 2], [2, 4]] → inverse [[1/3, −1/6], [−1/6, 1/3]].
      expect(training.comoment).toEqual([
        [8, 4],
        [4, 8],
      ]);
      const { model } = fitAnomaly(training);
      expect(model.precision[0]![0]).toBeCloseTo(1 / 3, 12);
      expect(model.precision[0]![1]).toBeCloseTo(-1 / 6, 12);
      // Shrinkage λ = 1 keeps only the variances: inverse diag(1/4, 1/4).
      const diagonal = fitAnomaly({ ...training, options: anomalyOptions({ windowSamples: 1, minTrainingSamples: 3, shrinkage: 1 }) }).model;
      expect(diagonal.precision).toEqual([
        [0.25, 0],
        [0, 0.25],
      ]);
    });

    it('given too few training rows, when fitted, then it refuses with the number needed', () => {
      // The rate channel needs 11 readings (slope over 10) before the first feature vector: 20 rows give 10.
      const training = rows(0, 20).reduce(trainAnomaly, startAnomalyTraining(CHANNELS));
      expect(canFitAnomaly(training)).toBe(false);
      expect(() => fitAnomaly(training)).toThrow('needs 30 training feature vectors, has 10');
    });

    it('given a channel that never moved in training, when it moves, then the score is finite and large', () => {
      const flat = fitAnomalyModel([{ name: 'flow' }, { name: 'valve' }], rows(0, 100, (i) => ({ flow: normal(i).flow, valve: 1 })));
      const { steps } = stream(flat.model, flat.state, rows(100, 130, (i) => ({ flow: normal(i).flow, valve: 1.5 })));
      const last = steps[steps.length - 1]!;
      expect(Number.isFinite(last.score)).toBe(true);
      expect(last.score!).toBeGreaterThan(1e6);
      expect(last.anomalous).toBe(true);
    });

    it('rejects bad options and channel lists with a message naming the option', () => {
      expect(() => anomalyOptions({ windowSamples: 0 })).toThrow('windowSamples must be an integer >= 1');
      expect(() => anomalyOptions({ shrinkage: 2 })).toThrow('shrinkage must be in [0, 1]');
      expect(() => anomalyOptions({ raiseAbove: 4, clearBelow: 6 })).toThrow('clearBelow must be in [0, raiseAbove]');
      expect(() => anomalyOptions({ clearRatio: 1 })).toThrow('clearRatio must be in [0, 1)');
      expect(() => startAnomalyTraining([])).toThrow('at least one channel');
      expect(() => startAnomalyTraining([{ name: 'a' }, { name: 'a' }])).toThrow('distinct names');
      expect(anomalyOptions({ raiseAbove: 8 }).clearBelow).toBe(8);
    });
  });

  describe('detect', () => {
    it('given a model fitted on normal data, when more normal data streams in, then nothing is flagged and scores stay low', () => {
      const { steps } = stream(fitted.model, fitted.state, rows(400, 1400));
      expect(steps.every((s) => !s.anomalous)).toBe(true);
      const scores = steps.map((s) => s.score!);
      expect(scores.reduce((a, b) => a + b, 0) / scores.length).toBeLessThan(2);
    });

    it('given a model fitted on normal data, when the flow drops by 3 L/min, then the anomaly is raised within the window and cleared after the flow returns', () => {
      const drop = (i: number) => ({ ...normal(i), flow: normal(i).flow - 3 });
      const before = stream(fitted.model, fitted.state, rows(400, 500));
      const during = stream(fitted.model, before.state, rows(500, 600, drop));
      const after = stream(fitted.model, during.state, rows(600, 700));
      expect(before.steps.some((s) => s.anomalous)).toBe(false);
      const raisedAt = during.steps.findIndex((s) => s.transition === 'raised');
      expect(raisedAt).toBeGreaterThanOrEqual(DEFAULT_ANOMALY_OPTIONS.raiseAfter - 1);
      expect(raisedAt).toBeLessThan(DEFAULT_ANOMALY_OPTIONS.windowSamples + DEFAULT_ANOMALY_OPTIONS.raiseAfter);
      expect(during.steps.slice(raisedAt).every((s) => s.anomalous)).toBe(true);
      const clearedAt = after.steps.findIndex((s) => s.transition === 'cleared');
      expect(clearedAt).toBeGreaterThanOrEqual(0);
      expect(clearedAt).toBeLessThan(DEFAULT_ANOMALY_OPTIONS.windowSamples + DEFAULT_ANOMALY_OPTIONS.clearAfter);
      expect(after.steps.filter((s) => s.transition !== null)).toHaveLength(1);
    });

    it('given a temperature used as a rate, when it settles at a new level, then only the ramp is a departure, not the new level', () => {
      const ramp = (i: number) => ({ ...normal(i), temperature: normal(i).temperature + Math.min(Math.max(i - 500, 0), 40) * 0.25 });
      const { steps } = stream(fitted.model, fitted.state, rows(400, 700, ramp));
      expect(steps.slice(0, 100).some((s) => s.anomalous)).toBe(false);
      expect(steps.slice(100, 140).some((s) => s.anomalous)).toBe(true); // heating at 0.25 K/s
      expect(steps.slice(170).some((s) => s.anomalous)).toBe(false); // 10 K warmer, steady again
    });

    it('given scores that hover around the threshold, when hysteresis asks for 5 readings in a row, then the decision does not flicker', () => {
      const model: AnomalyModel = { version: 1, channels: [{ name: 's', feature: 'level' }], options: anomalyOptions({ windowSamples: 1, raiseAbove: 5, raiseAfter: 5, clearAfter: 5, clearRatio: 0 }), trainingSamples: 100, mean: [0], precision: [[1]] };
      // score = s² (one feature, variance 1): alternating 2.5² = 6.25 (above 5) and 2² = 4 (below).
      const hover = Array.from({ length: 40 }, (_, i) => ({ s: i % 2 === 0 ? 2.5 : 2 }));
      const flicker = stream({ ...model, options: anomalyOptions({ windowSamples: 1, raiseAbove: 5, raiseAfter: 1, clearAfter: 1, clearRatio: 0 }) }, initialAnomalyState(model), hover);
      expect(flicker.steps.filter((s) => s.transition !== null).length).toBe(40);
      const steady = stream(model, initialAnomalyState(model), hover);
      expect(steady.steps.filter((s) => s.transition !== null)).toHaveLength(0);
      // Five readings above in a row raise it on the fifth; four below do not clear it, five do.
      const raise = stream(model, initialAnomalyState(model), [{ s: 3 }, { s: 3 }, { s: 3 }, { s: 3 }, { s: 3 }]);
      expect(raise.steps.map((s) => s.anomalous)).toEqual([false, false, false, false, true]);
      const hold = stream(model, raise.state, [{ s: 0 }, { s: 0 }, { s: 0 }, { s: 0 }, { s: 3 }, { s: 0 }, { s: 0 }, { s: 0 }, { s: 0 }, { s: 0 }]);
      expect(hold.steps.map((s) => s.transition)).toEqual([null, null, null, null, null, null, null, null, null, 'cleared']);
    });

    it('given a raised anomaly whose score falls to a tenth of its peak, when clearRatio is 0.1, then it clears even above the raise threshold', () => {
      const options = { windowSamples: 1, raiseAbove: 5, raiseAfter: 1, clearAfter: 2, clearRatio: 0.1, peakHalfLife: 0 };
      const model: AnomalyModel = { version: 1, channels: [{ name: 's', feature: 'level' }], options: anomalyOptions(options), trainingSamples: 100, mean: [0], precision: [[1]] };
      // peak 30² = 900; then 9² = 81 > 5 but ≤ 90 = 0.1 · 900 → clears after two such readings;
      // with the peak forgotten on clearing (peakHalfLife 0), the next 81 > 5 raises again.
      const { steps } = stream(model, initialAnomalyState(model), [{ s: 30 }, { s: 9 }, { s: 9 }, { s: 9 }]);
      expect(steps.map((s) => s.transition)).toEqual(['raised', null, 'cleared', 'raised']);
      const off = stream({ ...model, options: anomalyOptions({ ...options, clearRatio: 0 }) }, initialAnomalyState(model), [{ s: 30 }, { s: 9 }, { s: 9 }, { s: 9 }]);
      expect(off.steps.map((s) => s.anomalous)).toEqual([true, true, true, true]);
    });

    it('given a cleared episode with peak 900, when the peak fades with a half-life of 2 readings, then re-raising needs 0.1 × the faded peak', () => {
      const options = { windowSamples: 1, raiseAbove: 5, raiseAfter: 1, clearAfter: 1, clearRatio: 0.1, peakHalfLife: 2 };
      const model: AnomalyModel = { version: 1, channels: [{ name: 's', feature: 'level' }], options: anomalyOptions(options), trainingSamples: 100, mean: [0], precision: [[1]] };
      // Raised at 900, cleared at 81 (≤ 90). k readings after clearing the raise level is
      // max(5, 0.1 · 900 · 0.5^(k/2)): k = 1 → 63.6, so 49 (7²) does not raise; k = 2 → 45.
      const quiet = stream(model, initialAnomalyState(model), [{ s: 30 }, { s: 9 }, { s: 7 }]);
      expect(quiet.steps.map((s) => s.transition)).toEqual(['raised', 'cleared', null]);
      expect(quiet.state.peak).toBeCloseTo(900 * Math.pow(0.5, 1 / 2), 9);
      const again = stream(model, quiet.state, [{ s: 8 }]);
      // k = 2: 64 (8²) > 45 → raised
      expect(again.steps[0]!.transition).toBe('raised');
      const fresh = stream(model, quiet.state, [{ s: 6 }]);
      expect(fresh.steps[0]!.transition).toBeNull(); // 36 ≤ 45
    });

    it('given a reading without a channel, when scored, then the channel keeps its last value', () => {
      const full = stream(fitted.model, fitted.state, rows(400, 420));
      const gappy = stream(
        fitted.model,
        fitted.state,
        rows(400, 420).map((r, i) => (i === 10 ? { ...r, pressure: undefined } : r)),
      );
      expect(gappy.steps[10]!.score).not.toBe(full.steps[10]!.score);
      expect(Number.isFinite(gappy.steps[10]!.score)).toBe(true);
      const fresh = detectAnomaly(fitted.model, initialAnomalyState(fitted.model), normal(0));
      expect(fresh.score).toBeNull();
      expect(fresh.anomalous).toBe(false);
    });
  });

  describe('serialisation', () => {
    it('given a model, a training accumulator and a detector state, when they go through JSON, then streaming continues identically', () => {
      const drop = (i: number) => ({ ...normal(i), flow: normal(i).flow - 3 });
      const input = [...rows(400, 450), ...rows(450, 520, drop), ...rows(520, 600)];
      const direct = stream(fitted.model, fitted.state, input);
      let model = JSON.parse(JSON.stringify(fitted.model)) as AnomalyModel;
      let state = JSON.parse(JSON.stringify(fitted.state)) as AnomalyDetectorState;
      const steps: AnomalyStep[] = [];
      for (const r of input) {
        const step = detectAnomaly(model, state, r);
        steps.push(step);
        model = JSON.parse(JSON.stringify(model)) as AnomalyModel;
        state = JSON.parse(JSON.stringify(step.state)) as AnomalyDetectorState;
      }
      expect(steps).toEqual(direct.steps);
      expect(direct.steps.some((s) => s.anomalous)).toBe(true);

      const online = rows(0, 400).reduce((t, r) => JSON.parse(JSON.stringify(trainAnomaly(t, r))) as ReturnType<typeof trainAnomaly>, startAnomalyTraining(CHANNELS));
      expect(fitAnomaly(online)).toEqual(fitted);
    });

    it('keeps the state small: windows only, a few hundred bytes for three channels', () => {
      const { state } = stream(fitted.model, fitted.state, rows(400, 500));
      expect(Object.keys(state).sort()).toEqual(['anomalous', 'peak', 'streak', 'windows']);
      expect(JSON.stringify(state).length).toBeLessThan(1000);
      expect(JSON.stringify(fitted.model).length).toBeLessThan(2000);
    });
  });
});
