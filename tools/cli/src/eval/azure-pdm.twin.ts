import type { TrustedReading, TwinEvent } from '@twinline/contracts';
import { decide, evolve, initialTwinState, profileFor, type ThresholdProfile, type TwinState } from '@twinline/domain-twin';
import { AZURE_CHANNELS, type MachineHour } from './azure-pdm.load';
import { cleanStretches, repeater, type FailurePredictor } from './azure-pdm.predictors';

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/**
 * A twin profile for one Azure machine: hard limits on the hourly values of volt, rotate, pressure
 * and vibration at the training mean ± k·σ (clean training rows), the twin's prediction with the
 * given planning horizon; everything else is the default profile (alarm policy, labels).
 */
export function machineProfile(training: readonly MachineHour[], k: number, horizonHours: number, anomaly?: HourlyAnomalySettings): ThresholdProfile {
  const limits: Record<string, { max: number; min: number }> = {};
  for (const c of AZURE_CHANNELS) {
    const values = training.map((r) => r[c]);
    const mu = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mu) ** 2, 0) / Math.max(1, values.length - 1));
    limits[c] = { max: mu + k * sd, min: mu - k * sd };
  }
  const base = profileFor('default');
  // `prediction` is the profile's prediction settings (twin.predict.ts PredictionSettings); absent fields take the twin's defaults.
  // H10: with `anomaly`, the class's own anomaly training period and detector options (recorded by PredictionConfigured).
  const prediction = anomaly
    ? { horizonHours, anomaly: { trainingReadings: 100, trainingHours: anomaly.trainingHours, options: { windowSamples: anomaly.windowSamples, raiseAbove: anomaly.raiseAbove, raiseAfter: anomaly.raiseAfter, clearAfter: anomaly.clearAfter } } }
    : { horizonHours };
  const profile: ThresholdProfile & { readonly prediction: { readonly horizonHours: number } } = { ...base, name: 'azure-pdm-machine', version: 1, limits, prediction };
  return profile;
}

/**
 * The anomaly settings of an hourly asset class (H10): H5's anomaly row found rolling means over 12
 * hourly readings, raise above 12 after 3, clear after 6, and training on the whole training period
 * (14 days) best on machines 1–10; the twin takes them from the profile (`trainingHours` = the span
 * of the training rows, so the detector fits at the last training reading).
 */
export interface HourlyAnomalySettings {
  readonly windowSamples: number;
  readonly raiseAbove: number;
  readonly raiseAfter: number;
  readonly clearAfter: number;
  readonly trainingHours: number;
}
export const HOURLY_ANOMALY: Omit<HourlyAnomalySettings, 'trainingHours'> = Object.freeze({ windowSamples: 12, raiseAbove: 12, raiseAfter: 3, clearAfter: 6 });

/** What the twin warns of after a reading, if anything: a failure prediction in force, an anomaly, an alarm. */
export function twinWarning(state: TwinState): string | null {
  const failures = Object.values(state.prediction.failures);
  if (failures.length) return `FailurePredicted ${failures.map((f) => f.metric).join('+')}`;
  if (state.status === 'ALARM') return 'alarm';
  if (state.prediction.anomaly.active !== null) return 'AnomalyDetected';
  return null;
}

/**
 * The twin itself, end to end: every hourly row of a machine is one `ApplyReadings` command through
 * the twin's own `decide`/`evolve` (the code twin-state runs live and in replay), with a per-machine
 * profile (`machineProfile`). The training rows go through the twin too (its anomaly detector trains
 * on the first readings, its trend windows fill); no prediction is scored there. In the test period
 * the twin warns while a failure prediction is in force (FailurePredicted, not yet withdrawn), an
 * alarm is active or an anomaly is announced (AnomalyDetected, not yet cleared); the warning is
 * re-announced every horizon while it stands. Repairs are not fed to the twin (RecordMaintenance
 * would restart its anomaly training for 100 readings after every replacement).
 */
export function twinPredictor(k = 4, hourly: Omit<HourlyAnomalySettings, 'trainingHours'> | null = null): FailurePredictor {
  const detector = hourly
    ? `the class's hourly anomaly settings (rolling means over ${hourly.windowSamples} h, raise above ${hourly.raiseAbove} after ${hourly.raiseAfter}, clear after ${hourly.clearAfter}, trained on the whole training period)`
    : "the twin's default anomaly settings (100 readings over 24 h, the detector defaults)";
  return {
    name: 'twin',
    description: `the twin's decide/evolve end to end (FailurePredicted from its trend, AnomalyDetected from its anomaly detector with ${detector}, alarms on hard limits at training mean ± ${k}·σ of the hourly values); one ApplyReadings per hour`,
    predict({ training, trainingFailures, test, horizonHours }) {
      const clean = cleanStretches(training, trainingFailures, 48).flat();
      const trainingHours = training.length > 1 ? (training[training.length - 1]!.tMs - training[0]!.tMs) / 3_600_000 : 0;
      const profile = machineProfile(clean.length ? clean : training, k, horizonHours, hourly ? { ...hourly, trainingHours } : undefined);
      const assetId = 'azure-machine';
      let state: TwinState = initialTwinState;
      let seq = 0;
      const apply = (r: MachineHour): TwinEvent[] => {
        seq += 1;
        const ts = iso(r.tMs);
        const reading: TrustedReading = { readingId: `R-${seq}`, deviceId: 'azure-edge', assetId, seq, ts, receivedAt: ts, metrics: { volt: r.volt, rotate: r.rotate, pressure: r.pressure, vibration: r.vibration } };
        const events = decide({ type: 'ApplyReadings', data: { assetId, readings: [reading], profile } }, state);
        state = events.reduce(evolve, state);
        return events;
      };
      for (const r of training) apply(r);
      const repeat = repeater(horizonHours);
      for (const r of test) {
        apply(r);
        const warning = twinWarning(state);
        repeat.observe(r.tMs, warning === null ? null : () => warning);
      }
      return repeat.predictions;
    },
  };
}
