import type { RulTrajectory } from '@twinline/domain-twin';
import { crossValidate, foldsByUnit, scorePredictions, summariseLeadTimes, truncationRul, TRUNCATION, type UnitPrediction } from './cmapss.cv';

describe('C-MAPSS cross-validation protocol', () => {
  it('truncation: true RUL from 7 up to min(145, cycles − 31), null for units too short to keep 31 cycles', () => {
    expect(truncationRul(300, () => 0)).toBe(TRUNCATION.minRul);
    expect(truncationRul(300, () => 0.999999)).toBe(145);
    expect(truncationRul(128, () => 0.999999)).toBe(128 - 31);
    expect(truncationRul(38, () => 0.999999)).toBe(7);
    expect(truncationRul(37, () => 0.5)).toBeNull();
  });

  it('folds: a seeded partition of the units, the same for the same seed', () => {
    const units = Array.from({ length: 11 }, (_, i) => `u${i}`);
    const folds = foldsByUnit(units, 3, 42);
    expect(folds.map((f) => f.length)).toEqual([4, 4, 3]);
    expect(folds.flat().sort()).toEqual([...units].sort());
    expect(foldsByUnit(units, 3, 42)).toEqual(folds);
    expect(foldsByUnit(units, 3, 43)).not.toEqual(folds);
    expect(() => foldsByUnit(units, 1, 42)).toThrow('--folds');
  });

  it('lead times: leads 40, 10, never, 0, 70 with horizon 30', () => {
    const s = summariseLeadTimes(
      [40, 10, null, 0, 70].map((leadCycles, i) => ({ unitId: `u${i}`, leadCycles })),
      30,
    );
    expect(s).toEqual({ horizon: 30, units: 5, alerted: 4, neverAlerted: 1, tooEarly: 1, atFailure: 1, median: 25, min: 0, p10: expect.closeTo(3, 10), max: 70 });
  });

  it('scores: RMSE and PHM08 on the uncapped truth, the capped-truth variant apart, interval coverage', () => {
    const p = (rul: number, trueRul: number, lower: number, upper: number): UnitPrediction => ({ unitId: 'u', observedCycles: 50, trueRul, rul, lower, upper, healthIndex: 0.5 });
    const s = scorePredictions([p(125, 145, 100, 150), p(30, 20, 25, 40)]);
    expect(s.rmse).toBeCloseTo(Math.sqrt((400 + 100) / 2), 10);
    expect(s.phmScore).toBeCloseTo(Math.exp(20 / 13) - 1 + Math.exp(1) - 1, 10);
    expect(s.rmseCappedTruth).toBeCloseTo(Math.sqrt(100 / 2), 10);
    expect(s.meanError).toBe(-5);
    expect(s.intervalCoverage).toBe(0.5);
    expect(s.meanIntervalWidth).toBe(32.5);
  });
});

describe('crossValidate on noise-free synthetic units', () => {
  const unit = (unitId: string, life: number): RulTrajectory => ({
    unitId,
    cycles: Array.from({ length: life }, (_, i) => ({ cycle: i + 1, values: { a: 10 + 0.2 * Math.max(0, 125 - (life - 1 - i)) } })),
  });
  const units = [150, 170, 190, 210, 230, 250, 165, 205, 185].map((life, i) => unit(`u${i}`, life));
  const fit = { boosting: { trees: 80, learningRate: 0.1, minLeaf: 5 }, calibrationFolds: 3 };

  it('given 3 folds and 2 cuts, then every unit is predicted twice, replayed once, and the run is reproducible', () => {
    const cv = crossValidate(units, { folds: 3, seed: 5, horizon: 20, cuts: 2, fit });
    expect(cv.predictions).toHaveLength(18);
    expect(cv.leadTimes).toHaveLength(9);
    expect(cv.skippedUnits).toEqual([]);
    for (const p of cv.predictions) expect(p.trueRul).toBeGreaterThanOrEqual(7);
    expect(scorePredictions(cv.predictions).rmse).toBeLessThan(8);
    const s = summariseLeadTimes(cv.leadTimes, 20);
    expect(s.neverAlerted).toBe(0);
    expect(s.min).toBeGreaterThan(0);
    expect(crossValidate(units, { folds: 3, seed: 5, horizon: 20, cuts: 2, fit })).toEqual(cv);
  });
});
