import { addToWindow, EMPTY_TREND_WINDOW, type TrendWindow } from '../trend';
import { currentHealthIndex, DEFAULT_HEALTH_INDEX, failureScoreOf, healthDistance, healthIndexOf, healthRul } from './health.index';

const H = 3_600_000;
const T0 = Date.parse('2024-01-01T00:00:00Z');
/** A window of one distance per hour (every value its own point). */
const hourly = (values: readonly number[]): TrendWindow => values.reduce<TrendWindow>((w, v, i) => addToWindow(w, T0 + i * H, v, { bucketSeconds: 0, maxPoints: 48, maxAgeSeconds: 86_400 }), EMPTY_TREND_WINDOW);
const OPTIONS = { minPoints: 6, minSpanHours: 0, confidence: 0.95, maxExtrapolation: 3 };

describe('health index from the anomaly detector score', () => {
  it('the default failure score is 4 × raiseAbove: 20 for the detector default 5', () => {
    expect(failureScoreOf(DEFAULT_HEALTH_INDEX, 5)).toBe(20);
    expect(failureScoreOf({ ...DEFAULT_HEALTH_INDEX, failureScore: 50 }, 5)).toBe(50);
  });

  it('HI = (√F − d) / (√F − 1), clipped to [0, 1]: F = 25 → d 1 → 1, d 3 → 0.5, d 5 → 0, d 0.5 → 1, d 7 → 0', () => {
    expect(healthIndexOf(1, 25)).toBe(1);
    expect(healthIndexOf(3, 25)).toBe(0.5);
    expect(healthIndexOf(5, 25)).toBe(0);
    expect(healthIndexOf(0.5, 25)).toBe(1);
    expect(healthIndexOf(7, 25)).toBe(0);
    expect(healthIndexOf(1, 1)).toBeNull(); // no scale
  });

  it('the window holds distances: score 9 → 3', () => {
    expect(healthDistance(9)).toBe(3);
    expect(healthDistance(-0.1)).toBe(0);
  });

  it('current HI is the newest point\'s: distances 1, 2, 3 with F = 25 → 0.5', () => {
    expect(currentHealthIndex(hourly([1, 2, 3]), 25)).toBe(0.5);
    expect(currentHealthIndex(EMPTY_TREND_WINDOW, 25)).toBeNull();
  });

  it('given distances 1.0, 1.5, … 3.5 hourly (0.5 an hour, exact) and F = 25, then √F = 5 is reached 3 h after the last point, interval 3 h to 3 h, HI 0.375', () => {
    const rul = healthRul(hourly([1, 1.5, 2, 2.5, 3, 3.5]), 25, T0 + 5 * H, OPTIONS)!;
    expect(rul.crossing.hours).toBeCloseTo(3, 9);
    expect((rul.crossing.earliestAt - (T0 + 5 * H)) / H).toBeCloseTo(3, 9);
    expect((rul.crossing.latestAt - (T0 + 5 * H)) / H).toBeCloseTo(3, 9);
    expect(rul.healthIndex).toBeCloseTo(0.375, 9); // (5 − 3.5) / 4
  });

  it('given distances 1, 1.6, 2, 2.4, 3, 3.6 (slope 0.5 with noise), then 2.94 h, and the interval brackets it', () => {
    const rul = healthRul(hourly([1, 1.6, 2, 2.4, 3, 3.6]), 25, T0 + 5 * H, OPTIONS)!;
    // x̄ = 2.5, ȳ = 2.2667; b = Sxy/Sxx = 8.8 / 17.5 = 0.50286; level = ȳ + 2.5·b = 3.5238; (5 − 3.5238) / 0.50286 = 2.936 h
    expect(rul.trend.slopePerHour).toBeCloseTo(0.50286, 4);
    expect(rul.crossing.hours).toBeCloseTo(2.936, 2);
    expect(rul.crossing.earliestAt).toBeLessThan(rul.crossing.predictedAt);
    expect(rul.crossing.latestAt).toBeGreaterThan(rul.crossing.predictedAt);
  });

  it('no RUL: a flat series, too few points, a window spanning less than minSpanHours, or the failure level reached (HI 0)', () => {
    expect(healthRul(hourly([1, 1.1, 0.9, 1, 1.1, 0.9]), 25, T0 + 5 * H, OPTIONS)).toBeNull();
    expect(healthRul(hourly([1, 1.5, 2, 2.5, 3]), 25, T0 + 4 * H, OPTIONS)).toBeNull();
    expect(healthRul(hourly([1, 1.5, 2, 2.5, 3, 3.5]), 25, T0 + 5 * H, { ...OPTIONS, minSpanHours: 12 })).toBeNull();
    expect(healthRul(hourly([3, 3.5, 4, 4.5, 5, 5.5]), 25, T0 + 5 * H, OPTIONS)).toBeNull();
  });
});
