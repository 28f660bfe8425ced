import { fitTrend, timeToThreshold, windowPoints, type CrossingOptions, type ThresholdCrossing, type Trend, type TrendWindow } from '../trend';

/*
 * A multivariate health index for an asset without failure labels (docs/prediction.md, "Health
 * index from the anomaly detector").
 *
 * The anomaly detector (../anomaly) scores every reading after its training period with
 * score = T² / p, Hotelling's T² of the asset's feature vector (all its metrics) against the
 * training period, divided by the number of features: about 1 on average in training. The health
 * index works on the distance d = √score (the Mahalanobis distance per √feature), not on the
 * score: a steady drift of the features moves d linearly in time (T² quadratically), and the
 * trend code fits a line.
 *
 *     HI = clamp((√F − d) / (√F − 1), 0, 1)
 *
 * 1 at the training period's typical distance (d = 1) or closer, 0 at the failure score F
 * (d = √F). HI is linear in d, so the time for HI to reach 0 is the time for the trend of d to
 * reach √F: the twin keeps a trend window of d (bucket means, like a metric's window; the fold's
 * `prediction.health`) and the RUL is timeToThreshold of that window's line against √F, with the
 * interval from the slope's confidence bounds (earliest, latest). No labels are needed; F is
 * configuration (HealthIndexSettings).
 */

const HOUR_MS = 3_600_000;

/** How the health index is judged (a profile's `prediction.healthIndex`, resolved). */
export interface HealthIndexSettings {
  /** Compute the health index and its RUL at all. */
  readonly enabled: boolean;
  /** The detector score (T² / features) taken as failure: HI = 0. Absent: `failureMultiple` × the detector's `raiseAbove`. */
  readonly failureScore?: number;
  /** The failure score as a multiple of the detector's `raiseAbove` when `failureScore` is not set. */
  readonly failureMultiple: number;
  /**
   * No RUL until the distances' window spans at least this many hours: the detector's score is
   * noisy reading by reading (T² of three features has a standard deviation of about 0.8 × its mean
   * in training), and a few hours of it after training make spurious steep trends.
   */
  readonly minSpanHours: number;
}

/**
 * Default: failure at 4 × raiseAbove (20 with the detector's default raiseAbove 5), i.e. twice the
 * anomaly threshold's distance: HI = 0.64 where an anomaly starts to count, 0 at twice that distance.
 */
export const DEFAULT_HEALTH_INDEX: HealthIndexSettings = Object.freeze({ enabled: true, failureMultiple: 4, minSpanHours: 12 });

/** The distance the health window holds for a detector score: √score (scores are ≥ 0). */
export function healthDistance(score: number): number {
  return Math.sqrt(Math.max(0, score));
}

/** The failure score of the settings for a detector raising above `raiseAbove`. */
export function failureScoreOf(settings: HealthIndexSettings, raiseAbove: number): number {
  return settings.failureScore ?? settings.failureMultiple * raiseAbove;
}

/** HI of a distance d: clamp((√F − d) / (√F − 1), 0, 1); null when the failure score is not above 1 (no scale). */
export function healthIndexOf(distance: number, failureScore: number): number | null {
  const f = Math.sqrt(failureScore);
  if (!(f > 1)) return null;
  return Math.min(1, Math.max(0, (f - distance) / (f - 1)));
}

/** The current health index of a window of distances: HI of its newest bucket's mean; null when empty. */
export function currentHealthIndex(window: TrendWindow, failureScore: number): number | null {
  const newest = window.open ?? window.points[window.points.length - 1];
  return newest === undefined ? null : healthIndexOf(newest.v, failureScore);
}

/** A health-index RUL: the crossing of √F by the distance's trend, and the HI now. */
export interface HealthRul {
  readonly healthIndex: number;
  readonly trend: Trend;
  readonly crossing: ThresholdCrossing;
}

/**
 * When the trend of the distances reaches the failure score's distance √F, seen from `now`, or null:
 * fewer than `minPoints` points or a window spanning less than `minSpanHours`, no scale (F ≤ 1), the failure level reached already (HI = 0 or the
 * fitted line at or beyond √F: there is no life left to estimate, the anomaly detector has spoken),
 * or a trend not approaching √F (flat, falling or within its noise, or further ahead than
 * `maxExtrapolation` × the window's span; timeToThreshold).
 */
export function healthRul(window: TrendWindow, failureScore: number, now: number, options: CrossingOptions & { readonly minPoints: number; readonly minSpanHours: number }): HealthRul | null {
  const healthIndex = currentHealthIndex(window, failureScore);
  if (healthIndex === null || healthIndex <= 0) return null;
  const oldest = window.points[0] ?? window.open;
  const newest = window.open ?? window.points[window.points.length - 1];
  if (oldest === undefined || newest === undefined || (newest.t - oldest.t) / HOUR_MS < options.minSpanHours) return null;
  const trend = fitTrend(window, options.minPoints);
  if (trend === null || trend.spanHours < options.minSpanHours) return null;
  const crossing = timeToThreshold(trend, { max: Math.sqrt(failureScore) }, now, options);
  return crossing === null || crossing.hours <= 0 ? null : { healthIndex, trend, crossing };
}

/** Every point of a health window as (time, HI) pairs, oldest first (for reading and tests). */
export function healthIndexSeries(window: TrendWindow, failureScore: number): { readonly t: number; readonly hi: number | null }[] {
  return windowPoints(window).map((p) => ({ t: p.t, hi: healthIndexOf(p.v, failureScore) }));
}
