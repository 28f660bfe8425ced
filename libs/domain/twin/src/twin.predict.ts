import type { AppliedReading, TwinEvent } from '@twinline/contracts';
import { z } from 'zod';
import { anomalyOptions, canFitAnomaly, detectAnomaly, featuresOf, fitAnomaly, startAnomalyTraining, trainAnomaly, type AnomalyChannel, type AnomalyDetectorOptions, type AnomalyDetectorState, type AnomalyModel, type AnomalyTraining } from './prediction/anomaly';
import { addToWindow, DEFAULT_TREND_WINDOW, EMPTY_TREND_WINDOW, fitTrend, windowPoints, probabilityWithin, timeToThreshold, type ThresholdCrossing, type Trend, type TrendWindow, type TrendWindowOptions } from './prediction/trend';
import { DEFAULT_HEALTH_INDEX, currentHealthIndex, failureScoreOf, healthDistance, healthRul, type HealthIndexSettings, type HealthRul } from './prediction/health';
import { zoneBoundaries } from './alarms/iso10816';
import { VIBRATION_HIGH } from './alarms/causes';
import { timeMs } from './twin.time';
import type { ThresholdProfile } from './twin.profiles';
import type { TwinState } from './twin.state';

/*
 * Prediction in the live twin (docs/prediction.md). Two halves, like the rest of the twin:
 * - evolvePrediction folds events into the `prediction` slice of TwinState: every applied reading
 *   goes into the trend window of each of its metrics and into the anomaly detector (training, then
 *   detection), and each score of the trained detector into the health index's window (prediction/health);
 *   FailurePredicted / FailurePredictionWithdrawn / RulEstimated / AnomalyDetected /
 *   AnomalyCleared record what was announced. A replay has no profile, so the fold's configuration
 *   (trend windows, the anomaly detector's training period and options: PredictionConfig) is in the
 *   stream: PredictionConfigured, which decide emits before the first reading whose profile's
 *   configuration differs from the state's (configurePrediction); a stream without one folds with
 *   IMPLICIT_PREDICTION_CONFIG (the defaults), so older streams replay unchanged.
 * - predictAfterReading decides, after each applied reading, which of those events the reading
 *   causes, from the slice and the profile's prediction settings (horizon, confidence, …).
 * At most one event of each type per reading: event ids are `<readingId>:<type>`.
 */

const HOUR_MS = 3_600_000;


// ---------------------------------------------------------------------------------------------
// Settings (per profile) and fold constants

/**
 * The anomaly detector of the twin: trained on the readings after the latest repair (or the asset's
 * first readings) until it has seen at least `trainingReadings` readings spanning at least
 * `trainingHours` of source time, over the metrics the twin knows when training starts
 * (anomalyChannelOf: temperature rates, other levels), with the detector `options` (absent: the
 * detector's defaults, the configuration `twinline eval skab` measures).
 */
export interface TwinAnomalyConfig {
  readonly trainingReadings: number;
  readonly trainingHours: number;
  readonly options: Partial<AnomalyDetectorOptions>;
}

/**
 * The default training period (the profile's `prediction.anomaly` overrides it per class): at least
 * 100 readings spanning at least 24 h (a day of normal operation, however fast the sensors report),
 * the detector's default decision (raised after 5 scores above 5 in a row, cleared after 5 at or
 * below, or at 0.1 × the episode's peak). Also the configuration a stream without
 * PredictionConfigured is folded with.
 */
export const TWIN_ANOMALY: TwinAnomalyConfig = Object.freeze({
  trainingReadings: 100,
  trainingHours: 24,
  options: Object.freeze({}),
});

/** The default trend window (30-min buckets, 48 points, 24 h); the profile's `prediction.trendWindow` overrides it. */
export const TWIN_TREND_WINDOW: TrendWindowOptions = DEFAULT_TREND_WINDOW;

/** Per-metric prediction settings (e.g. a pipeline's sparse wall-thickness inspections beside hourly telemetry). */
export interface MetricPredictionSettings {
  readonly horizonHours?: number;
  readonly minPoints?: number;
  readonly maxExtrapolation?: number;
  /** The metric's own trend window (resolved over the profile's `trendWindow`). */
  readonly trendWindow?: TrendWindowOptions;
}

/** How a profile predicts (resolved: predictionSettingsOf fills the defaults). */
export interface PredictionSettings {
  /** Predict at all (trend, RUL and anomaly events). */
  readonly enabled: boolean;
  /** Planning horizon: a failure is predicted when a limit's predicted crossing is at most this many hours ahead. */
  readonly horizonHours: number;
  /** Trend points (window buckets) needed before any trend-based prediction. */
  readonly minPoints: number;
  /** One-sided confidence of the slope bounds (significance of the trend, earliest/latest crossing). */
  readonly confidence: number;
  /** No crossing predicted further ahead than this many times the window's span. */
  readonly maxExtrapolation: number;
  /** A new prediction of a cause replaces the one in force only when it is earlier by at least this fraction of the time left to it. */
  readonly reraiseFraction: number;
  /** The prediction in force is withdrawn when no metric of its cause is predicted to cross within this many horizons. */
  readonly withdrawFactor: number;
  /** RulEstimated again when the predicted end of life moves by more than this fraction of the RUL … */
  readonly rulChangeFraction: number;
  /** … and at least this many hours, or when the RUL enters another bucket. */
  readonly rulMinChangeHours: number;
  /** RUL bucket edges in hours (the scheduler's priorities: 24 h P1, 72 h P2, 336 h P3). */
  readonly rulBucketsHours: readonly number[];
  /** Announce anomalies (AnomalyDetected / AnomalyCleared). */
  readonly anomaly: boolean;
  /** The anomaly detector's training period and options (fold configuration, recorded by PredictionConfigured). */
  readonly anomalyTraining: TwinAnomalyConfig;
  /** The trend window of every metric without its own (fold configuration, recorded by PredictionConfigured). */
  readonly trendWindow: TrendWindowOptions;
  /** Per-metric settings over the profile's (trendWindow: fold configuration; the rest: decision). */
  readonly metrics: Readonly<Record<string, MetricPredictionSettings>>;
  /** The health index from the anomaly detector's score and its RUL (decision only: the fold keeps the distances whatever these say). */
  readonly healthIndex: HealthIndexSettings;
}

