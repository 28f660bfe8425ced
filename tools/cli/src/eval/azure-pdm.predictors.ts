import {
  addToWindow,
  detectAnomaly,
  EMPTY_TREND_WINDOW,
  fitAnomaly,
  fitTrend,
  windowSize,
  initialAnomalyState,
  startAnomalyTraining,
  timeToThreshold,
  trainAnomaly,
  type AnomalyDetectorOptions,
  type AnomalyModel,
  type AnomalyTraining,
  type TrendWindow,
  type TrendWindowOptions,
} from '@twinline/domain-twin';
import { AZURE_CHANNELS, type AzureChannel, type FailureRecord, type MachineHour, type MaintenanceRecord } from './azure-pdm.load';
import { HOUR_MS, type Prediction } from './azure-pdm.score';

/**
 * The small interface the Azure evaluation drives: one machine at a time, its training-period rows
 * (and the failures recorded in that period, known by its end), then its test rows streamed in time
 * order; returns the predictions ("this machine fails within the horizon") it made in the test period.
 * Implementations call the twin's pure prediction code; they never see a test-period label.
 */
export interface FailurePredictor {
  readonly name: string;
  readonly description: string;
  predict(input: {
    readonly training: readonly MachineHour[];
    readonly trainingFailures: readonly FailureRecord[];
    readonly test: readonly MachineHour[];
    /** The machine's maintenance (replacements, scheduled or after a failure) in the test period: the twin learns of each when it is done. */
    readonly repairs?: readonly MaintenanceRecord[];
    readonly horizonHours: number;
  }): Prediction[];
}

/**
 * Training rows split into stretches free of the pre-failure hours: rows in [f − exclude, f + exclude)
 * around a training-period failure f are left out (the component was degrading, then replaced).
 */
export function cleanStretches(rows: readonly MachineHour[], failures: readonly FailureRecord[], excludeHours: number): MachineHour[][] {
  const stretches: MachineHour[][] = [[]];
  for (const r of rows) {
    const dirty = failures.some((f) => r.tMs >= f.tMs - excludeHours * HOUR_MS && r.tMs < f.tMs + excludeHours * HOUR_MS);
    const open = stretches[stretches.length - 1]!;
    if (dirty) {
      if (open.length) stretches.push([]);
    } else open.push(r);
  }
  return stretches.filter((s) => s.length > 0);
}

/**
 * Turns a per-hour "predicting or not" into predictions: one when predicting starts, and again every
 * `everyHours` while it lasts (a standing warning is re-announced, like an unacknowledged alarm: a
 * warning raised long before a failure does not count for it, and a warning that stands for days
 * without a failure costs one false prediction per day).
 */
export function repeater(everyHours: number): { readonly predictions: Prediction[]; observe(tMs: number, signal: (() => string) | null): void } {
  const predictions: Prediction[] = [];
  let lastMs: number | null = null;
  return {
    predictions,
    observe(tMs, signal) {
      if (signal === null) {
        lastMs = null;
        return;
      }
      if (lastMs === null || tMs - lastMs >= everyHours * HOUR_MS) {
        predictions.push({ tMs, signal: signal() });
        lastMs = tMs;
      }
    },
  };
}

/** Tells, hour by hour, whether a repair was done since the previous hour (then the detector starts afresh). */
export function repairClock(repairs: readonly MaintenanceRecord[] = []): (tMs: number) => boolean {
  const times = [...new Set(repairs.map((r) => r.tMs))].sort((a, b) => a - b);
  let next = 0;
  return (tMs) => {
    let repaired = false;
    while (next < times.length && times[next]! <= tMs) {
      repaired = true;
      next++;
    }
    return repaired;
  };
}

const rowOf = (h: MachineHour) => ({ volt: h.volt, rotate: h.rotate, pressure: h.pressure, vibration: h.vibration });

