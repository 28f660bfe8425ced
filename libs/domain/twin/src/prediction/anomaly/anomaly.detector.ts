import { invertSpd, quadraticForm, shrinkTowardDiagonal } from './anomaly.linalg';

/**
 * Anomaly detector: learns an asset's normal behaviour from a training period and flags departures
 * from it, reading by reading.
 *
 * Features (one per channel): a `level` channel contributes its rolling mean over the last
 * `windowSamples` readings; a `rate` channel its slope over the last `rateSamples` readings,
 * `(x[t] − x[t−k]) / k` (for slowly drifting channels such as temperatures, whose level during a
 * short training period says little about later normal levels).
 * Model: mean vector and covariance of those feature vectors over the training period (accumulated
 * online: count, mean, co-moment), covariance shrunk toward its diagonal, inverted once.
 * Score: Hotelling's T² of the current feature vector divided by the number of features, so that
 * its average over the training period is about 1 whatever the channel count.
 * Decision: hysteresis on the score: raised after `raiseAfter` consecutive scores above
 * `raiseAbove`; cleared after `clearAfter` consecutive scores at or below `clearBelow` or at or below
 * `clearRatio` × the episode's peak score; after clearing, that fraction of the (fading) peak stays
 * the raise threshold while it is above `raiseAbove`.
 *
 * Everything (options, training accumulator, model, detector state) is plain JSON: the twin can
 * keep it in its state and snapshots. No clock, no randomness: the same readings give the same
 * scores in the live service, in replay and in evaluation.
 */

/** How one input channel becomes a feature. */
export type AnomalyFeature = 'level' | 'rate';

export interface AnomalyChannel {
  /** Key of the value in each reading (a metric name, or a column name). */
  readonly name: string;
  /** `level` (default): rolling mean; `rate`: slope over `rateSamples` readings. */
  readonly feature?: AnomalyFeature;
}

export interface AnomalyDetectorOptions {
  /** Rolling-mean window of `level` channels, in readings. Default 10. */
  readonly windowSamples: number;
  /** Span of the slope of `rate` channels, in readings. Default 10. */
  readonly rateSamples: number;
  /** Covariance shrinkage toward the diagonal, λ in [0, 1] (0 = full covariance, 1 = channels independent). Default 0.2. */
  readonly shrinkage: number;
  /** A score (T² / features, about 1 on average in training) above this counts toward raising. Default 5. */
  readonly raiseAbove: number;
  /** Consecutive readings above `raiseAbove` that raise the anomaly. Default 5. */
  readonly raiseAfter: number;
  /** A score at or below this counts toward clearing. Default equal to `raiseAbove`. */
  readonly clearBelow: number;
  /** Consecutive readings at or below `clearBelow` that clear the anomaly. Default 5. */
  readonly clearAfter: number;
  /**
   * While raised, a score at or below `clearRatio` × the highest score of the episode also counts
   * toward clearing (the process has settled far from the departure that raised the anomaly, at a
   * level training did not show). 0 turns it off. Default 0.1.
   */
  readonly clearRatio: number;
  /**
   * After an episode clears, `clearRatio` × its peak keeps acting as the raise threshold (when higher
   * than `raiseAbove`), fading with this half-life in readings: a process that settled at a new level
   * after a departure does not re-raise at once. 0 forgets the peak on clearing. Default 60.
   */
  readonly peakHalfLife: number;
  /** Feature vectors needed before a model may be fitted. Default 30. */
  readonly minTrainingSamples: number;
}

export const DEFAULT_ANOMALY_OPTIONS: AnomalyDetectorOptions = Object.freeze({
  windowSamples: 10,
  rateSamples: 10,
  shrinkage: 0.2,
  raiseAbove: 5,
  raiseAfter: 5,
  clearBelow: 5,
  clearAfter: 5,
  clearRatio: 0.1,
  peakHalfLife: 60,
  minTrainingSamples: 30,
});

/** One reading: channel name → value. A channel missing from a reading keeps its last value. */
export type AnomalyRow = Readonly<Record<string, number | undefined>>;

/** Recent values per channel, oldest first (the windows the features are computed from). */
export interface AnomalyWindows {
  readonly history: readonly (readonly number[])[];
}

/** Online training accumulator (plain JSON): feature windows plus count, mean and co-moment. */
export interface AnomalyTraining {
  readonly channels: readonly AnomalyChannel[];
  readonly options: AnomalyDetectorOptions;
  readonly windows: AnomalyWindows;
  readonly count: number;
  readonly mean: readonly number[];
  /** Σ (f − mean)(f − mean)ᵀ over the training feature vectors (Welford). */
  readonly comoment: readonly (readonly number[])[];
}

