import { detectAnomaly, fitAnomalyModel, type AnomalyChannel, type AnomalyDetectorOptions, type AnomalyRow } from '@twinline/domain-twin';
import { binaryScores, changepointsFromOutliers, nabScores, type BinaryScores, type NabScores } from './skab.metrics';
import { splitSkab, type SkabFile, type SkabRow } from './skab.load';

/**
 * The one configuration used for every SKAB file: levels (rolling means) of the vibration, current,
 * pressure, voltage and flow channels; slopes of the two temperatures (motor body `Temperature`,
 * fluid `Thermocouple`), which drift by several kelvin within normal operation, far beyond what a
 * 400-second training period shows. Detector options: the domain defaults.
 */
export const SKAB_DETECTOR_CHANNELS: readonly AnomalyChannel[] = [
  { name: 'Accelerometer1RMS', feature: 'level' },
  { name: 'Accelerometer2RMS', feature: 'level' },
  { name: 'Current', feature: 'level' },
  { name: 'Pressure', feature: 'level' },
  { name: 'Temperature', feature: 'rate' },
  { name: 'Thermocouple', feature: 'rate' },
  { name: 'Voltage', feature: 'level' },
  { name: 'Volume Flow RateRMS', feature: 'level' },
];

export const SKAB_DETECTOR_OPTIONS: Partial<AnomalyDetectorOptions> = {};

export interface SkabFileResult {
  readonly name: string;
  readonly times: readonly number[];
  readonly truth: readonly (0 | 1)[];
  readonly trueChangepoints: readonly (0 | 1)[];
  readonly predicted: readonly (0 | 1)[];
  readonly scores: readonly (number | null)[];
}

export interface SkabResult {
  readonly files: readonly SkabFileResult[];
  readonly binary: BinaryScores;
  readonly nab: NabScores;
  readonly rows: number;
  readonly anomalousRows: number;
  readonly changepoints: number;
}

const rowOf = (r: SkabRow): AnomalyRow => r.values;

/** Fits the detector on a file's first 400 rows and streams the rest through it, reading by reading. */
export function detectSkabFile(file: SkabFile, channels: readonly AnomalyChannel[] = SKAB_DETECTOR_CHANNELS, options: Partial<AnomalyDetectorOptions> = SKAB_DETECTOR_OPTIONS): SkabFileResult {
  const { train, test } = splitSkab(file);
  const fitted = fitAnomalyModel(channels, train.map(rowOf), options);
  let state = fitted.state;
  const predicted: (0 | 1)[] = [];
  const scores: (number | null)[] = [];
  for (const r of test) {
    const step = detectAnomaly(fitted.model, state, rowOf(r));
    state = step.state;
    predicted.push(step.anomalous ? 1 : 0);
    scores.push(step.score);
  }
  return { name: file.name, times: test.map((r) => r.tsMs), truth: test.map((r) => r.anomaly), trueChangepoints: test.map((r) => r.changepoint), predicted, scores };
}

/** Scores a set of per-file predictions with SKAB's metrics. */
export function scoreSkab(files: readonly SkabFileResult[]): SkabResult {
  return {
    files,
    binary: binaryScores(files),
    nab: nabScores(files.map((f) => ({ times: f.times, trueChangepoints: f.trueChangepoints, predictedChangepoints: changepointsFromOutliers(f.predicted) }))),
    rows: files.reduce((s, f) => s + f.truth.length, 0),
    anomalousRows: files.reduce((s, f) => s + f.truth.filter((t) => t === 1).length, 0),
    changepoints: files.reduce((s, f) => s + f.trueChangepoints.filter((t) => t === 1).length, 0),
  };
}

/** The whole SKAB protocol with one global detector configuration. */
export function runSkab(files: readonly SkabFile[], channels: readonly AnomalyChannel[] = SKAB_DETECTOR_CHANNELS, options: Partial<AnomalyDetectorOptions> = SKAB_DETECTOR_OPTIONS): SkabResult {
  return scoreSkab(files.map((f) => detectSkabFile(f, channels, options)));
}
