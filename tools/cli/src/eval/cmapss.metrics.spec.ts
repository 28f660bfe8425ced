import { phm08Score, quantile, rmse } from './cmapss.metrics';

describe('C-MAPSS metrics (hand-computed)', () => {
  const predicted = [10, 30, 20];
  const truth = [23, 20, 20];

  it('RMSE: errors −13, 10, 0 → √((169 + 100 + 0) / 3) = 9.4692', () => {
    expect(rmse(predicted, truth)).toBeCloseTo(9.469248, 5);
  });

  it('PHM08: 13 cycles early costs e¹ − 1, 10 cycles late costs e¹ − 1, exact costs 0 → 3.4366', () => {
    expect(phm08Score(predicted, truth)).toBeCloseTo(2 * (Math.E - 1), 10);
    expect(phm08Score([10], [23])).toBeCloseTo(1.718282, 6);
    expect(phm08Score([30], [20])).toBeCloseTo(1.718282, 6);
  });

  it('PHM08: late is dearer than early by the same amount (d = +5 → 0.6487, d = −5 → 0.4690)', () => {
    expect(phm08Score([25], [20])).toBeCloseTo(Math.exp(0.5) - 1, 10);
    expect(phm08Score([15], [20])).toBeCloseTo(Math.exp(5 / 13) - 1, 10);
    expect(phm08Score([25], [20])).toBeGreaterThan(phm08Score([15], [20]));
  });

  it('quantile interpolates between order statistics', () => {
    expect(quantile([70, 0, 40, 10], 0.5)).toBe(25);
    expect(quantile([70, 0, 40, 10], 0.1)).toBeCloseTo(3, 12);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('refuses mismatched or empty inputs', () => {
    expect(() => rmse([1], [1, 2])).toThrow('equally many');
    expect(() => phm08Score([], [])).toThrow('equally many');
  });
});
