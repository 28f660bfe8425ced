import type { LeadTimeSummary, RulScores } from './cmapss.cv';
import { cmapssJson, cmapssMarkdown, type CmapssRun } from './cmapss.render';

const run: CmapssRun = { command: 'npx twinline eval cmapss --folds 5 --seed 42 --horizon 30', mode: 'cross-validation', trainFile: '/d/train_FD001.txt', trainUnits: 100, folds: 5, cuts: 1, seed: 42, horizon: 30, seconds: 12.5, skippedUnits: [] };
const scores: RulScores = { units: 100, rmse: 12.15, phmScore: 234.7, meanError: -1.8, intervalCoverage: 0.76, meanIntervalWidth: 54.2, rmseCappedTruth: 10.1, phmScoreCappedTruth: 194.7 };
const lead: LeadTimeSummary = { horizon: 30, units: 100, alerted: 100, neverAlerted: 0, tooEarly: 0, atFailure: 0, median: 34.5, min: 26, p10: 30, max: 48 };

describe('C-MAPSS rendering', () => {
  it('JSON carries rmse, phmScore, the lead-time fields and seconds', () => {
    const j = cmapssJson(run, scores, lead);
    expect(j).toMatchObject({ rmse: 12.15, phmScore: 234.7, phmScorePer100: 234.7, leadTimeMedian: 34.5, leadTimeMin: 26, leadTimeP10: 30, neverAlerted: 0, tooEarly: 0, seconds: 12.5, horizon: 30 });
    expect(j.cappedTruth).toEqual({ cap: 125, rmse: 10.1, phmScore: 194.7 });
  });

  it('markdown puts ours beside the published anchors and explains the lead time', () => {
    const md = cmapssMarkdown(run, scores, lead);
    expect(md).toContain('| Twinline GBRT, 5-fold CV by unit (seed 42) | 12.15');
    expect(md).toContain('18.45');
    expect(md).toContain('16.14');
    expect(md).toContain('10.97');
    expect(md).toContain('lower bound ≤ horizon 30');
    expect(md).toContain('Too early (RUL > 60)');
  });

  it('with several cuts per unit, the PHM08 sum is also shown per 100 histories', () => {
    expect(cmapssMarkdown({ ...run, cuts: 5 }, { ...scores, units: 500, phmScore: 1000 }, null)).toContain('200.0 per 100 (sum 1000.0 over 500)');
  });
});
