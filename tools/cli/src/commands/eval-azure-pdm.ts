import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../platform';
import { loadAzure } from '../eval/azure-pdm.load';
import { everyDayPredictor } from '../eval/azure-pdm.predictors';
import { azureJson, azureMarkdown, type SweepRow } from '../eval/azure-pdm.render';
import { DEFAULT_AZURE_PROTOCOL, runPredictor, SELECTED, selectedPredictor, SWEEP, type AzureProtocol } from '../eval/azure-pdm.run';

export const EVAL_AZURE_PDM_USAGE = 'npx twinline eval azure-pdm [--data <dir>] [--json] [--horizon-hours 24] [--cooldown-hours <horizon>] [--training-days 14] [--no-sweep]';

function positiveInteger(name: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} must be an integer >= 1, got "${text}"`);
  return n;
}

/**
 * `twinline eval azure-pdm`: precision and recall of failure predictions within the horizon before
 * each recorded failure of the Azure PdM subset (machines 1–20, 2015-01-01 06:00 to 2015-04-01 05:00),
 * for the twin's anomaly detector and trend predictor, beside a "predict every day" baseline.
 */
export async function evalAzurePdm(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      data: { type: 'string' },
      json: { type: 'boolean', default: false },
      'horizon-hours': { type: 'string', default: String(DEFAULT_AZURE_PROTOCOL.horizonHours) },
      'cooldown-hours': { type: 'string' },
      'training-days': { type: 'string', default: String(DEFAULT_AZURE_PROTOCOL.trainingDays) },
      'no-sweep': { type: 'boolean', default: false },
    },
  });
  const started = Date.now();
  const dataDir = resolve(values.data ?? join(process.env.TWINLINE_DATA_DIR ?? join(ROOT, '..', 'shared', 'data'), 'azure-pdm'));
  const horizonHours = positiveInteger('horizon-hours', values['horizon-hours']!);
  const protocol: AzureProtocol = {
    horizonHours,
    cooldownHours: values['cooldown-hours'] === undefined ? horizonHours : positiveInteger('cooldown-hours', values['cooldown-hours']),
    trainingDays: positiveInteger('training-days', values['training-days']!),
  };
  const data = loadAzure(dataDir);
  const machines = [...data.telemetry.keys()];
  const rows = [...data.telemetry.values()];
  const windowStart = Math.min(...rows.map((r) => r[0]?.tMs ?? Number.POSITIVE_INFINITY));
  const windowEnd = Math.max(...rows.map((r) => r[r.length - 1]?.tMs ?? Number.NEGATIVE_INFINITY));
  const failuresInWindow = data.failures.filter((f) => data.telemetry.has(f.machineId) && f.tMs >= windowStart && f.tMs <= windowEnd).length;

  const results = [selectedPredictor('twin'), selectedPredictor('anomaly'), selectedPredictor('trend'), everyDayPredictor()].map((p) => runPredictor(data, p, protocol));
  const sweep: SweepRow[] = values['no-sweep']
    ? []
    : SWEEP.map((s) => {
        const predictor = s.make();
        return {
          predictor: s.predictor,
          setting: s.setting,
          selected: SELECTED[s.predictor as keyof typeof SELECTED] === s.setting,
          selection: runPredictor(data, predictor, protocol, { machines: (m) => m <= 10 }).score.overall,
          heldOut: runPredictor(data, predictor, protocol, { machines: (m) => m > 10 }).score.overall,
        };
      });

  const command = [
    'npx twinline eval azure-pdm',
    ...(values.data ? [`--data ${values.data}`] : []),
    `--horizon-hours ${protocol.horizonHours}`,
    ...(protocol.cooldownHours !== protocol.horizonHours ? [`--cooldown-hours ${protocol.cooldownHours}`] : []),
    `--training-days ${protocol.trainingDays}`,
    ...(values['no-sweep'] ? ['--no-sweep'] : []),
    ...(values.json ? ['--json'] : []),
  ].join(' ');
  const run = {
    command,
    dataDir,
    protocol,
    machines: machines.length,
    telemetryRows: rows.reduce((n, r) => n + r.length, 0),
    failuresInWindow,
    results,
    sweep,
    seconds: (Date.now() - started) / 1000,
  };
  await new Promise<void>((done) => process.stdout.write(values.json ? `${JSON.stringify(azureJson(run), null, 2)}\n` : `${azureMarkdown(run)}\n`, () => done()));
}
