import fc from 'fast-check';
import { addToWindow, DEFAULT_CROSSING, EMPTY_TREND_WINDOW, fitTrend, normalCdf, normalQuantile, probabilityWithin, studentTQuantile, timeToThreshold, windowOf, windowPoints, type TrendWindowOptions } from './index';

const T0 = Date.parse('2024-01-01T00:00:00Z');
const H = 3_600_000;
const at = (hours: number) => T0 + hours * H;
const EVERY_READING: TrendWindowOptions = { bucketSeconds: 0, maxPoints: 100, maxAgeSeconds: 10 * 86_400 };
const series = (values: readonly number[], hours: (i: number) => number = (i) => i) => windowOf(values.map((v, i) => ({ t: at(hours(i)), v })), EVERY_READING);

describe('trend statistics', () => {
  it('normal quantile and CDF match the tables', () => {
    expect(normalQuantile(0.95)).toBeCloseTo(1.644854, 5);
    expect(normalQuantile(0.025)).toBeCloseTo(-1.959964, 5);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
  });

  it("Student's t quantile is within 0.3 % of the tables from 3 degrees of freedom", () => {
    const table: Array<[number, number]> = [[3, 2.353], [4, 2.132], [6, 1.943], [10, 1.812], [30, 1.697]];
    for (const [dof, t] of table) expect(Math.abs(studentTQuantile(0.95, dof) / t - 1)).toBeLessThan(0.003);
  });
});

describe('trend window', () => {
  it('given hourly readings and 30-minute buckets, when added, then each reading is its own point, in time order', () => {
    const w = windowOf([{ t: at(0), v: 1 }, { t: at(2), v: 3 }, { t: at(1), v: 2 }]);
    expect(windowPoints(w)).toEqual([{ t: at(0), v: 1, n: 1 }, { t: at(1), v: 2, n: 1 }, { t: at(2), v: 3, n: 1 }]);
  });

  it('given readings inside one bucket, when added, then they are averaged into one point (mean time, mean value)', () => {
    const w = windowOf([{ t: at(0), v: 10 }, { t: at(0.1), v: 20 }, { t: at(0.2), v: 60 }]);
    expect(windowPoints(w)).toHaveLength(1);
    expect(windowPoints(w)[0]!.n).toBe(3);
    expect(windowPoints(w)[0]!.v).toBeCloseTo(30, 12);
    expect(windowPoints(w)[0]!.t).toBeCloseTo(at(0.1), 3);
  });

  it('given a full window, when a reading is added, then the oldest point goes (by count)', () => {
    const w = windowOf([0, 1, 2, 3].map((h) => ({ t: at(h), v: h })), { ...EVERY_READING, maxPoints: 3 });
    expect(windowPoints(w).map((p) => p.v)).toEqual([1, 2, 3]);
  });

  it('given points older than the maximum age before the newest, when a reading is added, then they go (by duration)', () => {
    const w = windowOf([0, 1, 30, 31].map((h) => ({ t: at(h), v: h })), { ...EVERY_READING, maxAgeSeconds: 24 * 3600 });
    expect(windowPoints(w).map((p) => p.v)).toEqual([30, 31]);
  });

  it('given a reading older than the window keeps, or not a number, when added, then the window is unchanged (same object)', () => {
    const w = windowOf([30, 31].map((h) => ({ t: at(h), v: h })), { ...EVERY_READING, maxAgeSeconds: 24 * 3600 });
    expect(addToWindow(w, at(1), 1, { ...EVERY_READING, maxAgeSeconds: 24 * 3600 })).toBe(w);
    expect(addToWindow(w, at(32), Number.NaN)).toBe(w);
    expect(addToWindow(w, Number.NaN, 1)).toBe(w);
  });

  it('stays within maxPoints and maxAge and in time order, whatever the readings (property)', () => {
    const options: TrendWindowOptions = { bucketSeconds: 600, maxPoints: 10, maxAgeSeconds: 7200 };
    fc.assert(
      fc.property(fc.array(fc.record({ minutes: fc.integer({ min: 0, max: 600 }), v: fc.double({ min: -1e3, max: 1e3, noNaN: true }) }), { maxLength: 60 }), (rs) => {
        const w = rs.reduce((acc, r) => addToWindow(acc, at(r.minutes / 60), r.v, options), EMPTY_TREND_WINDOW);
        expect(windowPoints(w).length).toBeLessThanOrEqual(10);
        const ts = windowPoints(w).map((p) => p.t);
        expect([...ts].sort((a, b) => a - b)).toEqual(ts);
        if (ts.length) expect(ts[ts.length - 1]! - ts[0]!).toBeLessThanOrEqual(7200 * 1000);
      }),
    );
  });
});

