/**
 * SKAB's scores, as in waico/SKAB core/metrics.py (`chp_score`):
 * - outlier detection: pooled confusion matrix over every scored row of every file;
 *   F1 = TP / (TP + (FP + FN) / 2), FAR = FP / (FP + TN) · 100, MAR = FN / (FN + TP) · 100;
 * - changepoint detection: NAB with a detection window of `windowMs` to the right of each true
 *   changepoint ("righter"), overlapping windows cut ("cut right window": the next window starts
 *   where the previous one ends), only the first detection in a window counts (scored by SKAB's
 *   "improved" tanh scale: A_tp at the window start down to A_fp at its end), each detection outside
 *   every window costs A_fp, each window without a detection costs A_fn;
 *   score = 100 · (S − S_null) / (S_perfect − S_null), summed over files before the ratio.
 */

export interface Confusion {
  readonly tp: number;
  readonly tn: number;
  readonly fp: number;
  readonly fn: number;
}

export interface BinaryScores extends Confusion {
  readonly f1: number;
  /** False alarm rate, %. */
  readonly far: number;
  /** Missed alarm rate, %. */
  readonly mar: number;
}

/** Pooled confusion matrix and F1 / FAR / MAR over files (labels and predictions row by row). */
export function binaryScores(files: ReadonlyArray<{ readonly truth: readonly (0 | 1)[]; readonly predicted: readonly (0 | 1)[] }>): BinaryScores {
  let tp = 0;
  let tn = 0;
  let fp = 0;
  let fn = 0;
  for (const { truth, predicted } of files) {
    if (truth.length !== predicted.length) throw new Error(`labels (${truth.length}) and predictions (${predicted.length}) differ in length`);
    for (let i = 0; i < truth.length; i++) {
      const t = truth[i] === 1;
      const p = predicted[i] === 1;
      if (t && p) tp++;
      else if (t) fn++;
      else if (p) fp++;
      else tn++;
    }
  }
  return { tp, tn, fp, fn, f1: tp / (tp + (fp + fn) / 2), far: (fp / (fp + tn)) * 100, mar: (fn / (fn + tp)) * 100 };
}

/** SKAB's changepoint predictions from outlier predictions: |pred[t] − pred[t−1]|, the first row is pred[0]. */
export function changepointsFromOutliers(predicted: readonly (0 | 1)[]): (0 | 1)[] {
  return predicted.map((p, i) => (i === 0 ? p : p === predicted[i - 1] ? 0 : 1));
}

export interface NabProfile {
  readonly aTp: number;
  readonly aFp: number;
  readonly aFn: number;
}

export const NAB_PROFILES = {
  standard: { aTp: 1, aFp: -0.11, aFn: -1 },
  lowFp: { aTp: 1, aFp: -0.22, aFn: -1 },
  lowFn: { aTp: 1, aFp: -0.11, aFn: -2 },
} as const satisfies Record<string, NabProfile>;

export type NabProfileName = keyof typeof NAB_PROFILES;

/** SKAB's window scale (`my_scale`, koef 1, 1000 steps): the value of a detection at `position` ∈ [0, 1] of its window. */
export function nabScale(position: number, profile: NabProfile): number {
  const steps = 1000;
  const event = Math.min(Math.trunc(position * steps), steps - 1);
  const x = -Math.PI / 2 + (event * Math.PI) / (steps - 1);
  const half = (profile.aTp - profile.aFp) / 2;
  return (half * -Math.tanh(x)) / Math.tanh(Math.PI / 2) + half + profile.aFp;
}

export interface NabFile {
  /** Time of each scored row, ms, non-decreasing. */
  readonly times: readonly number[];
  readonly trueChangepoints: readonly (0 | 1)[];
  readonly predictedChangepoints: readonly (0 | 1)[];
}

export interface NabCounts {
  readonly windows: number;
  /** Windows holding at least one detection. */
  readonly detected: number;
  /** Detections outside every window. */
  readonly falsePositives: number;
  /** The first detection of each detected window: its position in the window, 0 (start) … 1 (end). */
  readonly positions: readonly number[];
}

/** Windows, detections inside and outside them, for one file. */
export function nabCounts(file: NabFile, windowMs: number): NabCounts {
  const { times } = file;
  const windows: Array<[number, number]> = [];
  file.trueChangepoints.forEach((c, i) => {
    if (c === 1) windows.push([times[i]!, times[i]! + windowMs]);
  });
  for (let i = 0; i + 1 < windows.length; i++) {
    if (windows[i]![1] >= windows[i + 1]![0]) windows[i + 1]![0] = windows[i]![1];
  }
  const detections = times.filter((_, i) => file.predictedChangepoints[i] === 1);
  if (windows.length === 0) return { windows: 0, detected: 0, falsePositives: detections.length, positions: [] };
  let falsePositives = detections.filter((t) => t < windows[0]![0]).length;
  const positions: number[] = [];
  windows.forEach(([start, end], i) => {
    const first = detections.find((t) => t >= start && t <= end);
    if (first !== undefined) positions.push((first - start) / (end - start));
    const next = windows[i + 1];
    falsePositives += next ? detections.filter((t) => t > end && t < next[0]).length : detections.filter((t) => t > end).length;
  });
  return { windows: windows.length, detected: positions.length, falsePositives, positions };
}

export interface NabScores {
  readonly standard: number;
  readonly lowFp: number;
  readonly lowFn: number;
  readonly windows: number;
  readonly detected: number;
  readonly falsePositives: number;
}

/** NAB scores (standard, LowFP, LowFN) over files, SKAB's way (sums over files, then the ratio). */
export function nabScores(files: readonly NabFile[], windowMs = 60_000): NabScores {
  const counts = files.map((f) => nabCounts(f, windowMs));
  const total = (name: NabProfileName) => {
    const p = NAB_PROFILES[name];
    let score = 0;
    let perfect = 0;
    let nul = 0;
    for (const c of counts) {
      score += p.aFp * c.falsePositives + p.aFn * (c.windows - c.detected);
      for (const position of c.positions) score += nabScale(position, p);
      perfect += c.windows * p.aTp;
      nul += c.windows * p.aFn;
    }
    return (100 * (score - nul)) / (perfect - nul);
  };
  return {
    standard: total('standard'),
    lowFp: total('lowFp'),
    lowFn: total('lowFn'),
    windows: counts.reduce((s, c) => s + c.windows, 0),
    detected: counts.reduce((s, c) => s + c.detected, 0),
    falsePositives: counts.reduce((s, c) => s + c.falsePositives, 0),
  };
}
