import { estimateRul, failurePredicted, fitRulModel, rulRandom, shuffled, type RulFitOptions, type RulModel, type RulTrajectory } from '@twinline/domain-twin';
import { phm08Score, quantile, rmse } from './cmapss.metrics';
import { seededRandom } from './seeded-random';

/**
 * Truncation of a held-out unit, mirroring the official FD001 test split: the true RUL after the
 * last kept cycle is drawn uniformly from the integers [TRUNCATION.minRul, min(TRUNCATION.maxRul,
 * cycles − TRUNCATION.minKept)], so at least `minKept` cycles stay observed (official test: true
 * RUL 7–145, shortest test unit 31 cycles).
 */
export const TRUNCATION = { minRul: 7, maxRul: 145, minKept: 31 } as const;

/** A cap applied to the TRUE RUL for the secondary, clearly labelled "capped" metrics. */
export const CAPPED_TRUTH = 125;

export interface UnitPrediction {
  readonly unitId: string;
  readonly observedCycles: number;
  readonly trueRul: number;
  readonly rul: number;
  readonly lower: number;
  readonly upper: number;
  readonly healthIndex: number;
}

export interface LeadTime {
  readonly unitId: string;
  /** True RUL when FailurePredicted was first raised; null when it never was. */
  readonly leadCycles: number | null;
}

export interface LeadTimeSummary {
  readonly horizon: number;
  readonly units: number;
  readonly alerted: number;
  readonly neverAlerted: number;
  /** Alerted units whose first alert came with true RUL > 2 × horizon (too early to be useful). */
  readonly tooEarly: number;
  /** Alerted units whose first alert came only at the failing cycle itself (true RUL 0: no warning). */
  readonly atFailure: number;
  readonly median: number | null;
  readonly min: number | null;
  readonly p10: number | null;
  readonly max: number | null;
}

export interface RulScores {
  readonly units: number;
  readonly rmse: number;
  readonly phmScore: number;
  readonly meanError: number;
  /** Share of units whose true RUL lies inside [lower, upper]. */
  readonly intervalCoverage: number;
  readonly meanIntervalWidth: number;
  /** RMSE / PHM08 against the true RUL capped at 125 (secondary, not comparable to the literature). */
  readonly rmseCappedTruth: number;
  readonly phmScoreCappedTruth: number;
}

export function scorePredictions(p: readonly UnitPrediction[]): RulScores {
  const predicted = p.map((u) => u.rul);
  const truth = p.map((u) => u.trueRul);
  const capped = truth.map((t) => Math.min(CAPPED_TRUTH, t));
  return {
    units: p.length,
    rmse: rmse(predicted, truth),
    phmScore: phm08Score(predicted, truth),
    meanError: p.reduce((s, u) => s + u.rul - u.trueRul, 0) / p.length,
    intervalCoverage: p.filter((u) => u.lower <= u.trueRul && u.trueRul <= u.upper).length / p.length,
    meanIntervalWidth: p.reduce((s, u) => s + u.upper - u.lower, 0) / p.length,
    rmseCappedTruth: rmse(predicted, capped),
    phmScoreCappedTruth: phm08Score(predicted, capped),
  };
}

/** Assigns units to k folds: a seeded shuffle, then round robin. */
export function foldsByUnit(unitIds: readonly string[], folds: number, seed: number): string[][] {
  if (folds < 2 || folds > unitIds.length) throw new Error(`--folds must be between 2 and the number of units (${unitIds.length}), got ${folds}`);
  // The domain's seeded Fisher–Yates (the RUL model's own folds use it too).
  const order = shuffled(unitIds, rulRandom(seed));
  const out: string[][] = Array.from({ length: folds }, () => []);
  order.forEach((u, i) => out[i % folds]!.push(u));
  return out;
}

/** The true RUL after the kept prefix of a unit with `cycles` cycles (see TRUNCATION); null if too short. */
export function truncationRul(cycles: number, next: () => number): number | null {
  const max = Math.min(TRUNCATION.maxRul, cycles - TRUNCATION.minKept);
  if (max < TRUNCATION.minRul) return null;
  return TRUNCATION.minRul + Math.floor(next() * (max - TRUNCATION.minRul + 1));
}