/**
 * The twin's anomaly detector (libs/domain/twin/src/prediction/anomaly): per machine, one `level`
 * feature per channel (rolling mean over `windowSamples` hourly rows), Hotelling T² against the
 * training period, raised with hysteresis. A prediction is made when the anomaly is raised and again
 * every horizon while it stands (see `repeater`), attributed to the channel contributing most.
 */
export function anomalyPredictor(overrides: Partial<AnomalyDetectorOptions> = {}, cleanHours = 48, resetOnRepair = true): FailurePredictor {
  const options: Partial<AnomalyDetectorOptions> = { windowSamples: 24, raiseAbove: 5, raiseAfter: 1, clearAfter: 6, clearRatio: 0.1, ...overrides };
  const channels = AZURE_CHANNELS.map((name) => ({ name, feature: 'level' as const }));
  return {
    name: 'anomaly',
    description: `anomaly detector (T² / 4 of the ${options.windowSamples} h rolling means of volt, rotate, pressure, vibration against the training period; raise above ${options.raiseAbove}, after ${options.raiseAfter}, clear after ${options.clearAfter}); training rows within ${cleanHours} h of a training-period failure left out${resetOnRepair ? '; windows restart after each recorded repair' : ''}`,
    predict({ training, trainingFailures, test, repairs, horizonHours }) {
      let acc: AnomalyTraining = startAnomalyTraining(channels, options);
      const stretches = cleanStretches(training, trainingFailures, cleanHours);
      for (const stretch of stretches) {
        acc = { ...acc, windows: { history: channels.map(() => []) } };
        for (const r of stretch) acc = trainAnomaly(acc, rowOf(r));
      }
      const fitted = fitAnomaly(acc);
      const model: AnomalyModel = fitted.model;
      // Continue the training windows only when training ended with a clean stretch up to the test.
      const lastClean = stretches[stretches.length - 1]?.[stretches[stretches.length - 1]!.length - 1];
      const lastTraining = training[training.length - 1];
      let state = lastClean && lastTraining && lastClean.tMs === lastTraining.tMs ? fitted.state : initialAnomalyState(model);
      const repeat = repeater(horizonHours);
      const repaired = repairClock(resetOnRepair ? repairs : []);
      for (const r of test) {
        // A repair replaced a component: the windows (still holding the hours before it) start afresh.
        if (repaired(r.tMs)) state = initialAnomalyState(model);
        const step = detectAnomaly(model, state, rowOf(r));
        state = step.state;
        repeat.observe(r.tMs, step.anomalous ? () => strongestChannel(model, state.windows.history) : null);
      }
      return repeat.predictions;
    },
  };
}

/** The channel whose rolling mean stands out most: (f − μ)² · P_jj. */
function strongestChannel(model: AnomalyModel, history: readonly (readonly number[])[]): string {
  let best = model.channels[0]?.name ?? '?';
  let bestScore = -1;
  model.channels.forEach((c, j) => {
    const h = history[j] ?? [];
    if (!h.length) return;
    const mean = h.reduce((s, v) => s + v, 0) / h.length;
    const z = (mean - model.mean[j]!) ** 2 * model.precision[j]![j]!;
    const dir = mean >= model.mean[j]! ? 'high' : 'low';
    if (z > bestScore) {
      bestScore = z;
      best = `${c.name} ${dir}`;
    }
  });
  return best;
}

/**
 * The twin's trend predictor (libs/domain/twin/src/prediction/trend) per channel: a sliding window
 * of hourly values (`window`), least-squares line, and `timeToThreshold` against limits learned from
 * the training period (mean ± k·σ of the fitted level over full training windows, both sides). A prediction is
 * made when a crossing is predicted within the horizon (FailurePredicted) or the fitted level is
 * beyond a limit already (the hard threshold: the twin would alarm); predictions repeat every horizon
 * while some channel keeps predicting (see `repeater`).
 */
