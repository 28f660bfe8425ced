import { solveLinear } from './rul.features';
import { rulRandom, shuffled } from './rul.random';
import { fitBoostedTrees, predictBoosted, type BoostingOptions } from './rul.trees';

const OPTIONS: BoostingOptions = { trees: 50, depth: 2, learningRate: 0.3, minLeaf: 1, subsample: 1, bins: 64, lambda: 0 };

describe('boosted regression trees', () => {
  it('given a step in one feature, when fitted, then predictions reproduce the step and ignore the noise feature', () => {
    const rows = Array.from({ length: 40 }, (_, i) => [i, (i * 7) % 5]);
    const y = rows.map(([x]) => (x! > 19 ? 10 : 0));
    const model = fitBoostedTrees({ rows: rows.length, columns: 2, data: Float64Array.from(rows.flat()) }, y, OPTIONS, rulRandom(1));
    expect(model.base).toBe(5);
    expect(predictBoosted(model, [3, 4])).toBeCloseTo(0, 6);
    expect(predictBoosted(model, [30, 0])).toBeCloseTo(10, 6);
    // The split sits between the two sides: ≤ 19 left.
    expect(predictBoosted(model, [19, 2])).toBeCloseTo(0, 6);
    expect(predictBoosted(model, [20, 2])).toBeCloseTo(10, 6);
    expect(model.trees[0]!.feature[0]).toBe(0);
  });

  it('given a constant target, when fitted, then every tree is a single zero leaf', () => {
    const model = fitBoostedTrees({ rows: 3, columns: 1, data: Float64Array.from([1, 2, 3]) }, [4, 4, 4], { ...OPTIONS, trees: 2 }, rulRandom(1));
    expect(model.base).toBe(4);
    expect(model.trees.map((t) => t.feature)).toEqual([[-1], [-1]]);
    expect(predictBoosted(model, [2])).toBe(4);
  });

  it('given zero rows, then fitting throws', () => {
    expect(() => fitBoostedTrees({ rows: 0, columns: 1, data: new Float64Array() }, [], OPTIONS, rulRandom(1))).toThrow('zero rows');
  });
});

describe('seeded random and linear solve', () => {
  it('given the same seed, then the same sequence and the same shuffle', () => {
    const a = rulRandom(42);
    const b = rulRandom(42);
    expect([a.next(), a.next(), a.below(10)]).toEqual([b.next(), b.next(), b.below(10)]);
    expect(shuffled([1, 2, 3, 4, 5], rulRandom(3))).toEqual(shuffled([1, 2, 3, 4, 5], rulRandom(3)));
    expect([...shuffled([1, 2, 3, 4, 5], rulRandom(3))].sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('given 2x + y = 5 and x + 3y = 10, then x = 1, y = 3', () => {
    const [x, y] = solveLinear(
      [
        [2, 1],
        [1, 3],
      ],
      [5, 10],
    );
    expect(x).toBeCloseTo(1, 12);
    expect(y).toBeCloseTo(3, 12);
  });
});
