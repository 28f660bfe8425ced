import type { AnomalyChannel, AnomalyDetectorOptions } from '@twinline/domain-twin';
import { binaryScores, changepointsFromOutliers, nabScores } from './skab.metrics';
import type { SkabResult } from './skab.run';

/** SKAB's published leaderboard (README of waico/SKAB, "Proposed Leaderboard"; test = last rows after 400 of each file). */
export const SKAB_LEADERBOARD: ReadonlyArray<{ readonly algorithm: string; readonly f1: number | null; readonly far: number | null; readonly mar: number | null; readonly nabStandard: number | null; readonly nabLowFp: number | null; readonly nabLowFn: number | null }> = [
  { algorithm: 'Conv-AE', f1: 0.78, far: 13.55, mar: 28.02, nabStandard: 23.61, nabLowFp: 21.54, nabLowFn: 27.55 },
  { algorithm: 'MSET', f1: 0.78, far: 39.73, mar: 14.13, nabStandard: 13.84, nabLowFp: 10.22, nabLowFn: 17.37 },
  { algorithm: 'T-squared+Q (PCA)', f1: 0.76, far: 26.62, mar: 24.92, nabStandard: 25.35, nabLowFp: 14.51, nabLowFn: 31.33 },
  { algorithm: 'LSTM-AE', f1: 0.74, far: 29.96, mar: 25.92, nabStandard: 23.51, nabLowFp: 20.11, nabLowFn: 25.91 },
  { algorithm: 'T-squared', f1: 0.66, far: 19.21, mar: 42.6, nabStandard: 19.54, nabLowFp: 10.2, nabLowFn: 24.31 },
  { algorithm: 'LSTM-VAE', f1: 0.56, far: 9.13, mar: 55.03, nabStandard: null, nabLowFp: null, nabLowFn: null },
  { algorithm: 'Vanilla LSTM', f1: 0.54, far: 12.54, mar: 59.53, nabStandard: 11.31, nabLowFp: -3.8, nabLowFn: 17.25 },
  { algorithm: 'MSCRED', f1: 0.36, far: 49.94, mar: 69.88, nabStandard: 32.42, nabLowFp: 16.53, nabLowFn: 40.28 },
  { algorithm: 'Vanilla AE', f1: 0.39, far: 2.59, mar: 75.15, nabStandard: 11.41, nabLowFp: 6.53, nabLowFn: 13.91 },
  { algorithm: 'Isolation forest', f1: 0.29, far: 2.56, mar: 82.89, nabStandard: 26.16, nabLowFp: 19.5, nabLowFn: 30.82 },
  { algorithm: 'ArimaFD', f1: null, far: null, mar: null, nabStandard: -0.09, nabLowFp: -0.17, nabLowFn: -0.06 },
  { algorithm: 'Perfect detector', f1: 1, far: 0, mar: 0, nabStandard: 100, nabLowFp: 100, nabLowFn: 100 },
  { algorithm: 'Null detector', f1: 0, far: 0, mar: 100, nabStandard: 0, nabLowFp: 0, nabLowFn: 0 },
];

/** The goals of issue 5 for `eval skab`. */
export const SKAB_GOALS = { f1: 0.8, far: 13, nabStandard: 35, seconds: 60 } as const;

export interface SkabRun {
  readonly command: string;
  readonly dataDir: string;
  readonly seconds: number;
  readonly channels: readonly AnomalyChannel[];
  readonly options: AnomalyDetectorOptions;
}

/** Metrics per folder (valve1, valve2, other): the same scores restricted to that folder's files. */
export function skabByFolder(result: SkabResult): Array<{ folder: string; files: number; rows: number; f1: number; far: number; mar: number; nabStandard: number }> {
  const folders = [...new Set(result.files.map((f) => f.name.split('/')[0]!))];
  return folders.map((folder) => {
    const files = result.files.filter((f) => f.name.startsWith(`${folder}/`));
    const b = binaryScores(files);
    const n = nabScores(files.map((f) => ({ times: f.times, trueChangepoints: f.trueChangepoints, predictedChangepoints: changepointsFromOutliers(f.predicted) })));
    return { folder, files: files.length, rows: files.reduce((s, f) => s + f.truth.length, 0), f1: b.f1, far: b.far, mar: b.mar, nabStandard: n.standard };
  });
}

