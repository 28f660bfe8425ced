import { featureCount, featureNames, healthIndexOf, normalisedRow, solveLinear, windowFeatures, type RulCycle, type RulPreprocessing } from './rul.features';
import { rulRandom, shuffled } from './rul.random';
import { fitBoostedTrees, predictBoosted, type BoostedTrees, type BoostingOptions, type FeatureMatrix } from './rul.trees';

/** A run-to-failure trajectory: the unit failed right after its last cycle (true RUL there = 0). */
export interface RulTrajectory {
  readonly unitId: string;
  /** Cycles oldest first. */
  readonly cycles: readonly RulCycle[];
}

export interface RulFitOptions {
  /** Sensors to use; default: every sensor whose |Pearson r| with the capped target ≥ minCorrelation. */
  readonly sensors?: readonly string[];
  readonly minCorrelation?: number;
  /** Piece-wise linear target: RUL is capped at this many cycles (healthy plateau). */
  readonly cap?: number;
  readonly shortWindow?: number;
  readonly longWindow?: number;
  readonly useAge?: boolean;
  readonly boosting?: Partial<BoostingOptions>;
  /** Folds by unit for the out-of-fold residuals behind the interval (0 or 1: in-sample residuals). */
  readonly calibrationFolds?: number;
  /** Central coverage of the interval, e.g. 0.8 → 10 % and 90 % residual quantiles. */
  readonly coverage?: number;
  /** Upper edges of the predicted-RUL bins the residual quantiles are taken in. */
  readonly calibrationEdges?: readonly number[];
  readonly seed?: number;
}

/** Residual quantiles (true uncapped RUL − prediction) per predicted-RUL bin. */
export interface RulCalibration {
  readonly coverage: number;
  /** Bin i holds predictions ≤ edges[i] (and > edges[i−1]); the last bin everything above. */
  readonly edges: readonly number[];
  readonly lowerOffset: readonly number[];
  readonly upperOffset: readonly number[];
  /** Where the residuals came from. */
  readonly source: 'out-of-fold' | 'in-sample';
}

/** A fitted RUL model: plain JSON, so it can be configuration of an asset class. */
export interface RulModel {
  readonly kind: 'twinline.rul.gbrt';
  readonly version: 1;
  readonly cap: number;
  readonly preprocessing: RulPreprocessing;
  readonly featureNames: readonly string[];
  readonly regressor: BoostedTrees;
  readonly calibration: RulCalibration;
  readonly trainedOn: { readonly units: number; readonly cycles: number; readonly seed: number };
}

export interface RulEstimate {
  /** Estimated remaining useful life after the last cycle seen, in cycles (≥ 0, ≤ the model's cap). */
  readonly rul: number;
  /** Interval around the true RUL at the model's calibrated coverage (lower ≥ 0). */
  readonly lower: number;
  readonly upper: number;
  /** Multivariate health index over the last `shortWindow` cycles: ≈ 1 healthy, ≈ 0 at failure (clipped to [0, 1]). */
  readonly healthIndex: number;
}

export const DEFAULT_BOOSTING: BoostingOptions = { trees: 200, depth: 4, learningRate: 0.05, minLeaf: 20, subsample: 0.7, bins: 64, lambda: 1 };

export const DEFAULT_RUL_FIT = {
  minCorrelation: 0.2,
  cap: 125,
  shortWindow: 10,
  longWindow: 160,
  useAge: true,
  calibrationFolds: 3,
  coverage: 0.8,
  calibrationEdges: [20, 40, 60, 80, 100],
  seed: 42,
} as const;

/** Too few residuals in a bin: the bin borrows the quantiles over all residuals. */
const MIN_BIN_RESIDUALS = 30;

function pearson(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i]!;
    my += ys[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy);
}

