import { markdownTable } from '../table';
import type { LeadTimeSummary, RulScores } from './cmapss.cv';
import { TRUNCATION } from './cmapss.cv';

/** Published FD001 results (RMSE / PHM08 score) from the data README, shown beside ours. */
export const CMAPSS_ANCHORS: ReadonlyArray<{ method: string; rmse: number; score: number | null }> = [
  { method: 'CNN (published)', rmse: 18.45, score: 1299 },
  { method: 'Deep LSTM (published)', rmse: 16.14, score: 338 },
  { method: 'State of the art, e.g. MTSTAN (published)', rmse: 10.97, score: 175.36 },
];

export interface CmapssRun {
  readonly command: string;
  readonly mode: 'cross-validation' | 'test-set';
  readonly trainFile: string;
  readonly testFile?: string;
  readonly trainUnits: number;
  readonly folds?: number;
  readonly cuts?: number;
  readonly seed: number;
  readonly horizon: number;
  readonly seconds: number;
  readonly skippedUnits: readonly string[];
}

const f = (v: number | null, d = 2) => (v === null ? '—' : v.toFixed(d));

export function cmapssJson(run: CmapssRun, scores: RulScores, lead: LeadTimeSummary | null): Record<string, unknown> {
  return {
    dataset: 'C-MAPSS FD001',
    mode: run.mode,
    command: run.command,
    trainFile: run.trainFile,
    ...(run.testFile ? { testFile: run.testFile } : {}),
    trainUnits: run.trainUnits,
    ...(run.folds ? { folds: run.folds, cutsPerUnit: run.cuts ?? 1, truncation: TRUNCATION } : {}),
    seed: run.seed,
    units: scores.units,
    rmse: scores.rmse,
    phmScore: scores.phmScore,
    // The PHM08 score is a sum: per 100 scored histories it compares with the 100-unit anchors.
    phmScorePer100: (100 * scores.phmScore) / scores.units,
    meanError: scores.meanError,
    intervalCoverage: scores.intervalCoverage,
    meanIntervalWidth: scores.meanIntervalWidth,
    cappedTruth: { cap: 125, rmse: scores.rmseCappedTruth, phmScore: scores.phmScoreCappedTruth },
    ...(lead
      ? {
          horizon: lead.horizon,
          leadTime: lead,
          leadTimeMedian: lead.median,
          leadTimeMin: lead.min,
          leadTimeP10: lead.p10,
          neverAlerted: lead.neverAlerted,
          tooEarly: lead.tooEarly,
        }
      : {}),
    skippedUnits: run.skippedUnits,
    anchors: CMAPSS_ANCHORS,
    seconds: run.seconds,
  };
}

export function cmapssMarkdown(run: CmapssRun, scores: RulScores, lead: LeadTimeSummary | null): string {
  const ours = run.mode === 'cross-validation' ? `Twinline GBRT, ${run.folds}-fold CV by unit (seed ${run.seed})` : 'Twinline GBRT, official test split';
  const lines = [
    `## C-MAPSS FD001 — remaining useful life`,
    '',
    `\`${run.command}\` — ${run.mode}, ${scores.units} ${(run.cuts ?? 1) > 1 ? 'truncated histories' : 'units'} scored, ${run.seconds.toFixed(1)} s`,
    '',
    markdownTable(
      ['Method', 'RMSE', 'PHM08 score'],
      [[ours, f(scores.rmse), scores.units === 100 ? f(scores.phmScore, 1) : `${f((100 * scores.phmScore) / scores.units, 1)} per 100 (sum ${f(scores.phmScore, 1)} over ${scores.units})`], ...CMAPSS_ANCHORS.map((a) => [a.method, f(a.rmse), f(a.score, 1)])],
    ),
    '',
    `RMSE and score against the uncapped true RUL (as the literature). Mean error (predicted − true) ${f(scores.meanError)} cycles; ` +
      `interval [lower, upper] holds the truth for ${(100 * scores.intervalCoverage).toFixed(0)} % of units (mean width ${f(scores.meanIntervalWidth, 1)} cycles). ` +
      `Against the truth capped at 125 (not comparable to the anchors): RMSE ${f(scores.rmseCappedTruth)}, score ${f(scores.phmScoreCappedTruth, 1)}.`,
  ];
  if (run.mode === 'cross-validation') {
    lines.push(
      '',
      `Held-out units truncated at ${(run.cuts ?? 1) > 1 ? `${run.cuts} seeded points each` : 'a seeded point'}: true RUL after the last kept cycle uniform in [${TRUNCATION.minRul}, min(${TRUNCATION.maxRul}, cycles − ${TRUNCATION.minKept})], as the official test split.` +
        (run.skippedUnits.length > 0 ? ` Skipped (too short): ${run.skippedUnits.join(', ')}.` : ''),
    );
  }
  if (lead) {
    lines.push(
      '',
      `### FailurePredicted lead time (rule: lower bound ≤ horizon ${lead.horizon} cycles; full trajectories replayed cycle by cycle)`,
      '',
      markdownTable(
        ['Units', 'Alerted', 'Never alerted', `Too early (RUL > ${2 * lead.horizon})`, 'Only at failure', 'Median lead', 'p10 lead', 'Min lead', 'Max lead'],
        [[lead.units, lead.alerted, lead.neverAlerted, lead.tooEarly, lead.atFailure, f(lead.median, 1), f(lead.p10, 1), f(lead.min, 0), f(lead.max, 0)]],
      ),
      '',
      'Lead = true RUL (cycles before the end) when FailurePredicted was first raised.',
    );
  }
  return lines.join('\n');
}
