/**
 * A sliding window of one metric's (source time, value) readings, kept small and plain JSON.
 *
 * Readings are averaged into time buckets (`bucketSeconds`, aligned on the epoch): a fast sensor
 * (1 Hz) fills one point per bucket, a slow one (hourly) one point per reading. The window keeps at
 * most `maxPoints` buckets and none older than `maxAgeSeconds` before its newest point, so its size
 * is bounded whatever the sampling rate. Points are kept in time order; a late reading joins its
 * bucket (or is inserted in order), one older than the window is ignored.
 */

/** One bucket: the mean source time (ms since the epoch) and mean value of the `n` readings in it. */
export interface TrendPoint {
  readonly t: number;
  readonly v: number;
  readonly n: number;
}

/**
 * The window of one metric: buckets oldest first. With buckets (bucketSeconds > 0) the newest one,
 * which readings still join, is kept apart in `open`: a reading joining it makes a new window that
 * shares `points` (no copy per reading); `points` is copied only when a bucket closes, a point
 * expires or a late reading lands in an older bucket. All points: windowPoints(window).
 */
export interface TrendWindow {
  readonly points: readonly TrendPoint[];
  /** The newest bucket (only with bucketSeconds > 0). */
  readonly open?: TrendPoint;
}

/** Every point of a window, oldest first (the closed ones, then the open bucket). */
export function windowPoints(window: TrendWindow): readonly TrendPoint[] {
  return window.open ? [...window.points, window.open] : window.points;
}

/** How many points a window holds. */
export function windowSize(window: TrendWindow): number {
  return window.points.length + (window.open ? 1 : 0);
}

export interface TrendWindowOptions {
  /** Readings within one aligned bucket of this many seconds are averaged into one point; 0: every reading is its own point. */
  readonly bucketSeconds: number;
  /** At most this many points (the oldest go first). */
  readonly maxPoints: number;
  /** No point older than this many seconds before the newest point. */
  readonly maxAgeSeconds: number;
}

/**
 * Defaults: 30-minute buckets, at most 48 of them, none older than 24 h — a day of history whatever
 * the sampling rate (hourly readings: 24 points; one a second: 48 half-hour means).
 */
export const DEFAULT_TREND_WINDOW: TrendWindowOptions = Object.freeze({ bucketSeconds: 1800, maxPoints: 48, maxAgeSeconds: 86_400 });

export const EMPTY_TREND_WINDOW: TrendWindow = Object.freeze({ points: Object.freeze([]) as readonly TrendPoint[] });

function bucketOf(t: number, bucketMs: number): number {
  return bucketMs > 0 ? Math.floor(t / bucketMs) : t;
}

/**
 * The window with the reading (`t` ms since the epoch, `value`; `weight`: how many readings it stands for, e.g. a
 * re-bucketed point's count) added. Pure: the given window is not
 * changed. A non-finite time or value, or a reading older than the window keeps, returns the window
 * as it is (the same object).
 */
export function addToWindow(window: TrendWindow, t: number, value: number, options: TrendWindowOptions = DEFAULT_TREND_WINDOW, weight = 1): TrendWindow {
  if (!Number.isFinite(t) || !Number.isFinite(value)) return window;
  const { open } = window;
  const bucketMs = options.bucketSeconds * 1000;
  const maxAgeMs = options.maxAgeSeconds * 1000;
  const closed = window.points;
  const newest = open ? open.t : closed.length ? closed[closed.length - 1]!.t : -Infinity;
  if (t < newest - maxAgeMs) return window;
  const bucket = bucketOf(t, bucketMs);

  // Fast path: the reading joins the open bucket, nothing expires (the count is unchanged; only the
  // oldest point can fall out of the age limit as the newest mean moves): `points` is shared.
  if (open && bucketMs > 0 && bucketOf(open.t, bucketMs) === bucket && closed.length < options.maxPoints) {
    const n = open.n + weight;
    const joined = { t: open.t + ((t - open.t) * weight) / n, v: open.v + ((value - open.v) * weight) / n, n };
    if (closed.length === 0 || !(closed[0]!.t < joined.t - maxAgeMs)) return { points: closed, open: joined };
  }

  // Otherwise on all points (the same arithmetic), then the newest is kept apart again.
  const points = open ? [...closed, open] : closed;

  // Where the reading goes: almost always into the last point's bucket or after it.
  let i = points.length;
  let lastBucket = i > 0 ? bucketOf(points[i - 1]!.t, bucketMs) : -Infinity;
  while (i > 0 && lastBucket > bucket) {
    i -= 1;
    lastBucket = i > 0 ? bucketOf(points[i - 1]!.t, bucketMs) : -Infinity;
  }

  let next: TrendPoint[];
  if (bucketMs > 0 && i > 0 && lastBucket === bucket) {
    const same = points[i - 1]!;
    const n = same.n + weight;
    next = points.slice();
    next[i - 1] = { t: same.t + ((t - same.t) * weight) / n, v: same.v + ((value - same.v) * weight) / n, n };
  } else if (i === points.length) {
    next = points.slice();
    next.push({ t, v: value, n: weight });
  } else {
    next = [...points.slice(0, i), { t, v: value, n: weight }, ...points.slice(i)];
  }

  // Expire by age (from the newest point) and by count.
  const newestNow = next[next.length - 1]!.t;
  let drop = Math.max(0, next.length - options.maxPoints);
  while (drop < next.length && next[drop]!.t < newestNow - maxAgeMs) drop += 1;
  if (drop > 0) next.splice(0, drop);
  if (bucketMs > 0) {
    const newestPoint = next.pop()!;
    return { points: next, open: newestPoint };
  }
  return { points: next };
}

/** The window of readings added one after another (in the given order) to an empty window. */
export function windowOf(points: ReadonlyArray<{ readonly t: number; readonly v: number }>, options: TrendWindowOptions = DEFAULT_TREND_WINDOW): TrendWindow {
  return points.reduce<TrendWindow>((w, p) => addToWindow(w, p.t, p.v, options), EMPTY_TREND_WINDOW);
}
