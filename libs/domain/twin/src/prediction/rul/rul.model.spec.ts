import { estimateRul, failurePredicted, fitRulModel, type RulEstimate, type RulFitOptions, type RulTrajectory } from './index';

/**
 * A noise-free unit that runs `life` cycles: healthy (flat) until 125 cycles before failure, then
 * sensor `a` rises by 0.2 per cycle and `b` falls by 0.1 per cycle; `c` never moves.
 */
function linearUnit(unitId: string, life: number): RulTrajectory {
  return {
    unitId,
    cycles: Array.from({ length: life }, (_, i) => {
      const rul = life - 1 - i;
      const wear = Math.max(0, 125 - rul);
      return { cycle: i + 1, values: { a: 10 + 0.2 * wear, b: 50 - 0.1 * wear, c: 7 } };
    }),
  };
}

const LIVES = [150, 170, 190, 210, 230, 250, 165, 205];
const training = LIVES.map((life, i) => linearUnit(`u${i + 1}`, life));
const SMALL: RulFitOptions = { boosting: { trees: 150, depth: 4, learningRate: 0.1, minLeaf: 5, subsample: 0.8 }, calibrationFolds: 4, seed: 7 };

/** The history of `unit` up to the cycle whose true RUL is `rul`. */
const upTo = (unit: RulTrajectory, rul: number) => unit.cycles.slice(0, unit.cycles.length - rul);

describe('RUL model (health index + boosted trees + calibrated interval)', () => {
  const model = fitRulModel(training, SMALL);
  const unseen = linearUnit('unseen', 200);

  it('given noise-free linear degradation, when estimating an unseen unit, then the RUL is the true one within 5 cycles', () => {
    for (const rul of [10, 30, 60, 90, 110]) {
      expect(Math.abs(estimateRul(model, upTo(unseen, rul)).rul - rul)).toBeLessThanOrEqual(5);
    }
  });

  it('given a healthy unit (true RUL above the cap), when estimating, then the RUL is near the cap', () => {
    expect(estimateRul(model, upTo(unseen, 180)).rul).toBeGreaterThanOrEqual(115);
  });

  it('given noise-free data, when estimating, then the interval contains the true RUL', () => {
    for (const rul of [5, 20, 45, 70, 100]) {
      const e = estimateRul(model, upTo(unseen, rul));
      expect(e.lower).toBeLessThanOrEqual(rul);
      expect(e.upper).toBeGreaterThanOrEqual(rul);
      expect(e.lower).toBeLessThanOrEqual(e.rul);
      expect(e.upper).toBeGreaterThanOrEqual(e.rul);
    }
  });

  it('given a sensor that never moves, when fitting, then it is left out of the model', () => {
    expect(model.preprocessing.sensors).toEqual(['a', 'b']);
    expect(model.calibration.source).toBe('out-of-fold');
  });

  it('given a healthy and a failing unit, then the health index is near 1 and near 0', () => {
    expect(estimateRul(model, upTo(unseen, 190)).healthIndex).toBeGreaterThan(0.9);
    expect(estimateRul(model, upTo(unseen, 0)).healthIndex).toBeLessThan(0.1);
  });

  it('given a model, when it goes through JSON, then it is equal and estimates the same', () => {
    const copy = JSON.parse(JSON.stringify(model)) as typeof model;
    expect(copy).toEqual(model);
    for (const rul of [3, 50, 150]) expect(estimateRul(copy, upTo(unseen, rul))).toEqual(estimateRul(model, upTo(unseen, rul)));
  });

  it('given the same seed, when fitting twice, then the models are identical; another seed gives other trees', () => {
    expect(JSON.stringify(fitRulModel(training, SMALL))).toBe(JSON.stringify(model));
    expect(JSON.stringify(fitRulModel(training, { ...SMALL, seed: 8 }).regressor)).not.toBe(JSON.stringify(model.regressor));
  });

  it('given only the recent cycles, when estimating, then the answer is the same as with the whole history', () => {
    const whole = upTo(unseen, 40);
    expect(estimateRul(model, whole.slice(-model.preprocessing.longWindow))).toEqual(estimateRul(model, whole));
  });

  it('given a history without a model sensor, when estimating, then it throws naming the sensor', () => {
    expect(() => estimateRul(model, [{ cycle: 1, values: { a: 10 } }])).toThrow('"b"');
    expect(() => estimateRul(model, [])).toThrow('empty');
  });

  it('given no calibration folds, then the interval comes from in-sample residuals', () => {
    expect(fitRulModel(training.slice(0, 3), { ...SMALL, calibrationFolds: 0 }).calibration.source).toBe('in-sample');
  });
});

describe('failurePredicted (lower bound inside the planning horizon)', () => {
  const estimate = (lower: number): RulEstimate => ({ rul: lower + 20, lower, upper: lower + 40, healthIndex: 0.3 });

  it('given a lower bound inside the horizon, then a failure is predicted', () => {
    expect(failurePredicted(estimate(29), 30)).toBe(true);
    expect(failurePredicted(estimate(30), 30)).toBe(true);
  });

  it('given a lower bound beyond the horizon, then no failure is predicted', () => {
    expect(failurePredicted(estimate(31), 30)).toBe(false);
  });

  it('given the point estimate beyond the horizon but the lower bound inside, then a failure is predicted', () => {
    expect(failurePredicted({ rul: 45, lower: 25, upper: 70, healthIndex: 0.5 }, 30)).toBe(true);
  });
});
