import { invertSpd, quadraticForm, shrinkTowardDiagonal } from './anomaly.linalg';

describe('anomaly linear algebra', () => {
  it('inverts [[4, 2], [2, 3]] to [[3, −2], [−2, 4]] / 8', () => {
    const inv = invertSpd([
      [4, 2],
      [2, 3],
    ]);
    expect(inv[0]![0]).toBeCloseTo(3 / 8, 14);
    expect(inv[0]![1]).toBeCloseTo(-2 / 8, 14);
    expect(inv[1]![0]).toBeCloseTo(-2 / 8, 14);
    expect(inv[1]![1]).toBeCloseTo(4 / 8, 14);
  });

  it('inverts a 3×3 matrix: A · inv(A) = I', () => {
    const a = [
      [25, 15, -5],
      [15, 18, 0],
      [-5, 0, 11],
    ];
    const inv = invertSpd(a);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const v = a[i]!.reduce((s, aik, k) => s + aik * inv[k]![j]!, 0);
        expect(v).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
  });

  it('refuses a matrix that is not positive definite', () => {
    expect(() =>
      invertSpd([
        [1, 2],
        [2, 1],
      ]),
    ).toThrow('not positive definite');
  });

  it('shrinks off-diagonal terms by (1 − λ) and floors the variances', () => {
    expect(
      shrinkTowardDiagonal(
        [
          [4, 2],
          [2, 0],
        ],
        0.25,
        [1, 0.5],
      ),
    ).toEqual([
      [4, 1.5],
      [1.5, 0.5],
    ]);
  });

  it('computes (x − m)ᵀ P (x − m): [1, 2] − [0, 0] with P = [[2, 1], [1, 3]] gives 2 + 4 + 12 = 18', () => {
    expect(
      quadraticForm([1, 2], [0, 0], [
        [2, 1],
        [1, 3],
      ]),
    ).toBe(18);
  });
});