export const DEFAULT_PREDICTION_SETTINGS: PredictionSettings = Object.freeze({
  enabled: true,
  horizonHours: 72,
  minPoints: 6,
  confidence: 0.95,
  maxExtrapolation: 3,
  reraiseFraction: 0.25,
  withdrawFactor: 2,
  rulChangeFraction: 0.1,
  rulMinChangeHours: 1,
  rulBucketsHours: Object.freeze([24, 72, 336]) as readonly number[],
  anomaly: true,
  anomalyTraining: TWIN_ANOMALY,
  trendWindow: TWIN_TREND_WINDOW,
  metrics: Object.freeze({}),
  healthIndex: DEFAULT_HEALTH_INDEX,
});

const positive = (what: string) => z.number({ error: `${what} must be a number` }).positive(`${what} must be > 0`);
const trendWindowSchema = z.strictObject(
  {
    bucketSeconds: z.number({ error: 'bucketSeconds must be a number' }).min(0, 'bucketSeconds must be >= 0 (0: every reading its own point)').optional(),
    maxPoints: z.number({ error: 'maxPoints must be a number' }).int('maxPoints must be an integer').min(3, 'maxPoints must be >= 3').optional(),
    maxAgeSeconds: positive('maxAgeSeconds').optional(),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}: a trend window may set bucketSeconds, maxPoints, maxAgeSeconds` : 'a trend window must be an object') },
);
const ANOMALY_OPTION_NAMES = ['windowSamples', 'rateSamples', 'shrinkage', 'raiseAbove', 'raiseAfter', 'clearBelow', 'clearAfter', 'clearRatio', 'peakHalfLife', 'minTrainingSamples'] as const;
const anomalyOptionsSchema = z
  .strictObject(Object.fromEntries(ANOMALY_OPTION_NAMES.map((name) => [name, z.number({ error: `${name} must be a number` }).optional()])) as Record<(typeof ANOMALY_OPTION_NAMES)[number], z.ZodOptional<z.ZodNumber>>, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown anomaly detector option ${issue.keys.map((k) => `"${k}"`).join(', ')}: use ${ANOMALY_OPTION_NAMES.join(', ')}` : 'options must be an object'),
  })
  .superRefine((options, ctx) => {
    try {
      anomalyOptions(options as Partial<AnomalyDetectorOptions>);
    } catch (error) {
      const message = (error as Error).message;
      const name = /option (\w+)/.exec(message)?.[1];
      ctx.addIssue({ code: 'custom', path: name ? [name] : [], message });
    }
  });