describe('trend fit and time to threshold', () => {
  it('given 50, 52, …, 60 °C hourly, then the line is 2 °C/h with no error, and 80 °C is crossed 10 h after the last reading', () => {
    const trend = fitTrend(series([50, 52, 54, 56, 58, 60]))!;
    expect(trend).toMatchObject({ points: 6, at: at(5), spanHours: 5 });
    expect(trend.slopePerHour).toBeCloseTo(2, 12);
    expect(trend.level).toBeCloseTo(60, 12);
    expect(trend.residualSe).toBeCloseTo(0, 12);
    const crossing = timeToThreshold(trend, { max: 80 }, at(5))!;
    expect(crossing.comparator).toBe('>');
    expect(crossing.hours).toBeCloseTo(10, 9);
    expect(crossing.predictedAt).toBeCloseTo(at(15), 0);
    expect(crossing.earliestAt).toBeCloseTo(at(15), 0);
    expect(crossing.latestAt).toBeCloseTo(at(15), 0);
  });

  it('given 50, 53, 54, 57, 58 hourly, then slope 2/h, level 58.4, s = √0.4, SE(slope) = 0.2, and 80 is crossed 10.8 h after the last reading, earliest with slope 2 + t(0.95; 3)·0.2', () => {
    // x̄ = 2, ȳ = 54.4, Sxx = 10, Sxy = 20 → b = 2; residuals −0.4, 0.6, −0.4, 0.6, −0.4 → SSE = 1.2.
    const trend = fitTrend(series([50, 53, 54, 57, 58]))!;
    expect(trend.slopePerHour).toBeCloseTo(2, 12);
    expect(trend.level).toBeCloseTo(58.4, 12);
    expect(trend.residualSe).toBeCloseTo(Math.sqrt(0.4), 12);
    expect(trend.slopeSe).toBeCloseTo(0.2, 12);
    const crossing = timeToThreshold(trend, { max: 80 }, at(4))!;
    const t = studentTQuantile(0.95, 3);
    expect(crossing.hours).toBeCloseTo(10.8, 9); // (80 − 58.4) / 2
    expect(crossing.earliestAt).toBeCloseTo(at(4 + 21.6 / (2 + t * 0.2)), 0); // ≈ 8.75 h
    expect(crossing.latestAt).toBeCloseTo(at(4 + 21.6 / (2 - t * 0.2)), 0); // ≈ 14.1 h
    expect((crossing.earliestAt - at(4)) / H).toBeCloseTo(8.75, 1);
  });

  it('given irregular sampling on the line 40 + 3 °C/h, then the slope is still 3 °C/h', () => {
    const hours = [0, 0.5, 3, 3.2, 7];
    const trend = fitTrend(series(hours.map((h) => 40 + 3 * h), (i) => hours[i]!))!;
    expect(trend.slopePerHour).toBeCloseTo(3, 10);
    expect(trend.spanHours).toBeCloseTo(7, 10);
    expect(timeToThreshold(trend, { max: 80 }, at(7))!.hours).toBeCloseTo((80 - 61) / 3, 9);
  });

  it('given a falling pressure toward a min limit, then the crossing is below it', () => {
    const trend = fitTrend(series([100, 90, 80, 70, 60]))!;
    const crossing = timeToThreshold(trend, { min: 20, max: 200 }, at(4))!;
    expect(crossing).toMatchObject({ limit: 20, comparator: '<' });
    expect(crossing.hours).toBeCloseTo(4, 9);
  });

  it('given a flat series, or one that wobbles without a significant slope, then no crossing is predicted', () => {
    expect(timeToThreshold(fitTrend(series([50, 50, 50, 50, 50, 50]))!, { max: 80 }, at(5))).toBeNull();
    expect(timeToThreshold(fitTrend(series([50, 51, 50, 51, 50, 51]))!, { max: 80 }, at(5))).toBeNull();
  });

  it('given a rising series and only a min limit, or one moving away from the limit, then no crossing', () => {
    const rising = fitTrend(series([50, 52, 54, 56, 58, 60]))!;
    expect(timeToThreshold(rising, { min: 10 }, at(5))).toBeNull();
    expect(timeToThreshold(fitTrend(series([60, 58, 56, 54, 52, 50]))!, { max: 80 }, at(5))).toBeNull();
  });

  it('given too few points, or all at one time, then there is no trend', () => {
    expect(fitTrend(series([50, 60]))).toBeNull();
    expect(fitTrend(series([50, 52, 54, 56]), 6)).toBeNull();
    expect(fitTrend(series([50, 52, 54], () => 0))).toBeNull();
  });

  it('given a crossing further ahead than 3 × the window span, then none is predicted', () => {
    // 0.1 °C/h over 5 h: 80 °C is 290 h away, beyond 15 h.
    expect(timeToThreshold(fitTrend(series([50, 50.1, 50.2, 50.3, 50.4, 50.5]))!, { max: 80 }, at(5), DEFAULT_CROSSING)).toBeNull();
  });

  it('given a fitted line already beyond the limit (the latest value not), then the crossing is now', () => {
    const trend = fitTrend(series([70, 74, 78, 82, 79.5]))!; // slope 2.7 °C/h, level 82.1 at the last point
    expect(timeToThreshold(trend, { max: 80 }, at(4))).toMatchObject({ predictedAt: at(4), earliestAt: at(4), hours: 0 });
  });

  it('gives the probability of reaching the limit within a horizon from the slope and its standard error', () => {
    const trend = fitTrend(series([50, 53, 54, 57, 58]))!; // slope 2 ± 0.2 per hour, 21.6 to go
    expect(probabilityWithin(trend, { limit: 80, comparator: '>' }, at(4), 10.8)).toBeCloseTo(0.5, 6);
    expect(probabilityWithin(trend, { limit: 80, comparator: '>' }, at(4), 12)).toBeCloseTo(normalCdf((2 - 1.8) / 0.2), 9);
    expect(probabilityWithin(fitTrend(series([50, 52, 54, 56, 58, 60]))!, { limit: 80, comparator: '>' }, at(5), 9)).toBe(0);
  });
});