/** Quantile with linear interpolation (type 7) of an ascending array. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

interface Prepared {
  readonly x: FeatureMatrix;
  readonly target: Float64Array;
  readonly truth: Float64Array;
  readonly unitOfRow: Uint32Array;
}

function prepare(p: RulPreprocessing, trajectories: readonly RulTrajectory[], cap: number): Prepared {
  const nf = featureCount(p);
  const rows = trajectories.reduce((s, t) => s + t.cycles.length, 0);
  const data = new Float64Array(rows * nf);
  const target = new Float64Array(rows);
  const truth = new Float64Array(rows);
  const unitOfRow = new Uint32Array(rows);
  let r = 0;
  trajectories.forEach((t, u) => {
    const z = t.cycles.map((c) => normalisedRow(p, c));
    const hi = z.map((row) => healthIndexOf(p, row));
    const last = t.cycles.length - 1;
    for (let i = 0; i <= last; i++) {
      windowFeatures(p, z, hi, i, t.cycles[i]!.cycle, data, r * nf);
      truth[r] = last - i;
      target[r] = Math.min(cap, last - i);
      unitOfRow[r] = u;
      r++;
    }
  });
  return { x: { rows, columns: nf, data }, target, truth, unitOfRow };
}

function subset(prep: Prepared, keep: (unit: number) => boolean): { x: FeatureMatrix; target: Float64Array; rows: number[] } {
  const rows: number[] = [];
  for (let i = 0; i < prep.x.rows; i++) if (keep(prep.unitOfRow[i]!)) rows.push(i);
  const nf = prep.x.columns;
  const data = new Float64Array(rows.length * nf);
  const target = new Float64Array(rows.length);
  rows.forEach((r, k) => {
    data.set(prep.x.data.subarray(r * nf, (r + 1) * nf), k * nf);
    target[k] = prep.target[r]!;
  });
  return { x: { rows: rows.length, columns: nf, data }, target, rows };
}

function calibrationBin(edges: readonly number[], predicted: number): number {
  const i = edges.findIndex((e) => predicted <= e);
  return i === -1 ? edges.length : i;
}

/**
 * Fits the health index and the RUL regressor from run-to-failure trajectories, then calibrates
 * the interval from out-of-fold residuals (folds by unit, seeded). Pure and deterministic for a seed.
 */
