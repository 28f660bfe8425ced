import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { anomalyOptions, DEFAULT_ANOMALY_OPTIONS, type AnomalyDetectorOptions } from '@twinline/domain-twin';
import { cliToken } from '../auth';
import { ROOT } from '../platform';
import { loadSkab, parseSkabCsv, SKAB_TRAIN_ROWS } from '../eval/skab.load';
import { SKAB_DETECTOR_CHANNELS, SKAB_DETECTOR_OPTIONS, detectSkabFile, runSkab } from '../eval/skab.run';
import { skabJson, skabMarkdown } from '../eval/skab.render';
import { compareParity, countByType, detectorEpisodes, episodesOf, parityJson, parityMarkdown, parityReadings, runTwinHarness, sameEpisodes, trainingSpacingSeconds, twinTrainingOf, type ParityReport } from '../eval/skab.parity';
import { registerOnPlatform, runOnPlatform } from '../eval/skab.parity.platform';

export const EVAL_SKAB_USAGE = `npx twinline eval skab [--json] [--data <dir holding valve1/ valve2/ other/>] [--option <name>=<number> ...]
npx twinline eval skab --platform --file <one SKAB csv> [--json] [--token <admin token>] [--asset <id>] [--spacing <s>]
       [--timeout 300] [--ingestion http://127.0.0.1:3001] [--integrity http://127.0.0.1:3002] [--twin http://127.0.0.1:3003]`;

const OPTION_NAMES = Object.keys(DEFAULT_ANOMALY_OPTIONS) as Array<keyof AnomalyDetectorOptions>;

interface Options {
  readonly json: boolean;
  readonly dataDir: string;
  readonly overrides: Partial<AnomalyDetectorOptions>;
  /** `--platform`: the parity check of one file against the running platform. */
  readonly parity: ParityOptions | null;
}

interface ParityOptions {
  readonly file: string;
  readonly ingestion: string;
  readonly integrity: string;
  readonly twin: string;
  readonly token: string | undefined;
  readonly assetId: string | undefined;
  readonly spacingSeconds: number | undefined;
  readonly timeoutS: number;
}

function parseOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      data: { type: 'string' },
      option: { type: 'string', multiple: true, default: [] },
      platform: { type: 'boolean', default: false },
      file: { type: 'string' },
      ingestion: { type: 'string', default: process.env.INGESTION_URL ?? 'http://127.0.0.1:3001' },
      integrity: { type: 'string', default: process.env.INTEGRITY_URL ?? 'http://127.0.0.1:3002' },
      twin: { type: 'string', default: process.env.TWIN_URL ?? 'http://127.0.0.1:3003' },
      token: { type: 'string' },
      asset: { type: 'string' },
      spacing: { type: 'string' },
      timeout: { type: 'string', default: '300' },
    },
  });
  const positive = (name: string, text: string) => {
    const n = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} must be an integer >= 1, got "${text}"`);
    return n;
  };
  if (!values.platform && values.file !== undefined) throw new Error('--file is for the parity check with the running platform: add --platform (eval skab alone reads every file of --data)');
  if (values.platform && values.file === undefined) throw new Error('--platform needs --file <one labelled SKAB csv>, e.g. ../shared/data/skab/valve1/1.csv');
  const overrides: Record<string, number> = {};
  for (const text of values.option ?? []) {
    const m = /^([A-Za-z]+)=(-?[0-9.]+(?:e-?\d+)?)$/.exec(text);
    if (!m || !(OPTION_NAMES as string[]).includes(m[1]!) || !Number.isFinite(Number(m[2]))) {
      throw new Error(`--option must be <name>=<number> with a name among ${OPTION_NAMES.join(', ')}; got "${text}"`);
    }
    overrides[m[1]!] = Number(m[2]);
  }
  return {
    json: values.json!,
    dataDir: resolve(values.data ?? (process.env.TWINLINE_DATA_DIR ? join(process.env.TWINLINE_DATA_DIR, 'skab') : join(ROOT, '..', 'shared', 'data', 'skab'))),
    overrides,
    parity: values.platform
      ? {
          file: resolve(values.file!),
          ingestion: values.ingestion!.replace(/\/$/, ''),
          integrity: values.integrity!.replace(/\/$/, ''),
          twin: values.twin!.replace(/\/$/, ''),
          token: values.token,
          assetId: values.asset,
          spacingSeconds: values.spacing === undefined ? undefined : positive('spacing', values.spacing),
          timeoutS: positive('timeout', values.timeout!),
        }
      : null,
  };
}

/**
 * `twinline eval skab`: the Skoltech Anomaly Benchmark protocol on the twin's anomaly detector
 * (the same pure code the twin-state service runs): fit on the first 400 rows of each of the 34
 * labelled files, stream the rest, score pooled F1/FAR/MAR and NAB, print beside the leaderboard.
 */
export async function evalSkab(args: string[]): Promise<void> {
  const o = parseOptions(args);
  if (o.parity) return evalSkabParity(o.parity, o.json);
  const started = process.hrtime.bigint();
  const files = loadSkab(o.dataDir);
  const options: Partial<AnomalyDetectorOptions> = { ...SKAB_DETECTOR_OPTIONS, ...o.overrides };
  const result = runSkab(files, SKAB_DETECTOR_CHANNELS, options);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const command = ['npx twinline eval skab', ...Object.entries(o.overrides).map(([k, v]) => `--option ${k}=${v}`)].join(' ');
  const run = { command, dataDir: o.dataDir, seconds, channels: SKAB_DETECTOR_CHANNELS, options: anomalyOptions(options) };
  process.stdout.write(o.json ? `${JSON.stringify(skabJson(run, result))}\n` : `${skabMarkdown(run, result)}\n`);
}

/**
 * `twinline eval skab --platform --file <csv>`: one SKAB file through the running platform and through
 * the same pure twin code in this process; the decisions of both are compared row by row (exit code
 * 1 on a difference). The rows are re-timed `spacing` seconds apart, ending a minute ago, so that the
 * twin's anomaly training (the profile's, default TWIN_ANOMALY: ≥ 100 readings over ≥ 24 h) ends
 * with row 400, the SKAB protocol's split; the twin's episodes are also checked against `eval skab`'s
 * detector run with the twin's detector options on that split.
 */
async function evalSkabParity(p: ParityOptions, json: boolean): Promise<void> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  if (!existsSync(p.file)) throw new Error(`SKAB file not found: ${p.file}`);
  const name = `${basename(dirname(p.file))}/${basename(p.file).replace(/\.csv$/, '')}`;
  const file = parseSkabCsv(readFileSync(p.file, 'utf8'), name);
  if (file.rows.length <= SKAB_TRAIN_ROWS) throw new Error(`${name}: ${file.rows.length} rows; the parity check needs more than the ${SKAB_TRAIN_ROWS} training rows`);
  const token = cliToken(p.token, 'admin', 'twinline-eval');
  const runId = `${new Date().toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex')}`;
  const assetId = p.assetId ?? `skab-parity-${runId}`;
  const deviceId = `${assetId}-dev`;
  const secret = randomBytes(24).toString('hex');
  // Registered first: the profile twin-state then applies to the asset, and the anomaly training it gives the twin.
  const { assetClass, profile } = await registerOnPlatform({ ...p, token, log }, { assetId, deviceId, secret, site: 'skab' });
  const training = twinTrainingOf(profile);
  const spacingSeconds = p.spacingSeconds ?? trainingSpacingSeconds(SKAB_TRAIN_ROWS, training);
  // The platform accepts readings up to 7 days old: the first row must be younger.
  const spanSeconds = (file.rows.length - 1) * spacingSeconds;
  if (spanSeconds > 6.5 * 86_400) throw new Error(`${file.rows.length} rows ${spacingSeconds} s apart span ${(spanSeconds / 86_400).toFixed(1)} days: more than the 7 days of past readings the platform accepts (give a smaller --spacing)`);
  const endMs = Math.floor(Date.now() / 1000) * 1000 - 60_000;
  const readings = parityReadings(file, endMs, spacingSeconds);
  const harness = runTwinHarness({ assetId, deviceId, secret, readings, profile, receivedAt: new Date(endMs + 60_000).toISOString() });
  const platform = await runOnPlatform({ ...p, token, log }, { assetId, deviceId, secret, readings });
  if (platform.quarantined > 0) log(`! integrity quarantined ${platform.quarantined} readings (rows ${platform.quarantinedRows.join(', ')}; rules ${platform.quarantineRules.join(', ')})`);

  // eval skab's detector code on the raw file: the twin's options (must agree) and its own (information).
  const detector = detectSkabFile(file, SKAB_DETECTOR_CHANNELS, training.options);
  const ownOptions = detectSkabFile(file, SKAB_DETECTOR_CHANNELS, SKAB_DETECTOR_OPTIONS);
  // The detector run sees every row of the file: comparable when the twin trained on the protocol's rows and integrity kept every row.
  const comparable = harness.trainingRows === SKAB_TRAIN_ROWS && harness.quarantinedRows.length === 0;
  const note = comparable
    ? null
    : harness.quarantinedRows.length > 0
      ? `integrity quarantined rows ${harness.quarantinedRows.join(', ')} (${harness.quarantineRules.join(', ')}), which the detector run uses`
      : `the twin trained on ${harness.trainingRows ?? 'no'} rows, the protocol on ${SKAB_TRAIN_ROWS}`;
  const sameQuarantine = harness.quarantinedRows.join(',') === platform.quarantinedRows.join(',');
  const harnessEpisodes = episodesOf(harness.events);
  const detectorList = detectorEpisodes(detector.predicted, SKAB_TRAIN_ROWS, detector.scores);
  const agrees = comparable ? sameEpisodes(harnessEpisodes.filter((e) => e.kind === 'anomaly'), detectorList) : null;
  const comparison = compareParity(harness.events, platform.events);
  const numeric = (options: Partial<AnomalyDetectorOptions>) => anomalyOptions(options) as unknown as Record<string, number>;
  const command = ['npx twinline eval skab --platform --file', p.file, ...(p.spacingSeconds !== undefined ? [`--spacing ${p.spacingSeconds}`] : [])].join(' ');
  const report: ParityReport = {
    command,
    file: name,
    rows: file.rows.length,
    assetId,
    profile: `${profile.name} (class ${assetClass})`,
    spacingSeconds,
    firstTs: readings[0]!.ts,
    lastTs: readings[readings.length - 1]!.ts,
    trainingRows: harness.trainingRows,
    protocolTrainingRows: SKAB_TRAIN_ROWS,
    harness: { episodes: harnessEpisodes, events: harness.events.length, byType: countByType(harness.events), quarantinedRows: harness.quarantinedRows, quarantineRules: harness.quarantineRules },
    platform: {
      episodes: episodesOf(platform.events),
      events: platform.events.length,
      byType: countByType(platform.events),
      applied: platform.applied,
      quarantined: platform.quarantined,
      quarantinedRows: platform.quarantinedRows,
      quarantineRules: platform.quarantineRules,
      notCompared: platform.notCompared,
      seconds: platform.seconds,
    },
    sameQuarantine,
    detector: { options: numeric(training.options), episodes: detectorList, comparable, agrees, note },
    evalSkab: { options: numeric(SKAB_DETECTOR_OPTIONS), episodes: detectorEpisodes(ownOptions.predicted, SKAB_TRAIN_ROWS, ownOptions.scores) },
    comparison,
    ok: comparison.identical && sameQuarantine && agrees !== false,
  };
  process.stdout.write(json ? `${JSON.stringify(parityJson(report), null, 2)}\n` : `${parityMarkdown(report)}\n`);
  if (!report.ok) {
    const why = !comparison.identical
      ? `the platform's decisions differ from the harness's from row ${comparison.firstDifference!.row}`
      : !sameQuarantine
        ? `integrity quarantined rows ${platform.quarantinedRows.join(', ') || 'none'} on the platform, ${harness.quarantinedRows.join(', ') || 'none'} in the harness`
        : `the twin's anomaly episodes differ from eval skab's detector run with the twin's options`;
    throw new Error(`SKAB parity failed: ${why}`);
  }
}
