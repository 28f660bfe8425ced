import type { AzureData } from './azure-pdm.load';
import { anomalyPredictor, trendPredictor, type FailurePredictor } from './azure-pdm.predictors';
import { HOURLY_ANOMALY, twinPredictor } from './azure-pdm.twin';
import { HOUR_MS, scorePredictions, type MachineRun, type ScoreResult } from './azure-pdm.score';

export interface AzureProtocol {
  readonly horizonHours: number;
  readonly cooldownHours: number;
  /** Each machine's first this-many days of telemetry train the predictor; nothing is scored there. */
  readonly trainingDays: number;
}

export const DEFAULT_AZURE_PROTOCOL: AzureProtocol = Object.freeze({ horizonHours: 24, cooldownHours: 24, trainingDays: 14 });

export interface PredictorResult {
  readonly predictor: { readonly name: string; readonly description: string };
  readonly predictions: number;
  readonly score: ScoreResult;
  readonly seconds: number;
}

/**
 * Runs a predictor over every machine of the telemetry: training period first (its own failures
 * known), then the test period streamed hour by hour; scores the predictions.
 */
export function runPredictor(data: AzureData, predictor: FailurePredictor, protocol: AzureProtocol, options: { readonly machines?: (machineId: number) => boolean; readonly clockMs?: () => number } = {}): PredictorResult {
  const clockMs = options.clockMs ?? (() => 0);
  const started = clockMs();
  const runs: MachineRun[] = [];
  let predictions = 0;
  for (const [machineId, rows] of [...data.telemetry.entries()].sort((a, b) => a[0] - b[0])) {
    const first = rows[0];
    const last = rows[rows.length - 1];
    if (!first || !last || (options.machines && !options.machines(machineId))) continue;
    const testStartMs = first.tMs + protocol.trainingDays * 24 * HOUR_MS;
    const training = rows.filter((r) => r.tMs < testStartMs);
    const test = rows.filter((r) => r.tMs >= testStartMs);
    const trainingFailures = data.failures.filter((f) => f.machineId === machineId && f.tMs <= testStartMs);
    const repairs = data.maintenance.filter((m) => m.machineId === machineId && m.tMs > testStartMs && m.tMs <= last.tMs);
    const made = predictor.predict({ training, trainingFailures, test, repairs, horizonHours: protocol.horizonHours });
    predictions += made.length;
    runs.push({ machineId, trainingStartMs: first.tMs, testStartMs, testEndMs: last.tMs, predictions: made });
  }
  return {
    predictor: { name: predictor.name, description: predictor.description },
    predictions,
    score: scorePredictions(runs, data.failures, { horizonHours: protocol.horizonHours, cooldownHours: protocol.cooldownHours }, data.maintenance),
    seconds: (clockMs() - started) / 1000,
  };
}

/** A predictor setting of the selection sweep. */
export interface PredictorSetting {
  readonly predictor: string;
  readonly setting: string;
  readonly make: () => FailurePredictor;
}

/**
 * The settings compared on machines 1–10; the one with the highest F1 there is the default of its
 * predictor (chosen once on 2026-11-26 with horizon 24 h, 14 training days; machines 11–20 held out).
 */
export const SWEEP: readonly PredictorSetting[] = [
  ...[4, 6, 8].map((k) => ({ predictor: 'twin', setting: `limits ± ${k} σ (hourly values), twin's own prediction settings`, make: () => twinPredictor(k) })),
  // H10: the class's own anomaly settings in the profile (recorded in the stream by PredictionConfigured).
  ...[4, 6, 8].map((k) => ({ predictor: 'twin', setting: `limits ± ${k} σ (hourly values), class anomaly settings (12 h, above 12 after 3, 14-day training)`, make: () => twinPredictor(k, HOURLY_ANOMALY) })),
  ...[12, 24].flatMap((windowSamples) =>
    [5, 8, 12, 20].map((raiseAbove) => ({
      predictor: 'anomaly',
      setting: `window ${windowSamples} h, raise above ${raiseAbove}, after 3`,
      make: () => anomalyPredictor({ windowSamples, raiseAbove, raiseAfter: 3 }),
    })),
  ),
  ...[4, 6, 8, 10, 12].map((k) => ({ predictor: 'trend', setting: `48 h window, limits ± ${k} σ`, make: () => trendPredictor(k, { bucketSeconds: 0, maxPoints: 48, maxAgeSeconds: 48 * 3600 }, 12) })),
];

export const SELECTED: Readonly<Record<'twin' | 'anomaly' | 'trend', string>> = Object.freeze({
  // H10: the twin with its class's anomaly settings (profile `prediction.anomaly`), highest F1 on machines 1–10 (0.266; own defaults 0.211).
  twin: 'limits ± 8 σ (hourly values), class anomaly settings (12 h, above 12 after 3, 14-day training)',
  anomaly: 'window 12 h, raise above 12, after 3',
  trend: '48 h window, limits ± 10 σ',
});

export function selectedPredictor(name: 'twin' | 'anomaly' | 'trend'): FailurePredictor {
  const found = SWEEP.find((s) => s.predictor === name && s.setting === SELECTED[name]);
  if (!found) throw new Error(`no setting "${SELECTED[name]}" for ${name}`);
  return found.make();
}