export function predictUnit(model: RulModel, unitId: string, observed: RulTrajectory['cycles'], trueRul: number): UnitPrediction {
  const e = estimateRul(model, observed);
  return { unitId, observedCycles: observed.length, trueRul, ...e };
}

/**
 * Replays a whole run-to-failure trajectory cycle by cycle through the estimator and the
 * `failurePredicted` rule; returns the true RUL at the first alert (null: never raised).
 */
export function replayLeadTime(model: RulModel, unit: RulTrajectory, horizon: number): LeadTime {
  const last = unit.cycles.length - 1;
  for (let i = 0; i <= last; i++) {
    if (failurePredicted(estimateRul(model, unit.cycles.slice(Math.max(0, i + 1 - model.preprocessing.longWindow), i + 1)), horizon)) return { unitId: unit.unitId, leadCycles: last - i };
  }
  return { unitId: unit.unitId, leadCycles: null };
}

export function summariseLeadTimes(leads: readonly LeadTime[], horizon: number): LeadTimeSummary {
  const values = leads.map((l) => l.leadCycles).filter((v): v is number => v !== null);
  const some = values.length > 0;
  return {
    horizon,
    units: leads.length,
    alerted: values.length,
    neverAlerted: leads.length - values.length,
    tooEarly: values.filter((v) => v > 2 * horizon).length,
    atFailure: values.filter((v) => v === 0).length,
    median: some ? quantile(values, 0.5) : null,
    min: some ? Math.min(...values) : null,
    p10: some ? quantile(values, 0.1) : null,
    max: some ? Math.max(...values) : null,
  };
}

export interface CrossValidation {
  readonly predictions: UnitPrediction[];
  readonly leadTimes: LeadTime[];
  readonly skippedUnits: string[];
}

/**
 * k-fold cross-validation by unit: fits on the other folds' full trajectories, truncates each held-out
 * unit at a seeded point (TRUNCATION), predicts the RUL at its last kept cycle, and replays its full
 * trajectory for the alert lead time. The fit options never see the held-out fold.
 */
export function crossValidate(units: readonly RulTrajectory[], o: { folds: number; seed: number; horizon: number; fit: RulFitOptions; cuts?: number; leadTime?: boolean; onFold?: (fold: number, seconds: number) => void; clock?: () => number }): CrossValidation {
  const folds = foldsByUnit(
    units.map((u) => u.unitId),
    o.folds,
    o.seed,
  );
  const cut = seededRandom(o.seed + 1);
  // Truncation points are drawn once, in unit order, independent of the fold assignment.
  // With cuts > 1 each unit is scored at several independent truncation points (a steadier estimate).
  const cuts = o.cuts ?? 1;
  const draws = units.map((u) => Array.from({ length: cuts }, () => truncationRul(u.cycles.length, cut.next)));
  const trueRulOf = new Map(units.map((u, i) => [u.unitId, draws[i]!]));
  const predictions: UnitPrediction[] = [];
  const leadTimes: LeadTime[] = [];
  const skippedUnits = units.filter((u) => trueRulOf.get(u.unitId)![0] === null).map((u) => u.unitId);
  folds.forEach((held, f) => {
    const started = o.clock?.() ?? 0;
    const heldSet = new Set(held);
    const model = fitRulModel(
      units.filter((u) => !heldSet.has(u.unitId)),
      { ...o.fit, seed: (o.fit.seed ?? o.seed) + f },
    );
    for (const unit of units.filter((u) => heldSet.has(u.unitId))) {
      for (const trueRul of trueRulOf.get(unit.unitId)!) {
        if (trueRul !== null) predictions.push(predictUnit(model, unit.unitId, unit.cycles.slice(0, unit.cycles.length - trueRul), trueRul));
      }
      if (o.leadTime !== false) leadTimes.push(replayLeadTime(model, unit, o.horizon));
    }
    o.onFold?.(f, ((o.clock?.() ?? 0) - started) / 1000);
  });
  return { predictions, leadTimes, skippedUnits };
}
