/** Root-mean-square error of predictions against truths (same length, at least one). */
export function rmse(predicted: readonly number[], truth: readonly number[]): number {
  assertPairs(predicted, truth);
  return Math.sqrt(predicted.reduce((s, p, i) => s + (p - truth[i]!) ** 2, 0) / predicted.length);
}

/**
 * The PHM08 challenge score (Saxena et al. 2008): d = predicted − true; exp(−d/13) − 1 for an early
 * prediction (d < 0), exp(d/10) − 1 for a late one; summed over units. Lower is better; late costs more.
 */
export function phm08Score(predicted: readonly number[], truth: readonly number[]): number {
  assertPairs(predicted, truth);
  return predicted.reduce((s, p, i) => {
    const d = p - truth[i]!;
    return s + (d < 0 ? Math.exp(-d / 13) - 1 : Math.exp(d / 10) - 1);
  }, 0);
}

/** Quantile with linear interpolation between order statistics (type 7, as numpy's default). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

function assertPairs(predicted: readonly number[], truth: readonly number[]): void {
  if (predicted.length === 0 || predicted.length !== truth.length) throw new Error(`metrics need equally many predictions and truths (got ${predicted.length} and ${truth.length})`);
}
