import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../platform';
import { runP101 } from '../eval/seed.p101';
import { evaluatePipeTable } from '../eval/seed.pipeline';
import { seedJson, seedMarkdown } from '../eval/seed.render';

export const EVAL_SEED_USAGE = 'npx twinline eval seed [--data <market_pipe_thickness_loss_dataset.csv>] [--json]';

const SEED_FILE = join('seed', 'market_pipe_thickness_loss_dataset.csv');

/**
 * `twinline eval seed`: (a) the source study's P-101 table through the twin's pure decider beside
 * the study's Table 1 statuses (fails when any row disagrees); (b) remaining life by Barlow for every
 * row of the seed pipeline table, summarised against the dataset's Condition column.
 */
export async function evalSeed(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { data: { type: 'string' }, json: { type: 'boolean', default: false } } });
  const dataFile = resolve(values.data ?? join(process.env.TWINLINE_DATA_DIR ?? join(ROOT, '..', 'shared', 'data'), SEED_FILE));
  if (!existsSync(dataFile)) throw new Error(`pipeline table not found: ${dataFile} (give --data <csv> or set TWINLINE_DATA_DIR to the folder holding ${SEED_FILE})`);

  const p101 = runP101();
  const pipeline = evaluatePipeTable(readFileSync(dataFile, 'utf8'), dataFile);
  const run = { command: ['npx twinline eval seed', ...(values.data ? [`--data ${values.data}`] : []), ...(values.json ? ['--json'] : [])].join(' '), p101, pipeline };
  await new Promise<void>((done) => process.stdout.write(values.json ? `${JSON.stringify(seedJson(run), null, 2)}\n` : `${seedMarkdown(run)}\n`, () => done()));
  if (!p101.allAgree) {
    const bad = p101.rows.filter((r) => !r.agrees).map((r) => `row ${r.row}: study ${r.expected}, twin ${r.twinStatus}`);
    throw new Error(`P-101: ${bad.length} of ${p101.rows.length} rows disagree with the study's Table 1 (${bad.join('; ')})`);
  }
}