/**
 * H10: the window keeps its newest bucket apart (`open`) so that a reading joining it does not copy
 * the points. Property: the points are exactly (bit for bit) those of the plain algorithm that keeps
 * every point in one array (the implementation before, kept here as the reference).
 */
describe('trend window with an open bucket = the plain window', () => {
  type P = { t: number; v: number; n: number };
  function reference(points: readonly P[], t: number, value: number, options: TrendWindowOptions): readonly P[] {
    const bucketMs = options.bucketSeconds * 1000;
    const maxAgeMs = options.maxAgeSeconds * 1000;
    const bucketOf = (x: number) => (bucketMs > 0 ? Math.floor(x / bucketMs) : x);
    const newest = points.length ? points[points.length - 1]!.t : -Infinity;
    if (t < newest - maxAgeMs) return points;
    const bucket = bucketOf(t);
    let i = points.length;
    let lastBucket = i > 0 ? bucketOf(points[i - 1]!.t) : -Infinity;
    while (i > 0 && lastBucket > bucket) {
      i -= 1;
      lastBucket = i > 0 ? bucketOf(points[i - 1]!.t) : -Infinity;
    }
    let next: P[];
    if (bucketMs > 0 && i > 0 && lastBucket === bucket) {
      const same = points[i - 1]!;
      const n = same.n + 1;
      next = points.slice();
      next[i - 1] = { t: same.t + ((t - same.t) * 1) / n, v: same.v + ((value - same.v) * 1) / n, n };
    } else {
      next = [...points.slice(0, i), { t, v: value, n: 1 }, ...points.slice(i)];
    }
    const newestNow = next[next.length - 1]!.t;
    let drop = Math.max(0, next.length - options.maxPoints);
    while (drop < next.length && next[drop]!.t < newestNow - maxAgeMs) drop += 1;
    return next.slice(drop);
  }

  it('gives the same points for any readings (late ones too) and any options', () => {
    fc.assert(
      fc.property(
        fc.record({ bucketSeconds: fc.constantFrom(0, 60, 600, 1800), maxPoints: fc.integer({ min: 3, max: 12 }), maxAgeSeconds: fc.constantFrom(600, 3600, 86_400) }),
        fc.array(fc.record({ dt: fc.integer({ min: -900, max: 1200 }), v: fc.double({ min: -100, max: 100, noNaN: true }) }), { minLength: 1, maxLength: 120 }),
        (options, steps) => {
          let t = Date.parse('2024-01-01T00:00:00Z');
          let w = EMPTY_TREND_WINDOW;
          let ref: readonly P[] = [];
          for (const s of steps) {
            t += s.dt * 1000;
            w = addToWindow(w, t, s.v, options);
            ref = reference(ref, t, s.v, options);
            expect(windowPoints(w)).toEqual(ref);
            expect(JSON.parse(JSON.stringify(fitTrend(w)))).toEqual(JSON.parse(JSON.stringify(fitTrend({ points: ref }))));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