export function trendPredictor(k = 4, window: TrendWindowOptions = { bucketSeconds: 0, maxPoints: 24, maxAgeSeconds: 86_400 }, minPoints = 12, cleanHours = 48, resetOnRepair = false): FailurePredictor {
  return {
    name: 'trend',
    description: `trend predictor (least squares over the last ${window.maxPoints} hourly values per channel, time to limits at training mean ± ${k}·σ of the fitted level, ≥ ${minPoints} points, one-sided 95 % slope bound); training rows within ${cleanHours} h of a training-period failure left out${resetOnRepair ? '; windows restart after each recorded repair' : ''}`,
    predict({ training, trainingFailures, test, repairs, horizonHours }) {
      // Limits: mean ± k·σ of the fitted level (the value compared with them) over the clean training windows.
      const limits = new Map<AzureChannel, { max: number; min: number }>();
      const stretches = cleanStretches(training, trainingFailures, cleanHours);
      for (const c of AZURE_CHANNELS) {
        const levels: number[] = [];
        for (const s of stretches) {
          let w: TrendWindow = EMPTY_TREND_WINDOW;
          for (const r of s) {
            w = addToWindow(w, r.tMs, r[c], window);
            const trend = windowSize(w) >= window.maxPoints ? fitTrend(w, minPoints) : null;
            if (trend) levels.push(trend.level);
          }
        }
        const mu = levels.reduce((a, b) => a + b, 0) / Math.max(1, levels.length);
        const sd = Math.sqrt(levels.reduce((a, b) => a + (b - mu) ** 2, 0) / Math.max(1, levels.length - 1));
        limits.set(c, { max: mu + k * sd, min: mu - k * sd });
      }
      let windows: Record<AzureChannel, TrendWindow> = { volt: EMPTY_TREND_WINDOW, rotate: EMPTY_TREND_WINDOW, pressure: EMPTY_TREND_WINDOW, vibration: EMPTY_TREND_WINDOW };
      for (const r of training.slice(-window.maxPoints)) windows = Object.fromEntries(AZURE_CHANNELS.map((c) => [c, addToWindow(windows[c], r.tMs, r[c], window)])) as typeof windows;
      const repeat = repeater(horizonHours);
      const repaired = repairClock(resetOnRepair ? repairs : []);
      for (const r of test) {
        if (repaired(r.tMs)) windows = { volt: EMPTY_TREND_WINDOW, rotate: EMPTY_TREND_WINDOW, pressure: EMPTY_TREND_WINDOW, vibration: EMPTY_TREND_WINDOW };
        windows = Object.fromEntries(AZURE_CHANNELS.map((c) => [c, addToWindow(windows[c], r.tMs, r[c], window)])) as typeof windows;
        let signal: string | null = null;
        for (const c of AZURE_CHANNELS) {
          const trend = fitTrend(windows[c], minPoints);
          if (!trend) continue;
          const limit = limits.get(c)!;
          const crossing = timeToThreshold(trend, limit, r.tMs);
          if (crossing && crossing.hours <= horizonHours) {
            signal = `${c} ${crossing.comparator === '>' ? 'high' : 'low'}${crossing.hours === 0 ? '' : ' (trend)'}`;
            break;
          }
          if (trend.level > limit.max || trend.level < limit.min) {
            signal = `${c} ${trend.level > limit.max ? 'high' : 'low'}`;
            break;
          }
        }
        const found = signal;
        repeat.observe(r.tMs, found === null ? null : () => found);
      }
      return repeat.predictions;
    },
  };
}

/** Baseline: one prediction per machine and day, at the hour the test period starts ("predict every day"). */
export function everyDayPredictor(): FailurePredictor {
  return {
    name: 'every-day',
    description: 'naive baseline: predicts a failure every 24 h (recall 1 by construction; precision = how often a failure follows within 24 h)',
    predict({ test }) {
      const first = test[0];
      if (!first) return [];
      return test.filter((r) => (r.tMs - first.tMs) % (24 * HOUR_MS) === 0).map((r) => ({ tMs: r.tMs, signal: 'daily' }));
    },
  };
}
