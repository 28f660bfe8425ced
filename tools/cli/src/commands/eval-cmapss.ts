import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fitRulModel, type RulFitOptions } from '@twinline/domain-twin';
import { ROOT } from '../platform';
import { crossValidate, predictUnit, scorePredictions, summariseLeadTimes, type UnitPrediction } from '../eval/cmapss.cv';
import { parseCmapss, parseTrueRul } from '../eval/cmapss.load';
import { cmapssJson, cmapssMarkdown, type CmapssRun } from '../eval/cmapss.render';

export const EVAL_CMAPSS_USAGE = `npx twinline eval cmapss [--train <train_FD001.txt>] [--test <test_FD001.txt> --rul <RUL_FD001.txt>]
       [--json] [--folds 5] [--seed 42] [--horizon 30] [--cuts 1]`;

export interface CmapssOptions {
  readonly trainFile: string;
  readonly testFile?: string;
  readonly rulFile?: string;
  readonly json: boolean;
  readonly folds: number;
  readonly seed: number;
  readonly horizon: number;
  /** Truncation points per held-out unit in cross-validation (1 mirrors the official test split). */
  readonly cuts: number;
}

export function parseCmapssOptions(args: string[]): CmapssOptions {
  const { values } = parseArgs({
    args,
    options: {
      train: { type: 'string' },
      test: { type: 'string' },
      rul: { type: 'string' },
      json: { type: 'boolean', default: false },
      folds: { type: 'string', default: '5' },
      seed: { type: 'string', default: '42' },
      horizon: { type: 'string', default: '30' },
      cuts: { type: 'string', default: '1' },
    },
  });
  const integer = (name: 'folds' | 'seed' | 'horizon' | 'cuts', min: number) => {
    const text = values[name]!;
    const n = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got "${text}"`);
    return n;
  };
  if ((values.test === undefined) !== (values.rul === undefined)) throw new Error('--test and --rul go together: give both (test trajectories and their true RUL) or neither (cross-validation)');
  return {
    trainFile: resolve(values.train ?? join(ROOT, '..', 'shared', 'data', 'cmapss', 'train_FD001.txt')),
    ...(values.test !== undefined ? { testFile: resolve(values.test) } : {}),
    ...(values.rul !== undefined ? { rulFile: resolve(values.rul) } : {}),
    json: values.json!,
    folds: integer('folds', 2),
    seed: integer('seed', 0),
    horizon: integer('horizon', 1),
    cuts: integer('cuts', 1),
  };
}

function read(file: string, what: string): string {
  if (!existsSync(file)) throw new Error(`${what} not found: ${file}`);
  return readFileSync(file, 'utf8');
}

/**
 * `twinline eval cmapss`: the RUL model on NASA C-MAPSS FD001, driven by the twin domain's pure RUL
 * code (`fitRulModel`, `estimateRul`, `failurePredicted` in libs/domain/twin/src/prediction/rul). The
 * live twin does not run a learnt model yet (its RUL comes from the trend and the health index:
 * docs/prediction.md), so these figures measure the model, not twin-state. With --test/--rul: fit on all
 * training units, score the last cycle of each test unit. Without: k-fold cross-validation by unit.
 */
export async function evalCmapss(args: string[], out: (text: string) => void = (t) => process.stdout.write(t)): Promise<void> {
  const o = parseCmapssOptions(args);
  const log = (s: string) => {
    if (!o.json) process.stderr.write(`${s}\n`);
  };
  const started = Date.now();
  const train = parseCmapss(read(o.trainFile, 'C-MAPSS training file (set --train)'), o.trainFile);
  const fit: RulFitOptions = { seed: o.seed };
  const command = ['npx twinline eval cmapss', ...(o.testFile ? [`--test ${o.testFile}`, `--rul ${o.rulFile}`] : [`--folds ${o.folds}`, ...(o.cuts > 1 ? [`--cuts ${o.cuts}`] : [])]), `--seed ${o.seed}`, `--horizon ${o.horizon}`, ...(o.json ? ['--json'] : [])].join(' ');

  if (o.testFile && o.rulFile) {
    const test = parseCmapss(read(o.testFile, 'C-MAPSS test file'), o.testFile);
    const truth = parseTrueRul(read(o.rulFile, 'C-MAPSS true-RUL file'), o.rulFile);
    if (truth.length !== test.length) throw new Error(`${o.rulFile} has ${truth.length} values for ${test.length} test units`);
    log(`▶ fitting on ${train.length} training units, scoring ${test.length} test units`);
    const model = fitRulModel(train, fit);
    const predictions: UnitPrediction[] = test.map((u, i) => predictUnit(model, u.unitId, u.cycles, truth[i]!));
    const run: CmapssRun = { command, mode: 'test-set', trainFile: o.trainFile, testFile: o.testFile, trainUnits: train.length, seed: o.seed, horizon: o.horizon, seconds: (Date.now() - started) / 1000, skippedUnits: [] };
    const scores = scorePredictions(predictions);
    out(o.json ? `${JSON.stringify(cmapssJson(run, scores, null), null, 2)}\n` : `${cmapssMarkdown(run, scores, null)}\n`);
    return;
  }

  log(`▶ ${o.folds}-fold cross-validation by unit over ${train.length} training units (seed ${o.seed})`);
  const cv = crossValidate(train, { folds: o.folds, seed: o.seed, horizon: o.horizon, cuts: o.cuts, fit, clock: Date.now, onFold: (f, s) => log(`  fold ${f + 1}/${o.folds}: ${s.toFixed(1)} s`) });
  const run: CmapssRun = { command, mode: 'cross-validation', trainFile: o.trainFile, trainUnits: train.length, folds: o.folds, cuts: o.cuts, seed: o.seed, horizon: o.horizon, seconds: (Date.now() - started) / 1000, skippedUnits: cv.skippedUnits };
  const scores = scorePredictions(cv.predictions);
  const lead = summariseLeadTimes(cv.leadTimes, o.horizon);
  out(o.json ? `${JSON.stringify(cmapssJson(run, scores, lead), null, 2)}\n` : `${cmapssMarkdown(run, scores, lead)}\n`);
}