export function skabJson(run: SkabRun, r: SkabResult): Record<string, unknown> {
  return {
    dataset: 'SKAB',
    command: run.command,
    files: r.files.length,
    rows: r.rows,
    anomalousRows: r.anomalousRows,
    changepoints: r.changepoints,
    f1: r.binary.f1,
    far: r.binary.far,
    mar: r.binary.mar,
    tp: r.binary.tp,
    tn: r.binary.tn,
    fp: r.binary.fp,
    fn: r.binary.fn,
    nabStandard: r.nab.standard,
    nabLowFp: r.nab.lowFp,
    nabLowFn: r.nab.lowFn,
    nabWindows: r.nab.windows,
    nabDetectedWindows: r.nab.detected,
    nabFalsePositives: r.nab.falsePositives,
    byFolder: skabByFolder(r),
    goals: SKAB_GOALS,
    goalsMet: { f1: r.binary.f1 >= SKAB_GOALS.f1, far: r.binary.far <= SKAB_GOALS.far, nabStandard: r.nab.standard >= SKAB_GOALS.nabStandard, seconds: run.seconds < SKAB_GOALS.seconds },
    seconds: run.seconds,
    detector: { channels: run.channels, options: run.options },
  };
}

const fmt = (v: number | null, digits: number) => (v === null ? '—' : v.toFixed(digits));

export function skabMarkdown(run: SkabRun, r: SkabResult): string {
  const lines = [
    `## SKAB — anomaly detection (${r.files.length} files, ${r.rows.toLocaleString('en-US')} scored rows, ${r.anomalousRows.toLocaleString('en-US')} anomalous, ${r.changepoints} changepoints)`,
    '',
    `Protocol: per file, first 400 rows fit the detector, the rest are scored reading by reading; pooled F1/FAR/MAR over all scored rows; NAB with a 60 s window right of each true changepoint (waico/SKAB core/metrics.py). One configuration for all files.`,
    '',
    '| Algorithm | F1 | FAR % | MAR % | NAB std | NAB LowFP | NAB LowFN |',
    '|---|---|---|---|---|---|---|',
    `| **Twinline T² (this run)** | **${fmt(r.binary.f1, 3)}** | **${fmt(r.binary.far, 2)}** | **${fmt(r.binary.mar, 2)}** | **${fmt(r.nab.standard, 2)}** | **${fmt(r.nab.lowFp, 2)}** | **${fmt(r.nab.lowFn, 2)}** |`,
    ...SKAB_LEADERBOARD.map((l) => `| ${l.algorithm} | ${fmt(l.f1, 2)} | ${fmt(l.far, 2)} | ${fmt(l.mar, 2)} | ${fmt(l.nabStandard, 2)} | ${fmt(l.nabLowFp, 2)} | ${fmt(l.nabLowFn, 2)} |`),
    '',
    `Confusion: TP ${r.binary.tp}, FP ${r.binary.fp}, FN ${r.binary.fn}, TN ${r.binary.tn}. NAB: ${r.nab.detected} of ${r.nab.windows} windows detected, ${r.nab.falsePositives} detections outside windows.`,
    '',
    '| Folder | Files | Rows | F1 | FAR % | MAR % | NAB std |',
    '|---|---|---|---|---|---|---|',
    ...skabByFolder(r).map((f) => `| ${f.folder} | ${f.files} | ${f.rows} | ${fmt(f.f1, 3)} | ${fmt(f.far, 2)} | ${fmt(f.mar, 2)} | ${fmt(f.nabStandard, 2)} |`),
    '',
    `Goals (issue 5): F1 ≥ ${SKAB_GOALS.f1} ${r.binary.f1 >= SKAB_GOALS.f1 ? 'met' : 'NOT met'}, FAR ≤ ${SKAB_GOALS.far} % ${r.binary.far <= SKAB_GOALS.far ? 'met' : 'NOT met'}, NAB standard ≥ ${SKAB_GOALS.nabStandard} ${r.nab.standard >= SKAB_GOALS.nabStandard ? 'met' : 'NOT met'}, run < ${SKAB_GOALS.seconds} s ${run.seconds < SKAB_GOALS.seconds ? 'met' : 'NOT met'} (${run.seconds.toFixed(2)} s).`,
    '',
    `Detector: ${run.channels.map((c) => `${c.name} (${c.feature ?? 'level'})`).join(', ')}; options ${JSON.stringify(run.options)}.`,
    `Data: ${run.dataDir}. Command: \`${run.command}\`.`,
  ];
  return lines.join('\n');
}