const anomalySettingsSchema = z.preprocess(
  (v) => (typeof v === 'boolean' ? { enabled: v } : v),
  z.strictObject(
    {
      enabled: z.boolean({ error: 'enabled must be true or false' }).optional(),
      trainingReadings: z.number({ error: 'trainingReadings must be a number' }).int('trainingReadings must be an integer').min(1, 'trainingReadings must be >= 1').optional(),
      trainingHours: z.number({ error: 'trainingHours must be a number' }).min(0, 'trainingHours must be >= 0').optional(),
      options: anomalyOptionsSchema.optional(),
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}: anomaly may set enabled, trainingReadings, trainingHours, options` : 'anomaly must be true, false or an object') },
  ),
);
const healthIndexSchema = z.preprocess(
  (v) => (typeof v === 'boolean' ? { enabled: v } : v),
  z.strictObject(
    {
      enabled: z.boolean({ error: 'enabled must be true or false' }).optional(),
      failureScore: z.number({ error: 'failureScore must be a number' }).gt(1, 'failureScore must be > 1 (the training period scores about 1)').optional(),
      failureMultiple: z.number({ error: 'failureMultiple must be a number' }).positive('failureMultiple must be > 0').optional(),
      minSpanHours: z.number({ error: 'minSpanHours must be a number' }).min(0, 'minSpanHours must be >= 0').optional(),
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}: healthIndex may set enabled, failureScore, failureMultiple, minSpanHours` : 'healthIndex must be true, false or an object') },
  ),
);
const metricSettingsSchema = z.strictObject(
  {
    horizonHours: positive('horizonHours').optional(),
    minPoints: z.number().int('minPoints must be an integer').min(3, 'minPoints must be >= 3').optional(),
    maxExtrapolation: positive('maxExtrapolation').optional(),
    trendWindow: trendWindowSchema.optional(),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}: a metric may set horizonHours, minPoints, maxExtrapolation, trendWindow` : 'a metric\'s settings must be an object') },
);

/** The `prediction` part of a profile override (all fields optional). */
export const predictionSettingsSchema = z.strictObject({
  enabled: z.boolean({ error: 'enabled must be true or false' }).optional(),
  horizonHours: positive('horizonHours').optional(),
  minPoints: z.number().int('minPoints must be an integer').min(3, 'minPoints must be >= 3').optional(),
  confidence: z.number().gt(0.5, 'confidence must be in (0.5, 1)').lt(1, 'confidence must be in (0.5, 1)').optional(),
  maxExtrapolation: positive('maxExtrapolation').optional(),
  reraiseFraction: z.number().min(0).max(1, 'reraiseFraction must be in [0, 1]').optional(),
  withdrawFactor: z.number().min(1, 'withdrawFactor must be >= 1').optional(),
  rulChangeFraction: z.number().min(0, 'rulChangeFraction must be >= 0').optional(),
  rulMinChangeHours: z.number().min(0, 'rulMinChangeHours must be >= 0').optional(),
  rulBucketsHours: z.array(positive('a bucket edge')).optional(),
  /** true/false (announce anomalies or not) or { enabled?, trainingReadings?, trainingHours?, options? }. */
  anomaly: anomalySettingsSchema.optional(),
  trendWindow: trendWindowSchema.optional(),
  metrics: z.record(z.string(), metricSettingsSchema, { error: 'metrics must map metric names to settings' }).optional(),
  /** true/false or { enabled?, failureScore?, failureMultiple?, minSpanHours? }. */
  healthIndex: healthIndexSchema.optional(),
});

/** What a profile may say about prediction (ThresholdProfile.prediction): any field, the rest from the defaults. */
export type PredictionSettingsOverride = {
  readonly enabled?: boolean;
  readonly horizonHours?: number;
  readonly minPoints?: number;
  readonly confidence?: number;
  readonly maxExtrapolation?: number;
  readonly reraiseFraction?: number;
  readonly withdrawFactor?: number;
  readonly rulChangeFraction?: number;
  readonly rulMinChangeHours?: number;
  readonly rulBucketsHours?: readonly number[];
  readonly anomaly?: boolean | { readonly enabled?: boolean; readonly trainingReadings?: number; readonly trainingHours?: number; readonly options?: Partial<AnomalyDetectorOptions> };
  readonly trendWindow?: Partial<TrendWindowOptions>;
  readonly metrics?: Readonly<Record<string, Omit<MetricPredictionSettings, 'trendWindow'> & { readonly trendWindow?: Partial<TrendWindowOptions> }>>;
  readonly healthIndex?: boolean | Partial<HealthIndexSettings>;
};

type AnomalyOverride = Exclude<NonNullable<PredictionSettingsOverride['anomaly']>, boolean>;
const anomalyOverrideOf = (a: PredictionSettingsOverride['anomaly']): AnomalyOverride | undefined => (a === undefined ? undefined : typeof a === 'boolean' ? { enabled: a } : a);
const healthOverrideOf = (h: PredictionSettingsOverride['healthIndex']): Partial<HealthIndexSettings> | undefined => (h === undefined ? undefined : typeof h === 'boolean' ? { enabled: h } : h);
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/**
 * A profile's prediction settings with an override's on top (TWIN_PROFILES, per-asset overrides):
 * field by field; `anomaly` (its `options` by option), `trendWindow` and each metric of `metrics`
 * (its `trendWindow` by field) merge one level deeper.
 */
export function mergePredictionSettings(base: PredictionSettingsOverride | undefined, override: PredictionSettingsOverride | undefined): PredictionSettingsOverride | undefined {
  if (override === undefined) return base;
  if (base === undefined) return override;
  const a = anomalyOverrideOf(base.anomaly);
  const b = anomalyOverrideOf(override.anomaly);
  const anomaly = a && b ? defined({ ...a, ...b, options: a.options || b.options ? { ...a.options, ...b.options } : undefined }) : (b ?? a);
  const trendWindow = base.trendWindow || override.trendWindow ? { ...base.trendWindow, ...override.trendWindow } : undefined;
  let metrics = base.metrics ?? override.metrics;
  if (base.metrics && override.metrics) {
    const merged: Record<string, NonNullable<PredictionSettingsOverride['metrics']>[string]> = { ...base.metrics };
    for (const [metric, own] of Object.entries(override.metrics)) {
      const was = Object.hasOwn(merged, metric) ? merged[metric] : undefined;
      merged[metric] = was ? defined({ ...was, ...own, trendWindow: was.trendWindow || own.trendWindow ? { ...was.trendWindow, ...own.trendWindow } : undefined }) : own;
    }
    metrics = merged;
  }
  const ha = healthOverrideOf(base.healthIndex);
  const hb = healthOverrideOf(override.healthIndex);
  const healthIndex = ha && hb ? { ...ha, ...hb } : (hb ?? ha);
  return defined({ ...base, ...override, anomaly, trendWindow, metrics, healthIndex });
}

/** A profile's prediction settings: its own fields over the defaults (one object per profile object). */
export function predictionSettingsOf(profile: ThresholdProfile): PredictionSettings {
  const own = profile.prediction;
  if (!own) return DEFAULT_PREDICTION_SETTINGS;
  let settings = SETTINGS.get(profile);
  if (settings === undefined) {
    const { anomaly: anomalyOwn, trendWindow: windowOwn, metrics: metricsOwn, healthIndex: healthOwn, ...rest } = own;
    const health = healthOverrideOf(healthOwn);
    const anomaly = anomalyOverrideOf(anomalyOwn) ?? {};
    const trendWindow = windowOwn ? { ...TWIN_TREND_WINDOW, ...windowOwn } : TWIN_TREND_WINDOW;
    const metrics: Record<string, MetricPredictionSettings> = {};
    for (const [metric, m] of Object.entries(metricsOwn ?? {})) metrics[metric] = defined({ ...m, trendWindow: m.trendWindow ? { ...trendWindow, ...m.trendWindow } : undefined });
    settings = {
      ...DEFAULT_PREDICTION_SETTINGS,
      ...defined(rest),
      anomaly: anomaly.enabled ?? DEFAULT_PREDICTION_SETTINGS.anomaly,
      anomalyTraining:
        anomaly.trainingReadings === undefined && anomaly.trainingHours === undefined && anomaly.options === undefined
          ? TWIN_ANOMALY
          : { trainingReadings: anomaly.trainingReadings ?? TWIN_ANOMALY.trainingReadings, trainingHours: anomaly.trainingHours ?? TWIN_ANOMALY.trainingHours, options: anomaly.options ?? TWIN_ANOMALY.options },
      trendWindow,
      metrics,
      healthIndex: health ? { ...DEFAULT_HEALTH_INDEX, ...defined(health) } : DEFAULT_HEALTH_INDEX,
    };
    SETTINGS.set(profile, settings);
  }
  return settings;
}
/** Resolved settings by profile object (profiles are immutable configuration): not rebuilt for every reading. */
const SETTINGS = new WeakMap<ThresholdProfile, PredictionSettings>();

/** The settings that apply to one metric: the profile's, with the metric's own on top. */
function metricSettingsOf(settings: PredictionSettings, metric: string): { readonly horizonHours: number; readonly minPoints: number; readonly maxExtrapolation: number } {
  const own = Object.hasOwn(settings.metrics, metric) ? settings.metrics[metric] : undefined;
  if (own === undefined) return settings;
  return { horizonHours: own.horizonHours ?? settings.horizonHours, minPoints: own.minPoints ?? settings.minPoints, maxExtrapolation: own.maxExtrapolation ?? settings.maxExtrapolation };
}

// ---------------------------------------------------------------------------------------------
// Fold configuration (recorded in the stream by PredictionConfigured)

/**
 * How the fold learns: the trend window of each metric and the anomaly detector's training period
 * and options. A replay has no profile, so the configuration is an event (PredictionConfigured),
 * emitted by decide before the first reading whose profile's configuration differs from the one the
 * state holds; a stream without one is folded with IMPLICIT_PREDICTION_CONFIG.
 */
export interface PredictionConfig {
  readonly trendWindow: TrendWindowOptions;
  /** Metrics with their own window (others: trendWindow). */
  readonly trendWindows: Readonly<Record<string, TrendWindowOptions>>;
  /** Training period and the detector's options, all of them (resolved: a recorded stream does not depend on the detector's defaults). */
  readonly anomaly: { readonly trainingReadings: number; readonly trainingHours: number; readonly options: AnomalyDetectorOptions };
}

/** The configuration of a stream without PredictionConfigured (never change it: such streams must fold as they did). */
export const IMPLICIT_PREDICTION_CONFIG: PredictionConfig = Object.freeze({
  trendWindow: Object.freeze({ bucketSeconds: 1800, maxPoints: 48, maxAgeSeconds: 86_400 }),
  trendWindows: Object.freeze({}),
  anomaly: Object.freeze({ trainingReadings: 100, trainingHours: 24, options: anomalyOptions({}) }),
});

/** JSON with sorted keys (configurations compare by content). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
const KEYS = new WeakMap<object, string>();
function keyOf(config: PredictionConfig): string {
  let key = KEYS.get(config);
  if (key === undefined) {
    key = canonical(config);
    KEYS.set(config, key);
  }
  return key;
}

/** The fold configuration of a profile's settings (one object per settings object). */
export function predictionConfigOf(settings: PredictionSettings): PredictionConfig {
  let config = CONFIGS.get(settings);
  if (config === undefined) {
    const trendWindows: Record<string, TrendWindowOptions> = {};
    for (const [metric, m] of Object.entries(settings.metrics)) if (m.trendWindow) trendWindows[metric] = { ...m.trendWindow };
    const { trainingReadings, trainingHours, options } = settings.anomalyTraining;
    config = { trendWindow: { ...settings.trendWindow }, trendWindows, anomaly: { trainingReadings, trainingHours, options: { ...anomalyOptions(options) } } };
    if (keyOf(config) === keyOf(IMPLICIT_PREDICTION_CONFIG)) config = IMPLICIT_PREDICTION_CONFIG;
    CONFIGS.set(settings, config);
  }
  return config;
}
const CONFIGS = new WeakMap<PredictionSettings, PredictionConfig>();

/** The configuration a state's prediction slice folds with. */
export function predictionConfigOfState(slice: TwinPrediction): PredictionConfig {
  return slice.config ?? IMPLICIT_PREDICTION_CONFIG;
}

/**
 * PredictionConfigured, when the profile's fold configuration differs from the state's (decide calls
 * it before folding each reading it applies): the first reading of a class with its own trend window
 * or training period, and the first reading after a profile change. Null when they agree.
 */
export function configurePrediction(state: TwinState, assetId: string, reading: Pick<AppliedReading, 'readingId' | 'ts'>, profile: ThresholdProfile): TwinEvent | null {
  const wanted = predictionConfigOf(predictionSettingsOf(profile));
  const held = predictionConfigOfState(state.prediction);
  if (wanted === held || keyOf(wanted) === keyOf(held)) return null;
  return {
    type: 'PredictionConfigured',
    data: {
      assetId,
      at: reading.ts,
      readingId: reading.readingId,
      trendWindow: { ...wanted.trendWindow },
      trendWindows: { ...wanted.trendWindows },
      anomaly: { ...wanted.anomaly, options: { ...wanted.anomaly.options } as Record<string, number> },
    },
  };
}

/**
 * The slice with a new configuration. A metric whose window options change is re-bucketed (its
 * points, each with its count, added to an empty window of the new options: exact when the new
 * buckets hold whole old ones, else each old point keeps its mean time); a changed training period
 * or detector restarts the anomaly detector's training (an episode in force is cleared, RETRAINING,
 * by the next reading).
 */
function reconfigure(slice: TwinPrediction, config: PredictionConfig): TwinPrediction {
  const before = predictionConfigOfState(slice);
  const windowOf = (c: PredictionConfig, metric: string) => (Object.hasOwn(c.trendWindows, metric) ? c.trendWindows[metric]! : c.trendWindow);
  let trends = slice.trends;
  for (const metric of Object.keys(slice.trends)) {
    const was = windowOf(before, metric);
    const now = windowOf(config, metric);
    if (canonical(was) === canonical(now)) continue;
    if (trends === slice.trends) trends = { ...slice.trends };
    (trends as Record<string, TrendWindow>)[metric] = windowPoints(slice.trends[metric]!).reduce((w, p) => addToWindow(w, p.t, p.v, now, p.n), EMPTY_TREND_WINDOW);
  }
  const retrain = canonical(before.anomaly) !== canonical(config.anomaly);
  const anomaly = retrain ? { ...NO_ANOMALY, active: slice.anomaly.active, detected: slice.anomaly.detected } : slice.anomaly;
  // The distances are the detector's: a retrained detector starts them again; a new window re-buckets them.
  const health = retrain ? EMPTY_TREND_WINDOW : canonical(before.trendWindow) === canonical(config.trendWindow) ? slice.health : windowPoints(slice.health).reduce((w, p) => addToWindow(w, p.t, p.v, config.trendWindow, p.n), EMPTY_TREND_WINDOW);
  return { ...slice, config, trends, anomaly, health };
}

// ---------------------------------------------------------------------------------------------
// The slice of TwinState

/** The failure prediction in force for one cause (one per cause and episode). */
export interface ActivePrediction {
  readonly predictionId: string;
  readonly cause: string;
  readonly metric: string;
  readonly predictedFailureAt: string;
  readonly earliestAt: string | null;
  /** When it was raised (the reading's source time) and by which reading. */
  readonly raisedAt: string;
  readonly readingId: string;
}

/** The latest remaining-useful-life estimate announced. */
export interface RulSnapshot {
  readonly cause: string;
  readonly rulHours: number;
  readonly lowerHours: number | null;
  readonly upperHours: number | null;
  readonly metric: string | null;
  readonly method: 'trend' | 'model' | 'health-index';
  /** The health index the estimate came with (method 'health-index'). */
  readonly healthIndex?: number;
  readonly at: string;
}

/** The anomaly detector of the twin: training, then a model and its streaming state. */
export interface TwinAnomaly {
  readonly training: AnomalyTraining | null;
  /** Readings trained on since the last reset, and the source time (ms) of the first. */
  readonly trainingReadings: number;
  readonly trainingSince: number | null;
  readonly model: AnomalyModel | null;
  readonly detector: AnomalyDetectorState | null;
  /** The score of the latest reading (null while training or while its windows fill). */
  readonly score: number | null;
  /** The anomalous episode announced (AnomalyDetected), until AnomalyCleared. */
  readonly active: { readonly since: string; readonly readingId: string; readonly score: number } | null;
  readonly detected: number;
}

export interface TwinPrediction {
  /** The fold configuration recorded by the latest PredictionConfigured (null: IMPLICIT_PREDICTION_CONFIG). */
  readonly config: PredictionConfig | null;
  /** Trend window per metric of the applied readings (by source time). */
  readonly trends: Readonly<Record<string, TrendWindow>>;
  /** Latest source time folded (ms); a reading older than it is late: it joins the windows but not the detector. */
  readonly latestMs: number | null;
  readonly failures: Readonly<Record<string, ActivePrediction>>;
  readonly predictionsRaised: number;
  readonly rul: RulSnapshot | null;
  readonly anomaly: TwinAnomaly;
  /**
   * The health index's series: the distance √score of every reading the trained detector scored
   * (prediction/health), in buckets of the fold's trendWindow. Emptied when the detector retrains
   * and by a repair that resets the health index.
   */
  readonly health: TrendWindow;
}

const NO_ANOMALY: TwinAnomaly = Object.freeze({ training: null, trainingReadings: 0, trainingSince: null, model: null, detector: null, score: null, active: null, detected: 0 });

export const INITIAL_PREDICTION: TwinPrediction = Object.freeze({
  config: null,
  trends: Object.freeze({}),
  latestMs: null,
  failures: Object.freeze({}),
  predictionsRaised: 0,
  rul: null,
  anomaly: NO_ANOMALY,
  health: EMPTY_TREND_WINDOW,
});

// ---------------------------------------------------------------------------------------------
// evolve

/**
 * How a metric enters the anomaly detector: temperatures by their rate (slope over 10 readings),
 * the rest by their level. A temperature's level drifts far beyond what a training period shows
 * (SKAB: false alarm rate 27 % with levels, 5 % with rates; H1's evaluation).
 */
export function anomalyChannelOf(metric: string): AnomalyChannel {
  return { name: metric, feature: /temperature/i.test(metric) ? 'rate' : 'level' };
}

// The per-reading fold builds its objects as literals with every field (the keys of NO_ANOMALY /
// INITIAL_PREDICTION, in their order) rather than by spreading: the same values, fewer hidden-class
// transitions and copies on the hottest path of the twin (H10).

function learnAnomaly(a: TwinAnomaly, t: number, metrics: Readonly<Record<string, number>>, windows: Readonly<Record<string, TrendWindow>>, config: PredictionConfig['anomaly']): TwinAnomaly {
  if (a.model !== null && a.detector !== null) {
    const step = detectAnomaly(a.model, a.detector, metrics);
    return { training: a.training, trainingReadings: a.trainingReadings, trainingSince: a.trainingSince, model: a.model, detector: step.state, score: step.score, active: a.active, detected: a.detected };
  }
  const training = trainAnomaly(a.training ?? startAnomalyTraining(Object.keys(windows).sort().map(anomalyChannelOf), config.options), metrics);
  const trainingReadings = a.trainingReadings + 1;
  const trainingSince = a.trainingSince ?? t;
  if (trainingReadings >= config.trainingReadings && t - trainingSince >= config.trainingHours * HOUR_MS && canFitAnomaly(training)) {
    const { model, state } = fitAnomaly(training);
    return { training: null, trainingReadings, trainingSince, model, detector: state, score: null, active: a.active, detected: a.detected };
  }
  return { training, trainingReadings, trainingSince, model: a.model, detector: a.detector, score: a.score, active: a.active, detected: a.detected };
}

function foldReadings(slice: TwinPrediction, readings: readonly AppliedReading[], maintainedSince: string | null): TwinPrediction {
  let trends: Record<string, TrendWindow> | null = null;
  let { latestMs, anomaly, health } = slice;
  const resetMs = maintainedSince === null ? null : timeMs(maintainedSince);
  const config = predictionConfigOfState(slice);
  const own = config.trendWindows;
  for (const reading of readings) {
    const t = timeMs(reading.ts);
    if (resetMs !== null && t <= resetMs) continue;
    const windows: Record<string, TrendWindow> = (trends ??= { ...slice.trends });
    for (const metric in reading.metrics) {
      if (!Object.hasOwn(reading.metrics, metric)) continue;
      windows[metric] = addToWindow(Object.hasOwn(windows, metric) ? windows[metric]! : EMPTY_TREND_WINDOW, t, reading.metrics[metric]!, Object.hasOwn(own, metric) ? own[metric]! : config.trendWindow);
    }
    if (latestMs !== null && t < latestMs) continue;
    latestMs = t;
    anomaly = learnAnomaly(anomaly, t, reading.metrics, windows, config.anomaly);
    if (anomaly.score !== null && anomaly.model !== null) health = addToWindow(health, t, healthDistance(anomaly.score), config.trendWindow);
  }
  if (trends === null) return slice;
  return { config: slice.config ?? null, trends, latestMs, failures: slice.failures, predictionsRaised: slice.predictionsRaised, rul: slice.rul, anomaly, health };
}

/**
 * The prediction slice after one twin event (called by the twin's evolve for every event, with the
 * twin's `maintainedSince` before and after the event). Readings at or before `maintainedSince` (the
 * latest repair that reset anything) are not learnt from. A repair that moves it and resets the
 * baseline restarts the anomaly detector's training; one that resets the health index empties the
 * trend windows and forgets the RUL (a prediction in force is withdrawn by the next reading).
 */
export function evolvePrediction(slice: TwinPrediction, event: TwinEvent, maintainedSince: { readonly before: string | null; readonly after: string | null }): TwinPrediction {
  switch (event.type) {
    case 'ReadingsApplied':
      return foldReadings(slice, event.data.readings, maintainedSince.after);
    case 'PredictionConfigured': {
      const { trendWindow, trendWindows, anomaly } = event.data;
      return reconfigure(slice, { trendWindow, trendWindows: trendWindows ?? {}, anomaly: { ...anomaly, options: anomalyOptions(anomaly.options) } });
    }
    case 'MaintenanceCompleted': {
      const { resets } = event.data;
      if (maintainedSince.after === maintainedSince.before) return slice;
      const baseline = resets.includes('baseline');
      const health = resets.includes('health-index');
      return {
        ...slice,
        trends: health ? {} : slice.trends,
        rul: health ? null : slice.rul,
        anomaly: baseline ? { ...NO_ANOMALY, active: slice.anomaly.active, detected: slice.anomaly.detected } : slice.anomaly,
        health: health || baseline ? EMPTY_TREND_WINDOW : slice.health,
      };
    }
    case 'FailurePredicted': {
      const d = event.data;
      const active: ActivePrediction = { predictionId: d.predictionId, cause: d.cause, metric: d.metric, predictedFailureAt: d.predictedFailureAt, earliestAt: d.earliestAt ?? null, raisedAt: d.at, readingId: d.readingId };
      return { ...slice, failures: { ...slice.failures, [d.cause]: active }, predictionsRaised: slice.predictionsRaised + 1 };
    }
    case 'FailurePredictionWithdrawn': {
      const current = Object.hasOwn(slice.failures, event.data.cause) ? slice.failures[event.data.cause] : undefined;
      if (current?.predictionId !== event.data.predictionId) return slice;
      const failures = { ...slice.failures };
      delete failures[event.data.cause];
      return { ...slice, failures };
    }
    case 'RulEstimated': {
      const d = event.data;
      return {
        ...slice,
        rul: { cause: d.cause, rulHours: d.rulHours, lowerHours: d.lowerHours ?? null, upperHours: d.upperHours ?? null, metric: d.metric ?? null, method: d.method, ...(d.healthIndex !== undefined ? { healthIndex: d.healthIndex } : {}), at: d.at },
      };
    }
    case 'AnomalyDetected':
      return { ...slice, anomaly: { ...slice.anomaly, active: { since: event.data.at, readingId: event.data.readingId, score: event.data.score }, detected: slice.anomaly.detected + 1 } };
    case 'AnomalyCleared':
      return { ...slice, anomaly: { ...slice.anomaly, active: null } };
    default:
      return slice;
  }
}

// ---------------------------------------------------------------------------------------------
// decide

/** A limit of the profile the trend is watched against, with the alarm cause it belongs to. */
export interface PredictedLimit {
  readonly metric: string;
  readonly cause: string;
  readonly max?: number;
  readonly min?: number;
  /** Reaching the limit exactly trips it (zone boundaries, '>='), else only passing it. */
  readonly inclusive: boolean;
}

/**
 * The hard limits of a profile (alarms/lifecycle.ts alarmLimitsOf at level ALARM; not imported:
 * lifecycle imports twin.state, which imports this file), each with the cause of the alarm behind it: every `limits` entry
 * (the profile's cause, THRESHOLD_EXCEEDED) and, with vibration zones, the ISO 10816-3 zone C/D
 * boundary (VIBRATION_HIGH: the alarm turns HIGH and the status ALARM there). A failure predicted
 * for a limit carries that cause, so the scheduler's predictive work order is the one the alarm
 * attaches to (or, for vibration already in zone C, the open order the prediction hastens).
 */
export function predictedLimitsOf(profile: ThresholdProfile): readonly PredictedLimit[] {
  const known = LIMITS.get(profile);
  if (known) return known;
  const limits: PredictedLimit[] = Object.entries(profile.limits).map(([metric, limit]) => ({
    metric,
    cause: profile.cause,
    ...(limit.max !== undefined ? { max: limit.max } : {}),
    ...(limit.min !== undefined ? { min: limit.min } : {}),
    inclusive: false,
  }));
  const { vibration } = profile;
  if (vibration) limits.push({ metric: vibration.metric, cause: VIBRATION_HIGH, max: zoneBoundaries(vibration).cd, inclusive: true });
  LIMITS.set(profile, limits);
  return limits;
}
/** Limits by profile object (profiles are immutable configuration): not rebuilt for every reading. */
const LIMITS = new WeakMap<ThresholdProfile, readonly PredictedLimit[]>();

function beyond(value: number, limit: PredictedLimit): boolean {
  if (limit.inclusive) return (limit.max !== undefined && value >= limit.max) || (limit.min !== undefined && value <= limit.min);
  return (limit.max !== undefined && value > limit.max) || (limit.min !== undefined && value < limit.min);
}

const iso = (ms: number) => new Date(Math.round(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

interface Watched {
  readonly limit: PredictedLimit;
  readonly trend: Trend;
  readonly crossing: ThresholdCrossing;
  readonly value: number;
  /** The planning horizon of the limit's metric. */
  readonly horizonHours: number;
}

const METRIC_WORDS: Readonly<Record<string, { readonly word: string; readonly unit: string }>> = {
  temperatureC: { word: 'Temperature', unit: ' °C' },
  pressurePsi: { word: 'Pressure', unit: ' psi' },
  vibrationMmS: { word: 'Vibration', unit: ' mm/s' },
  wallThicknessMm: { word: 'Wall thickness', unit: ' mm' },
};

/** 'Temperature predicted to exceed 80 °C at 2024-01-01T15:00:00Z (in 10 h; trend +2 °C/h over 6 points)' */
function describe(w: Watched): string {
  const words = METRIC_WORDS[w.limit.metric] ?? { word: w.limit.metric, unit: '' };
  // Slow trends (a pipeline wall: fractions of a mm a year) read per year and in days (H10).
  const slow = Math.abs(w.trend.slopePerHour) < 0.001;
  const perUnit = slow ? w.trend.slopePerHour * 8766 : w.trend.slopePerHour;
  const slope = `${perUnit >= 0 ? '+' : ''}${round(perUnit, 3)}${words.unit}/${slow ? 'yr' : 'h'}`;
  const verb = w.crossing.comparator === '>' ? 'exceed' : 'fall below';
  const within = w.crossing.hours > 72 ? `${round(w.crossing.hours / 24, 1)} days` : `${round(w.crossing.hours, 1)} h`;
  return `${words.word} predicted to ${verb} ${round(w.crossing.limit, 3)}${words.unit} at ${iso(w.crossing.predictedAt)} (in ${within}; trend ${slope} over ${w.trend.points} points)`;
}

function bucketOf(hours: number, edges: readonly number[]): number {
  let b = 0;
  while (b < edges.length && hours > edges[b]!) b += 1;
  return b;
}

/** Whether a new RUL differs materially from the one announced (see PredictionSettings). */
export function rulChangedMaterially(previous: RulSnapshot | null, next: { cause: string; rulHours: number; at: number; method?: RulSnapshot['method'] }, settings: PredictionSettings): boolean {
  if (previous === null || previous.cause !== next.cause) return true;
  if (next.method !== undefined && next.method !== previous.method) return true;
  if (bucketOf(next.rulHours, settings.rulBucketsHours) !== bucketOf(previous.rulHours, settings.rulBucketsHours)) return true;
  const endBefore = timeMs(previous.at) + previous.rulHours * HOUR_MS;
  const endNow = next.at + next.rulHours * HOUR_MS;
  return Math.abs(endNow - endBefore) / HOUR_MS > Math.max(settings.rulChangeFraction * next.rulHours, settings.rulMinChangeHours);
}

/** The channels that make up most (80 %) of the score: T² = Σ dᵢ (P d)ᵢ, largest terms first. */
function contributors(model: AnomalyModel, detector: AnomalyDetectorState): string[] {
  const f = featuresOf(detector.windows, model.channels, model.options);
  if (!f) return model.channels.map((c) => c.name);
  const d = f.map((v, i) => v - model.mean[i]!);
  const terms = d.map((di, i) => ({ name: model.channels[i]!.name, term: di * model.precision[i]!.reduce((s, p, j) => s + p * d[j]!, 0) }));
  terms.sort((a, b) => b.term - a.term);
  const total = terms.reduce((s, t) => s + Math.max(0, t.term), 0);
  const names: string[] = [];
  let sum = 0;
  for (const t of terms) {
    names.push(t.name);
    sum += Math.max(0, t.term);
    if (sum >= 0.8 * total) break;
  }
  return names;
}

/** The failure score of the health index for a slice's trained detector (null: not trained). */
function failureScoreOfSlice(slice: TwinPrediction, settings: PredictionSettings): number | null {
  const model = slice.anomaly.model;
  return model === null ? null : failureScoreOf(settings.healthIndex, model.options.raiseAbove);
}

/** The health index's RUL after a reading, or null (disabled, untrained, or the distance not approaching the failure score). */
function healthIndexRul(slice: TwinPrediction, settings: PredictionSettings, now: number): HealthRul | null {
  if (!settings.healthIndex.enabled) return null;
  const failureScore = failureScoreOfSlice(slice, settings);
  if (failureScore === null) return null;
  return healthRul(slice.health, failureScore, now, { minPoints: settings.minPoints, minSpanHours: settings.healthIndex.minSpanHours, confidence: settings.confidence, maxExtrapolation: settings.maxExtrapolation });
}

function anomalyEvents(state: TwinState, assetId: string, at: string, readingId: string, settings: PredictionSettings): TwinEvent[] {
  const a = state.prediction.anomaly;
  const anomalous = settings.anomaly && a.model !== null && a.detector !== null && a.detector.anomalous;
  if (anomalous && a.active === null && a.score !== null) {
    return [{ type: 'AnomalyDetected', data: { assetId, at, readingId, score: round(a.score, 3), threshold: a.model!.options.raiseAbove, metrics: contributors(a.model!, a.detector!) } }];
  }
  if (!anomalous && a.active !== null) {
    return [{ type: 'AnomalyCleared', data: { assetId, at, readingId, score: a.score === null ? null : round(a.score, 3), reason: a.model === null ? 'RETRAINING' : 'NORMAL' } }];
  }
  return [];
}

/**
 * The prediction events reading `reading` causes, once it and its alarm events are folded into
 * `state` (the decider calls it for every applied reading). Returns [] for a late reading (older
 * than the latest folded), one at or before the latest repair, or when nothing changes.
 *
 * For each hard limit of the profile whose metric is within it, the trend of the metric gives a
 * predicted crossing (timeToThreshold). Per cause, the earliest crossing within the planning horizon
 * is the candidate:
 * - no prediction in force → FailurePredicted (predictionId `PRD-<readingId>`);
 * - one in force, and the candidate earlier by `reraiseFraction` of the time left to it → FailurePredicted again (new id);
 * - one in force, no metric of the cause beyond its limit, and none predicted to cross within
 *   `withdrawFactor` horizons → FailurePredictionWithdrawn; while a metric is beyond its limit the
 *   prediction stands (the alarm has taken over).
 * RulEstimated: the nearer of the trend's RUL (the nearest crossing of any limit, hours, with the slope
 * interval's bounds; method 'trend') and the health index's (prediction/health: the trend of the
 * anomaly detector's distance to the failure score; method 'health-index', the profile's cause), when
 * it changed materially (a new method counts). AnomalyDetected / AnomalyCleared: when the detector's decision differs from the
 * episode announced. At most one event of each type per reading (the first cause in profile order).
 */
export function predictAfterReading(state: TwinState, reading: Pick<AppliedReading, 'readingId' | 'ts' | 'metrics'>, profile: ThresholdProfile): TwinEvent[] {
  const settings = predictionSettingsOf(profile);
  const slice = state.prediction;
  const assetId = state.assetId;
  if (!settings.enabled || assetId === null) return [];
  const now = timeMs(reading.ts);
  if (slice.latestMs !== now || (state.maintainedSince !== null && now <= timeMs(state.maintainedSince))) return [];
  const at = reading.ts;
  const { readingId } = reading;
  const events: TwinEvent[] = [];

  const limits = predictedLimitsOf(profile);
  let nearest: Watched | null = null;
  if (limits.some((l) => Object.hasOwn(reading.metrics, l.metric))) {
    const options = { confidence: settings.confidence, maxExtrapolation: settings.maxExtrapolation };
    const causes = new Map<string, { beyond: boolean; candidate: Watched | null; approaching: boolean; horizonHours: number }>();
    for (const limit of limits) {
      const c = causes.get(limit.cause) ?? { beyond: false, candidate: null, approaching: false, horizonHours: 0 };
      causes.set(limit.cause, c);
      const latest = Object.hasOwn(state.metrics, limit.metric) ? state.metrics[limit.metric] : undefined;
      if (latest === undefined) continue;
      if (beyond(latest.value, limit)) {
        c.beyond = true;
        continue;
      }
      const window = Object.hasOwn(slice.trends, limit.metric) ? slice.trends[limit.metric]! : EMPTY_TREND_WINDOW;
      const own = metricSettingsOf(settings, limit.metric);
      c.horizonHours = Math.max(c.horizonHours, own.horizonHours);
      const trend = fitTrend(window, own.minPoints);
      const crossing = trend && timeToThreshold(trend, limit, now, own === settings ? options : { confidence: settings.confidence, maxExtrapolation: own.maxExtrapolation });
      if (!trend || !crossing) continue;
      const w: Watched = { limit, trend, crossing, value: latest.value, horizonHours: own.horizonHours };
      if (nearest === null || crossing.predictedAt < nearest.crossing.predictedAt) nearest = w;
      if (crossing.hours <= settings.withdrawFactor * own.horizonHours) c.approaching = true;
      if (crossing.hours <= own.horizonHours && (c.candidate === null || crossing.predictedAt < c.candidate.crossing.predictedAt)) c.candidate = w;
    }

    let raised = false;
    let withdrawn = false;
    for (const [cause, c] of causes) {
      const current = Object.hasOwn(slice.failures, cause) ? slice.failures[cause] : undefined;
      if (c.beyond) continue;
      const w = c.candidate;
      if (!raised && w && (current === undefined || w.crossing.predictedAt < timeMs(current.predictedFailureAt) - settings.reraiseFraction * (timeMs(current.predictedFailureAt) - now))) {
        raised = true;
        events.push({
          type: 'FailurePredicted',
          data: {
            assetId,
            predictionId: `PRD-${readingId}`,
            cause,
            predictedFailureAt: iso(w.crossing.predictedAt),
            earliestAt: iso(w.crossing.earliestAt),
            confidence: round(probabilityWithin(w.trend, w.crossing, now, w.horizonHours), 3),
            message: describe(w),
            at,
            readingId,
            metric: w.limit.metric,
            limit: w.crossing.limit,
            comparator: w.crossing.comparator,
            value: w.value,
            slopePerHour: round(w.trend.slopePerHour, 6),
            points: w.trend.points,
            horizonHours: w.horizonHours,
          },
        });
      } else if (!withdrawn && current !== undefined && !c.approaching) {
        withdrawn = true;
        events.push({ type: 'FailurePredictionWithdrawn', data: { assetId, predictionId: current.predictionId, cause, at, readingId, reason: `no ${cause} limit is approached within ${settings.withdrawFactor * (c.horizonHours || settings.horizonHours)} h any more` } });
      }
    }
  }

  // One RUL per reading: the nearer of the trend's (nearest limit crossing) and the health index's.
  const health = healthIndexRul(slice, settings, now);
  if (health !== null && (nearest === null || health.crossing.predictedAt < nearest.crossing.predictedAt)) {
    const rulHours = round(health.crossing.hours, 2);
    if (rulChangedMaterially(slice.rul, { cause: profile.cause, rulHours, at: now, method: 'health-index' }, settings)) {
      events.push({
        type: 'RulEstimated',
        data: {
          assetId,
          cause: profile.cause,
          rulHours,
          at,
          readingId,
          method: 'health-index',
          lowerHours: round((health.crossing.earliestAt - now) / HOUR_MS, 2),
          upperHours: round((health.crossing.latestAt - now) / HOUR_MS, 2),
          healthIndex: round(health.healthIndex, 3),
        },
      });
    }
  } else if (nearest !== null) {
    const rulHours = round(nearest.crossing.hours, 2);
    if (rulChangedMaterially(slice.rul, { cause: nearest.limit.cause, rulHours, at: now, method: 'trend' }, settings)) {
      events.push({
        type: 'RulEstimated',
        data: {
          assetId,
          cause: nearest.limit.cause,
          rulHours,
          at,
          readingId,
          method: 'trend',
          metric: nearest.limit.metric,
          lowerHours: round((nearest.crossing.earliestAt - now) / HOUR_MS, 2),
          upperHours: round((nearest.crossing.latestAt - now) / HOUR_MS, 2),
        },
      });
    }
  }

  events.push(...anomalyEvents(state, assetId, at, readingId, settings));
  return events;
}

// ---------------------------------------------------------------------------------------------
// read side

/** What a read model shows of the prediction slice (no trend windows, no detector model). */
export interface PredictionSummary {
  readonly failures: Readonly<Record<string, ActivePrediction>>;
  readonly rul: RulSnapshot | null;
  readonly anomaly: {
    readonly active: TwinAnomaly['active'];
    readonly score: number | null;
    readonly trainingReadings: number;
    readonly trained: boolean;
  };
  /** The current health index (prediction/health: the newest bucket of the detector's distances), null while untrained, disabled or before the first score. */
  readonly healthIndex: number | null;
}

/**
 * The light summary of a twin's prediction (for the twin's HTTP answer and the console). The health
 * index is judged by the profile's `prediction.healthIndex`; without a profile, by the defaults
 * (failure at 4 × the detector's raiseAbove).
 */
export function predictionSummaryOf(state: Pick<TwinState, 'prediction'>, profile?: ThresholdProfile): PredictionSummary {
  const { failures, rul, anomaly } = state.prediction;
  const settings = profile ? predictionSettingsOf(profile) : DEFAULT_PREDICTION_SETTINGS;
  const failureScore = settings.healthIndex.enabled ? failureScoreOfSlice(state.prediction, settings) : null;
  const healthIndex = failureScore === null ? null : currentHealthIndex(state.prediction.health, failureScore);
  return {
    failures,
    rul,
    anomaly: { active: anomaly.active, score: anomaly.score, trainingReadings: anomaly.trainingReadings, trained: anomaly.model !== null },
    healthIndex: healthIndex === null ? null : round(healthIndex, 3),
  };
}