/** A fitted model (plain JSON). */
export interface AnomalyModel {
  readonly version: 1;
  readonly channels: readonly AnomalyChannel[];
  readonly options: AnomalyDetectorOptions;
  /** Feature vectors the model was fitted on. */
  readonly trainingSamples: number;
  readonly mean: readonly number[];
  /** Inverse of the shrunk feature covariance. */
  readonly precision: readonly (readonly number[])[];
}

/** Streaming state of the detector (plain JSON). */
export interface AnomalyDetectorState {
  readonly windows: AnomalyWindows;
  readonly anomalous: boolean;
  /** Consecutive readings on the other side of the threshold than the current decision. */
  readonly streak: number;
  /** Highest score since the anomaly was raised; after it clears, that peak fading (see `peakHalfLife`). */
  readonly peak: number;
}

export interface AnomalyStep {
  readonly state: AnomalyDetectorState;
  /** T² / features; null while the windows are still filling. */
  readonly score: number | null;
  /** The decision after this reading. */
  readonly anomalous: boolean;
  /** `raised` or `cleared` on the reading where the decision changed, else null. */
  readonly transition: 'raised' | 'cleared' | null;
}

export function anomalyOptions(overrides: Partial<AnomalyDetectorOptions> = {}): AnomalyDetectorOptions {
  const o = { ...DEFAULT_ANOMALY_OPTIONS, ...(overrides.raiseAbove !== undefined && overrides.clearBelow === undefined ? { clearBelow: overrides.raiseAbove } : {}), ...overrides };
  const integer = (name: keyof AnomalyDetectorOptions, min: number) => {
    const v = o[name];
    if (!Number.isInteger(v) || v < min) throw new Error(`anomaly detector option ${name} must be an integer >= ${min}, got ${v}`);
  };
  integer('windowSamples', 1);
  integer('rateSamples', 1);
  integer('raiseAfter', 1);
  integer('clearAfter', 1);
  integer('minTrainingSamples', 2);
  if (!(o.shrinkage >= 0 && o.shrinkage <= 1)) throw new Error(`anomaly detector option shrinkage must be in [0, 1], got ${o.shrinkage}`);
  if (!(o.raiseAbove > 0)) throw new Error(`anomaly detector option raiseAbove must be > 0, got ${o.raiseAbove}`);
  if (!(o.peakHalfLife >= 0)) throw new Error(`anomaly detector option peakHalfLife must be >= 0, got ${o.peakHalfLife}`);
  if (!(o.clearRatio >= 0 && o.clearRatio < 1)) throw new Error(`anomaly detector option clearRatio must be in [0, 1), got ${o.clearRatio}`);
  if (!(o.clearBelow >= 0 && o.clearBelow <= o.raiseAbove)) throw new Error(`anomaly detector option clearBelow must be in [0, raiseAbove], got ${o.clearBelow}`);
  return Object.freeze(o);
}

function spanOf(channel: AnomalyChannel, o: AnomalyDetectorOptions): number {
  return channel.feature === 'rate' ? o.rateSamples + 1 : o.windowSamples;
}

/** Appends a reading to the windows (a missing or non-finite value repeats the channel's last one). */
export function pushWindows(windows: AnomalyWindows, channels: readonly AnomalyChannel[], o: AnomalyDetectorOptions, row: AnomalyRow): AnomalyWindows {
  return {
    history: channels.map((c, i) => {
      const h = windows.history[i] ?? [];
      const raw = row[c.name];
      const value = raw !== undefined && Number.isFinite(raw) ? raw : h[h.length - 1];
      if (value === undefined) return h;
      const span = spanOf(c, o);
      const next = h.length >= span ? h.slice(h.length - span + 1) : h.slice();
      next.push(value);
      return next;
    }),
  };
}

/** The feature vector of the current windows, or null while a window is not full yet. */
export function featuresOf(windows: AnomalyWindows, channels: readonly AnomalyChannel[], o: AnomalyDetectorOptions): number[] | null {
  const features: number[] = [];
  for (let i = 0; i < channels.length; i++) {
    const c = channels[i]!;
    const h = windows.history[i] ?? [];
    if (h.length < spanOf(c, o)) return null;
    if (c.feature === 'rate') {
      features.push((h[h.length - 1]! - h[0]!) / o.rateSamples);
    } else {
      let sum = 0;
      for (const v of h) sum += v;
      features.push(sum / h.length);
    }
  }
  return features;
}

function emptyWindows(channels: readonly AnomalyChannel[]): AnomalyWindows {
  return { history: channels.map(() => []) };
}

/** Starts learning normal behaviour for these channels. */
export function startAnomalyTraining(channels: readonly AnomalyChannel[], overrides: Partial<AnomalyDetectorOptions> = {}): AnomalyTraining {
  if (channels.length === 0) throw new Error('anomaly detector needs at least one channel');
  const names = new Set(channels.map((c) => c.name));
  if (names.size !== channels.length) throw new Error(`anomaly detector channels must have distinct names: ${channels.map((c) => c.name).join(', ')}`);
  const d = channels.length;
  return {
    channels: channels.map((c) => ({ name: c.name, feature: c.feature ?? 'level' })),
    options: anomalyOptions(overrides),
    windows: emptyWindows(channels),
    count: 0,
    mean: new Array<number>(d).fill(0),
    comoment: Array.from({ length: d }, () => new Array<number>(d).fill(0)),
  };
}

