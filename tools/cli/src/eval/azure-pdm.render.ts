import { markdownTable } from '../table';
import { COMPONENTS } from './azure-pdm.load';
import type { AzureProtocol, PredictorResult } from './azure-pdm.run';
import type { Counts } from './azure-pdm.score';

/** One configuration of the selection sweep: scored on machines 1–10 (selection) and 11–20 (held out). */
export interface SweepRow {
  readonly predictor: string;
  readonly setting: string;
  readonly selected: boolean;
  readonly selection: Counts;
  readonly heldOut: Counts;
}

export interface AzureRun {
  readonly command: string;
  readonly dataDir: string;
  readonly protocol: AzureProtocol;
  readonly machines: number;
  readonly telemetryRows: number;
  /** Failure records of the subset machines inside the telemetry window (the README says 42). */
  readonly failuresInWindow: number;
  readonly results: readonly PredictorResult[];
  readonly sweep: readonly SweepRow[];
  readonly seconds: number;
}

const num = (v: number | null, digits = 3) => (v === null ? '—' : v.toFixed(digits));
const lift = (c: Counts) => (c.precision === null || !c.baseRate ? '—' : `${(c.precision / c.baseRate).toFixed(1)}×`);

export function azureMarkdown(run: AzureRun): string {
  const p = run.protocol;
  const out: string[] = [];
  out.push('# eval azure-pdm', '', `Command: \`${run.command}\``, '');
  out.push(
    `Data: \`${run.dataDir}\`: ${run.machines} machines, ${run.telemetryRows} hourly rows; ${run.failuresInWindow} failure records of these machines inside the telemetry window.`,
    '',
    `Protocol: each machine's first ${p.trainingDays} days train the predictor (failures there are known to it and left out of scoring); the rest is streamed hour by hour through the twin's pure prediction code. ` +
      `A failure record is detected when ≥ 1 prediction of its machine lies in the ${p.horizonHours} h before it (failures less than ${p.horizonHours} h after the training period are left out). ` +
      `A standing warning is re-announced every ${p.horizonHours} h; predictions less than ${p.cooldownHours} h after the start of an episode join it; an episode is a true positive when a failure of that machine (any in the failures file) follows within ${p.horizonHours} h of its predictions. ` +
      `Base rate = fraction of test hours followed by a failure within ${p.horizonHours} h = the expected precision of random predictions.`,
    '',
  );
  out.push(
    markdownTable(
      ['predictor', 'failures', 'detected', 'recall', 'episodes', 'true-positive episodes', 'precision', 'F1', 'base rate', 'precision / base rate', 'median lead h', 'early FPs (failure within 3 horizons)', 'FPs before a scheduled replacement', 'excluded failures'],
      run.results.map((r) => {
        const o = r.score.overall;
        return [r.predictor.name, o.failures, o.detected, num(o.recall), o.episodes, o.truePositiveEpisodes, num(o.precision), num(o.f1), num(o.baseRate), lift(o), num(r.score.leadHours.median, 1), r.score.earlyFalsePositives, r.score.preemptedFalsePositives, r.score.excludedFailures];
      }),
    ),
  );
  out.push('', 'Per component (recall over that component\'s failure records; precision = episodes followed by a failure of that component / all episodes):', '');
  out.push(
    markdownTable(
      ['predictor', 'component', 'failures', 'detected', 'recall', 'precision', 'base rate', 'precision / base rate'],
      run.results.flatMap((r) => COMPONENTS.map((c) => {
        const k = r.score.byComponent[c];
        return [r.predictor.name, c, k.failures, k.detected, num(k.recall), num(k.precision), num(k.baseRate), lift(k)];
      })),
    ),
  );
  out.push('', 'Failure events (machine and time; two components replaced at once count once): ' + run.results.map((r) => `${r.predictor.name} ${r.score.failureEvents.detected}/${r.score.failureEvents.total}`).join(', '), '');
  out.push('Predictors:', '', ...run.results.map((r) => `- **${r.predictor.name}**: ${r.predictor.description}`), '');
  if (run.sweep.length) {
    out.push('Setting selection: each setting scored on machines 1–10 (selection: the highest F1 there was chosen, ★) and on machines 11–20 (held out; not used to choose):', '');
    out.push(
      markdownTable(
        ['predictor', 'setting', '1–10 precision', '1–10 recall', '1–10 F1', '11–20 precision', '11–20 recall', '11–20 F1'],
        run.sweep.map((s) => [s.predictor, `${s.setting}${s.selected ? ' ★' : ''}`, num(s.selection.precision), num(s.selection.recall), num(s.selection.f1), num(s.heldOut.precision), num(s.heldOut.recall), num(s.heldOut.f1)]),
      ),
    );
    out.push('');
  }
  out.push(`Run time ${run.seconds.toFixed(1)} s.`);
  return out.join('\n');
}

export function azureJson(run: AzureRun) {
  return {
    command: run.command,
    dataDir: run.dataDir,
    protocol: run.protocol,
    machines: run.machines,
    telemetryRows: run.telemetryRows,
    failuresInWindow: run.failuresInWindow,
    results: run.results.map((r) => ({
      predictor: r.predictor,
      predictions: r.predictions,
      overall: r.score.overall,
      byComponent: r.score.byComponent,
      failureEvents: r.score.failureEvents,
      excludedFailures: r.score.excludedFailures,
      leadHours: r.score.leadHours,
      earlyFalsePositives: r.score.earlyFalsePositives,
      preemptedFalsePositives: r.score.preemptedFalsePositives,
      mergedPredictions: r.score.mergedPredictions,
    })),
    sweep: run.sweep,
    seconds: run.seconds,
  };
}
