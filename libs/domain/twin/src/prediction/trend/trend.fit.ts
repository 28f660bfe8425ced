import { normalCdf, studentTQuantile } from './trend.stats';
import type { TrendWindow } from './trend.window';

const HOUR_MS = 3_600_000;

/**
 * An ordinary least-squares line through a window's points, value against source time:
 * value(t) = level + slopePerHour · (t − at) / 1 h.
 */
export interface Trend {
  /** Points the line was fitted to. */
  readonly points: number;
  /** The time the level refers to: the newest point's time (ms since the epoch). */
  readonly at: number;
  /** The fitted value at `at`. */
  readonly level: number;
  /** Change per hour. */
  readonly slopePerHour: number;
  /** Standard error of the slope (per hour): s / √Sxx. */
  readonly slopeSe: number;
  /** Residual standard error s = √(SSE / (n − 2)). */
  readonly residualSe: number;
  /** Hours between the oldest and the newest point. */
  readonly spanHours: number;
}

/** Fewer points than this never give a trend (a line through two points has no error estimate). */
export const MIN_TREND_POINTS = 3;

/**
 * The least-squares trend of a window, or null with fewer than `minPoints` points (at least 3) or
 * when all points share one time. Times are taken in hours relative to the newest point, so epoch
 * milliseconds do not cost precision. O(points).
 */
export function fitTrend(window: TrendWindow, minPoints = MIN_TREND_POINTS): Trend | null {
  // The closed points, then the open bucket (trend.window.ts): index i < m reads points[i], i = m the open one.
  const { points, open } = window;
  const m = points.length;
  const n = m + (open ? 1 : 0);
  if (n < Math.max(MIN_TREND_POINTS, minPoints)) return null;
  const pointAt = (i: number) => (i < m ? points[i]! : open!);
  const at = pointAt(n - 1).t;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    const p = pointAt(i);
    sx += (p.t - at) / HOUR_MS;
    sy += p.v;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const p = pointAt(i);
    const dx = (p.t - at) / HOUR_MS - mx;
    sxx += dx * dx;
    sxy += dx * (p.v - my);
  }
  if (!(sxx > 0)) return null;
  const slope = sxy / sxx;
  const level = my - slope * mx;
  let sse = 0;
  for (let i = 0; i < n; i++) {
    const p = pointAt(i);
    const r = p.v - (level + (slope * (p.t - at)) / HOUR_MS);
    sse += r * r;
  }
  const residualSe = Math.sqrt(sse / (n - 2));
  return { points: n, at, level, slopePerHour: slope, slopeSe: residualSe / Math.sqrt(sxx), residualSe, spanHours: (at - pointAt(0).t) / HOUR_MS };
}

/** The fitted value at time `t` (ms since the epoch). */
export function trendValueAt(trend: Trend, t: number): number {
  return trend.level + (trend.slopePerHour * (t - trend.at)) / HOUR_MS;
}

/** A limit like a profile's: crossed when a value is strictly above `max` or strictly below `min`. */
export interface TrendLimit {
  readonly max?: number;
  readonly min?: number;
}

export interface CrossingOptions {
  /**
   * One-sided confidence of the slope bounds (default 0.95): the trend approaches a limit only when
   * the slope's lower bound (slope − t·SE) still points at it, and `earliestAt` uses the upper bound.
   */
  readonly confidence: number;
  /** No crossing predicted further ahead than this many times the window's span (default 3). */
  readonly maxExtrapolation: number;
}

export const DEFAULT_CROSSING: CrossingOptions = Object.freeze({ confidence: 0.95, maxExtrapolation: 3 });

/** When a trend is predicted to cross a limit. */
export interface ThresholdCrossing {
  /** The limit crossed and how ('>': rising above `max`, '<': falling below `min`). */
  readonly limit: number;
  readonly comparator: '>' | '<';
  /** Where the fitted line crosses the limit (ms since the epoch); `now` when the line is beyond it already. */
  readonly predictedAt: number;
  /** The crossing with the steepest slope of the confidence interval (slope ± t·SE toward the limit): the earliest plausible time. */
  readonly earliestAt: number;
  /** The crossing with the shallowest slope of the interval: the latest plausible time. */
  readonly latestAt: number;
  /** Hours from `now` to `predictedAt` (≥ 0). */
  readonly hours: number;
}

/**
 * When the trend crosses `limit`, seen from `now` (ms since the epoch), or null when it is not
 * approaching it: no limit on the side it moves to, a slope whose one-sided confidence bound does
 * not point at the limit (flat or noisy series), or a crossing further ahead than `maxExtrapolation`
 * times the window's span. If both `max` and `min` are set, the one the slope points at counts.
 *
 * The line is taken from its fitted value at `now`: hours = (limit − value(now)) / slope;
 * earliest and latest divide by slope ± t(confidence; n − 2)·SE(slope).
 */
export function timeToThreshold(trend: Trend, limit: TrendLimit, now: number, options: CrossingOptions = DEFAULT_CROSSING): ThresholdCrossing | null {
  const rising = trend.slopePerHour > 0;
  const bound = rising ? limit.max : limit.min;
  if (bound === undefined || trend.slopePerHour === 0) return null;
  const dof = trend.points - 2;
  const margin = studentTQuantile(options.confidence, dof) * trend.slopeSe;
  const toward = Math.abs(trend.slopePerHour);
  if (!(toward - margin > 0)) return null;

  const distance = rising ? bound - trendValueAt(trend, now) : trendValueAt(trend, now) - bound;
  const comparator = rising ? '>' : '<';
  if (distance <= 0) return { limit: bound, comparator, predictedAt: now, earliestAt: now, latestAt: now, hours: 0 };
  const hours = distance / toward;
  if (hours > options.maxExtrapolation * trend.spanHours) return null;
  return {
    limit: bound,
    comparator,
    predictedAt: now + hours * HOUR_MS,
    earliestAt: now + (distance / (toward + margin)) * HOUR_MS,
    latestAt: now + (distance / (toward - margin)) * HOUR_MS,
    hours,
  };
}

/**
 * The probability that the trend reaches `crossing`'s limit within `hours` of `now`: that the slope
 * is at least the one needed, with the slope normally distributed around its estimate with its
 * standard error. 1 when the fitted line is beyond the limit already; a step (0 or 1) for an exact line.
 */
export function probabilityWithin(trend: Trend, crossing: Pick<ThresholdCrossing, 'limit' | 'comparator'>, now: number, hours: number): number {
  const value = trendValueAt(trend, now);
  const distance = crossing.comparator === '>' ? crossing.limit - value : value - crossing.limit;
  if (distance <= 0) return 1;
  if (!(hours > 0)) return 0;
  const needed = distance / hours;
  const toward = crossing.comparator === '>' ? trend.slopePerHour : -trend.slopePerHour;
  if (trend.slopeSe === 0) return toward >= needed ? 1 : 0;
  return normalCdf((toward - needed) / trend.slopeSe);
}