export function fitRulModel(trajectories: readonly RulTrajectory[], options: RulFitOptions = {}): RulModel {
  const o = { ...DEFAULT_RUL_FIT, ...options };
  const boosting: BoostingOptions = { ...DEFAULT_BOOSTING, ...options.boosting };
  const cycles = trajectories.flatMap((t) => t.cycles);
  if (trajectories.length === 0 || cycles.length === 0) throw new Error('RUL model: no training trajectories');
  const targets = trajectories.flatMap((t) => t.cycles.map((_, i) => Math.min(o.cap, t.cycles.length - 1 - i)));

  const candidates = o.sensors ?? [...new Set(cycles.flatMap((c) => Object.keys(c.values)))].sort();
  const sensors = o.sensors
    ? [...o.sensors]
    : candidates.filter((s) => {
        const xs = cycles.map((c) => c.values[s] ?? Number.NaN);
        return xs.every(Number.isFinite) && Math.abs(pearson(xs, targets)) >= o.minCorrelation;
      });
  if (sensors.length === 0) throw new Error('RUL model: no sensor varies with the remaining life (set options.sensors)');
  const mean = sensors.map((s) => cycles.reduce((a, c) => a + (c.values[s] ?? 0), 0) / cycles.length);
  const std = sensors.map((s, j) => {
    const v = cycles.reduce((a, c) => a + ((c.values[s] ?? 0) - mean[j]!) ** 2, 0) / cycles.length;
    return v > 0 ? Math.sqrt(v) : 1;
  });

  // Health index: ridge least squares of the normalised sensors on capped RUL / cap (1 healthy → 0 failed).
  const m = sensors.length;
  const ata = Array.from({ length: m + 1 }, () => new Array<number>(m + 1).fill(0));
  const atb = new Array<number>(m + 1).fill(0);
  const scratch: RulPreprocessing = { sensors, mean, std, healthIndex: { bias: 0, weights: [] }, shortWindow: o.shortWindow, longWindow: o.longWindow, useAge: o.useAge };
  cycles.forEach((c, i) => {
    const row = [1, ...normalisedRow(scratch, c)];
    const y = targets[i]! / o.cap;
    for (let a = 0; a <= m; a++) {
      atb[a] = atb[a]! + row[a]! * y;
      const line = ata[a]!;
      for (let b = 0; b <= m; b++) line[b] = line[b]! + row[a]! * row[b]!;
    }
  });
  for (let a = 1; a <= m; a++) ata[a]![a] = ata[a]![a]! + 1e-3 * cycles.length;
  const beta = solveLinear(ata, atb);
  const preprocessing: RulPreprocessing = { ...scratch, healthIndex: { bias: beta[0]!, weights: beta.slice(1) } };

  const prep = prepare(preprocessing, trajectories, o.cap);
  const random = rulRandom(o.seed);

  // Out-of-fold predictions for the interval.
  const folds = Math.min(o.calibrationFolds, trajectories.length);
  const predicted = new Float64Array(prep.x.rows);
  let source: RulCalibration['source'] = 'out-of-fold';
  if (folds >= 2) {
    const order = shuffled(
      trajectories.map((_, u) => u),
      random,
    );
    const foldOf = new Map(order.map((u, k) => [u, k % folds]));
    for (let f = 0; f < folds; f++) {
      const train = subset(prep, (u) => foldOf.get(u) !== f);
      const held = subset(prep, (u) => foldOf.get(u) === f);
      const inner = fitBoostedTrees(train.x, train.target, boosting, random);
      held.rows.forEach((r, k) => (predicted[r] = clamp(predictBoosted(inner, held.x.data.subarray(k * held.x.columns, (k + 1) * held.x.columns)), 0, o.cap)));
    }
  }
  const regressor = fitBoostedTrees(prep.x, prep.target, boosting, random);
  if (folds < 2) {
    source = 'in-sample';
    for (let r = 0; r < prep.x.rows; r++) predicted[r] = clamp(predictBoosted(regressor, prep.x.data.subarray(r * prep.x.columns, (r + 1) * prep.x.columns)), 0, o.cap);
  }

  const qLow = (1 - o.coverage) / 2;
  const edges = [...o.calibrationEdges];
  const byBin: number[][] = Array.from({ length: edges.length + 1 }, () => []);
  const allResiduals: number[] = [];
  for (let r = 0; r < prep.x.rows; r++) {
    const residual = prep.truth[r]! - predicted[r]!;
    byBin[calibrationBin(edges, predicted[r]!)]!.push(residual);
    allResiduals.push(residual);
  }
  allResiduals.sort((a, b) => a - b);
  const sortedBins = byBin.map((b) => (b.length >= MIN_BIN_RESIDUALS ? b.sort((a, c) => a - c) : allResiduals));
  const calibration: RulCalibration = {
    coverage: o.coverage,
    edges,
    lowerOffset: sortedBins.map((b) => quantileSorted(b, qLow)),
    upperOffset: sortedBins.map((b) => quantileSorted(b, 1 - qLow)),
    source,
  };

  return {
    kind: 'twinline.rul.gbrt',
    version: 1,
    cap: o.cap,
    preprocessing,
    featureNames: featureNames(preprocessing),
    regressor,
    calibration,
    trainedOn: { units: trajectories.length, cycles: cycles.length, seed: o.seed },
  };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/**
 * Estimates the remaining useful life after the last cycle of `recentHistory` (oldest first; only
 * the last `longWindow` cycles are read; the last cycle's `cycle` is the unit's age).
 */
export function estimateRul(model: RulModel, recentHistory: readonly RulCycle[]): RulEstimate {
  if (recentHistory.length === 0) throw new Error('RUL estimate: the history is empty');
  const p = model.preprocessing;
  const tail = recentHistory.slice(-p.longWindow);
  const z = tail.map((c) => normalisedRow(p, c));
  const hi = z.map((row) => healthIndexOf(p, row));
  const x = new Float64Array(featureCount(p));
  windowFeatures(p, z, hi, tail.length - 1, tail[tail.length - 1]!.cycle, x, 0);
  const rul = clamp(predictBoosted(model.regressor, x), 0, model.cap);
  const bin = calibrationBin(model.calibration.edges, rul);
  const shortHi = hi.slice(-p.shortWindow);
  return {
    rul,
    lower: Math.max(0, Math.min(rul, rul + model.calibration.lowerOffset[bin]!)),
    upper: Math.max(rul, rul + model.calibration.upperOffset[bin]!),
    healthIndex: clamp(shortHi.reduce((a, b) => a + b, 0) / shortHi.length, 0, 1),
  };
}

/**
 * The failure-prediction rule the live twin, the replay and the evaluation share: raise
 * `FailurePredicted` when the LOWER bound of the RUL interval falls inside the planning horizon
 * (`lower ≤ horizon`, both in cycles). Using the lower bound rather than the point estimate warns
 * earlier, at the calibrated risk that the failure comes before the point estimate says.
 */
export function failurePredicted(estimate: RulEstimate, horizon: number): boolean {
  return estimate.lower <= horizon;
}
