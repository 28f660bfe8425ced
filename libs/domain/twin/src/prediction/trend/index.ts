export { addToWindow, DEFAULT_TREND_WINDOW, EMPTY_TREND_WINDOW, windowOf, windowPoints, windowSize, type TrendPoint, type TrendWindow, type TrendWindowOptions } from './trend.window';
export {
  DEFAULT_CROSSING,
  fitTrend,
  MIN_TREND_POINTS,
  probabilityWithin,
  timeToThreshold,
  trendValueAt,
  type CrossingOptions,
  type ThresholdCrossing,
  type Trend,
  type TrendLimit,
} from './trend.fit';
export { normalCdf, normalQuantile, studentTQuantile } from './trend.stats';
