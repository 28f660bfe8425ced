import { finiteOrThrow, nonNegativeOrThrow, PipelineError, positiveOrThrow } from './pipeline.errors';

/**
 * Linear (uniform) corrosion rate in mm/yr from a wall loss over a time in service: loss / years,
 * API 570's long-term rate (t_initial − t_actual) / years.
 */
export function corrosionRateMmPerYear(thicknessLossMm: number, yearsInService: number): number {
  return nonNegativeOrThrow('thicknessLossMm', thicknessLossMm) / positiveOrThrow('yearsInService', yearsInService);
}

/** A wall-thickness reading at a time in years (any origin). */
export interface ThicknessPoint {
  readonly years: number;
  readonly thicknessMm: number;
}

/** Ordinary least-squares line thickness = intercept + slope·years over the points. */
export interface ThicknessFit {
  readonly slopeMmPerYear: number;
  readonly interceptMm: number;
  readonly points: number;
}

/**
 * The least-squares line through wall-thickness readings: slope = Σ(x−x̄)(y−ȳ) / Σ(x−x̄)².
 * Needs ≥ 2 readings at ≥ 2 different times (field `readings`); every value must be finite.
 */
export function fitThickness(points: readonly ThicknessPoint[]): ThicknessFit {
  if (!Array.isArray(points) || points.length < 2) throw new PipelineError('readings', `need at least 2 readings for a corrosion rate, got ${Array.isArray(points) ? points.length : 0}`);
  points.forEach((p, i) => {
    finiteOrThrow(`readings[${i}].years`, p.years);
    nonNegativeOrThrow(`readings[${i}].thicknessMm`, p.thicknessMm);
  });
  const n = points.length;
  const meanX = points.reduce((s, p) => s + p.years, 0) / n;
  const meanY = points.reduce((s, p) => s + p.thicknessMm, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.years - meanX) * (p.thicknessMm - meanY);
    sxx += (p.years - meanX) ** 2;
  }
  if (sxx === 0) throw new PipelineError('readings', 'all readings are at the same time: a rate needs readings at two different times at least');
  const slope = sxy / sxx;
  return { slopeMmPerYear: slope, interceptMm: meanY - slope * meanX, points: n };
}

/** Corrosion rate (mm/yr, positive = thinning) as the negated least-squares slope of the readings. */
export function leastSquaresCorrosionRateMmPerYear(points: readonly ThicknessPoint[]): number {
  const slope = fitThickness(points).slopeMmPerYear;
  return slope === 0 ? 0 : -slope;
}

export interface RemainingLife {
  /** Years until the wall reaches t_min at the given rate: ∞ when the rate is ≤ 0, 0 at or below t_min. */
  readonly remainingLifeYears: number;
  /** The wall is at or below t_min already. */
  readonly belowMinimum: boolean;
}

/**
 * API 570 remaining life = (t_actual − t_required) / corrosion rate. At or below t_min: 0 years and
 * `belowMinimum`. A rate ≤ 0 (no measured thinning) gives ∞ (`Number.POSITIVE_INFINITY`).
 */
export function remainingLife(currentThicknessMm: number, minimumThicknessMm: number, rateMmPerYear: number): RemainingLife {
  const current = nonNegativeOrThrow('currentThicknessMm', currentThicknessMm);
  const tMin = nonNegativeOrThrow('minimumThicknessMm', minimumThicknessMm);
  const rate = finiteOrThrow('corrosionRateMmPerYear', rateMmPerYear);
  if (current <= tMin) return { remainingLifeYears: 0, belowMinimum: true };
  if (rate <= 0) return { remainingLifeYears: Number.POSITIVE_INFINITY, belowMinimum: false };
  return { remainingLifeYears: (current - tMin) / rate, belowMinimum: false };
}

export type LifeStatus = 'Normal' | 'Moderate' | 'Critical';

/**
 * Where remaining life moves a segment from Normal to Moderate to Critical (years). Defaults from
 * API 570's half-life rule (next thickness inspection within half the remaining life, at most 5
 * years for Class 1 piping): below 2 years the next inspection would be due within a year, so act
 * now (Critical); below 10 years the remaining life, not the 5-year maximum, sets the inspection
 * interval (Moderate); from 10 years on the time-based maximum governs (Normal).
 */
export interface LifeThresholds {
  readonly criticalBelowYears: number;
  readonly moderateBelowYears: number;
}

export const DEFAULT_LIFE_THRESHOLDS: LifeThresholds = Object.freeze({ criticalBelowYears: 2, moderateBelowYears: 10 });

/** Critical at or below t_min or when remaining life < critical; Moderate below moderate; else Normal. */
export function lifeStatus(life: RemainingLife, thresholds: LifeThresholds = DEFAULT_LIFE_THRESHOLDS): LifeStatus {
  const critical = nonNegativeOrThrow('criticalBelowYears', thresholds.criticalBelowYears);
  const moderate = nonNegativeOrThrow('moderateBelowYears', thresholds.moderateBelowYears);
  if (moderate < critical) throw new PipelineError('moderateBelowYears', `must be >= criticalBelowYears (${critical}), got ${moderate}`);
  if (life.belowMinimum || life.remainingLifeYears < critical) return 'Critical';
  if (life.remainingLifeYears < moderate) return 'Moderate';
  return 'Normal';
}

/**
 * The seed table's own Condition, a function of wall loss alone (README of the dataset):
 * Normal < 2 mm, Moderate 2–5 mm (5.0 included), Critical > 5 mm. For comparison only.
 */
export function conditionFromLossMm(thicknessLossMm: number): LifeStatus {
  const loss = nonNegativeOrThrow('thicknessLossMm', thicknessLossMm);
  if (loss < 2) return 'Normal';
  return loss <= 5 ? 'Moderate' : 'Critical';
}
