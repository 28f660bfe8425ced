/**
 * The little linear algebra the anomaly detector needs: shrinking a covariance matrix toward its
 * diagonal and inverting a small symmetric positive-definite matrix. Plain `number[][]`, so that
 * models stay JSON.
 */

/**
 * `(1 − λ)·C + λ·diag(C)`, with variance i floored at `floors[i]` (a channel that never moved in
 * training would otherwise make the matrix singular).
 */
export function shrinkTowardDiagonal(covariance: readonly (readonly number[])[], lambda: number, floors: readonly number[]): number[][] {
  return covariance.map((row, i) => row.map((value, j) => (i === j ? Math.max(value, floors[i] ?? 0) : (1 - lambda) * value)));
}

/**
 * Inverse of a symmetric positive-definite matrix by Cholesky decomposition. Throws when the
 * matrix is not positive definite (a broken invariant: the caller floors the diagonal first).
 */
export function invertSpd(matrix: readonly (readonly number[])[]): number[][] {
  const n = matrix.length;
  const l: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i]![j]!;
      for (let k = 0; k < j; k++) sum -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (!(sum > 0)) throw new Error(`matrix is not positive definite (pivot ${i} = ${sum})`);
        l[i]![i] = Math.sqrt(sum);
      } else {
        l[i]![j] = sum / l[j]![j]!;
      }
    }
  }
  // inv(L) by forward substitution, then inv(A) = inv(L)ᵀ · inv(L).
  const li: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    li[i]![i] = 1 / l[i]![i]!;
    for (let j = 0; j < i; j++) {
      let sum = 0;
      for (let k = j; k < i; k++) sum -= l[i]![k]! * li[k]![j]!;
      li[i]![j] = sum / l[i]![i]!;
    }
  }
  const inverse: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      for (let k = i; k < n; k++) sum += li[k]![i]! * li[k]![j]!;
      inverse[i]![j] = sum;
      inverse[j]![i] = sum;
    }
  }
  return inverse;
}

/** `(x − m)ᵀ · P · (x − m)`. */
export function quadraticForm(x: readonly number[], mean: readonly number[], precision: readonly (readonly number[])[]): number {
  const n = x.length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const di = x[i]! - mean[i]!;
    const row = precision[i]!;
    let acc = 0;
    for (let j = 0; j < n; j++) acc += row[j]! * (x[j]! - mean[j]!);
    total += di * acc;
  }
  return total;
}