/** Adds one normal reading to the training accumulator (Welford's online update of mean and co-moment). */
export function trainAnomaly(training: AnomalyTraining, row: AnomalyRow): AnomalyTraining {
  const windows = pushWindows(training.windows, training.channels, training.options, row);
  const f = featuresOf(windows, training.channels, training.options);
  if (!f) return { ...training, windows };
  const count = training.count + 1;
  const delta = f.map((v, i) => v - training.mean[i]!);
  const mean = training.mean.map((m, i) => m + delta[i]! / count);
  const after = f.map((v, i) => v - mean[i]!);
  const comoment = training.comoment.map((row_, i) => row_.map((c, j) => c + delta[i]! * after[j]!));
  return { ...training, windows, count, mean, comoment };
}

/** Whether the accumulator holds enough feature vectors to fit a model. */
export function canFitAnomaly(training: AnomalyTraining): boolean {
  return training.count >= training.options.minTrainingSamples;
}

/**
 * Fits the model from the accumulator and returns it with the detector state that continues from
 * the training windows (the next reading is scored at once, without refilling the windows).
 */
export function fitAnomaly(training: AnomalyTraining): { readonly model: AnomalyModel; readonly state: AnomalyDetectorState } {
  if (!canFitAnomaly(training)) throw new Error(`anomaly detector needs ${training.options.minTrainingSamples} training feature vectors, has ${training.count}`);
  const covariance = training.comoment.map((row) => row.map((c) => c / (training.count - 1)));
  // Variance floor: 1e-9 of the channel's mean square (or an absolute 1e-12), so that a channel that
  // never moved in training still gives a finite, very large score when it moves.
  const floors = training.mean.map((m, i) => Math.max(1e-12, 1e-9 * (m * m + covariance[i]![i]!)));
  const shrunk = shrinkTowardDiagonal(covariance, training.options.shrinkage, floors);
  const model: AnomalyModel = {
    version: 1,
    channels: training.channels,
    options: training.options,
    trainingSamples: training.count,
    mean: training.mean.slice(),
    precision: invertSpd(shrunk),
  };
  return { model, state: { windows: training.windows, anomalous: false, streak: 0, peak: 0 } };
}

/** Fits a model from a batch of normal readings (the rows of a training period, in time order). */
export function fitAnomalyModel(channels: readonly AnomalyChannel[], rows: readonly AnomalyRow[], overrides: Partial<AnomalyDetectorOptions> = {}): { readonly model: AnomalyModel; readonly state: AnomalyDetectorState } {
  return fitAnomaly(rows.reduce(trainAnomaly, startAnomalyTraining(channels, overrides)));
}

/** A detector state with empty windows (e.g. after a gap in the data). */
export function initialAnomalyState(model: AnomalyModel): AnomalyDetectorState {
  return { windows: emptyWindows(model.channels), anomalous: false, streak: 0, peak: 0 };
}

/** The score of a feature vector: T² / number of features. */
export function anomalyScore(model: AnomalyModel, features: readonly number[]): number {
  return quadraticForm(features, model.mean, model.precision) / features.length;
}

/** Scores one reading and updates the decision. */
export function detectAnomaly(model: AnomalyModel, state: AnomalyDetectorState, row: AnomalyRow): AnomalyStep {
  const o = model.options;
  const windows = pushWindows(state.windows, model.channels, o, row);
  const f = featuresOf(windows, model.channels, o);
  if (!f) return { state: { ...state, windows }, score: null, anomalous: state.anomalous, transition: null };
  const score = anomalyScore(model, f);
  const fading = o.peakHalfLife > 0 ? state.peak * Math.pow(0.5, 1 / o.peakHalfLife) : 0;
  const peak = state.anomalous ? Math.max(state.peak, score) : fading;
  const raiseLevel = Math.max(o.raiseAbove, o.clearRatio * peak);
  const against = state.anomalous ? score <= o.clearBelow || score <= o.clearRatio * peak : score > raiseLevel;
  const streak = against ? state.streak + 1 : 0;
  const flips = streak >= (state.anomalous ? o.clearAfter : o.raiseAfter);
  const anomalous = flips ? !state.anomalous : state.anomalous;
  return {
    state: { windows, anomalous, streak: flips ? 0 : streak, peak: anomalous ? Math.max(peak, score) : peak },
    score,
    anomalous,
    transition: flips ? (anomalous ? 'raised' : 'cleared') : null,
  };
}
