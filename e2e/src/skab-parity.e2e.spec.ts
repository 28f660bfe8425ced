import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, type Harness } from './harness';
import { twinline } from './cli';

interface Episode {
  kind: 'anomaly' | 'alarm';
  cause: string | null;
  startRow: number;
  endRow: number | null;
}
interface ParityReport {
  eval: string;
  spacingSeconds: number;
  rows: number;
  assetId: string;
  profile: string;
  trainingRows: number | null;
  protocolTrainingRows: number;
  harness: { episodes: Episode[]; events: number; quarantinedRows: number[] };
  platform: { episodes: Episode[]; events: number; applied: number; quarantined: number; quarantinedRows: number[] };
  sameQuarantine: boolean;
  detector: { episodes: Episode[]; comparable: boolean; agrees: boolean | null };
  comparison: { identical: boolean; compared: { harness: number; platform: number }; firstDifference: unknown };
  ok: boolean;
}

const ASSET = 'skab-parity-e2e';
/** SKAB_PARITY_FILE=<csv>[,<csv>...]: real SKAB files instead of the synthetic one (one asset each). */
const REAL_FILES = (process.env.SKAB_PARITY_FILE ?? '').split(',').filter((f) => f.trim() !== '');
const assetOf = (i: number) => (i === 0 ? ASSET : `${ASSET}-${i}`);

/**
 * A labelled SKAB file (same columns and format, 1 s rows), seeded: normal operation for 560 rows,
 * a clear fault for 80 (vibration and current up, pressure and flow down, the motor temperature
 * rising past 80 °C), then normal again while it cools. The test does not depend on where the
 * datasets are: SKAB_PARITY_FILE=<a real SKAB csv>[,<csv>...] runs it on those files instead (docs/evaluation.md).
 */
function syntheticSkab(dir: string, rows = 900, faultFrom = 560, faultTo = 640): string {
  let seed = 5;
  const noise = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31 - 0.5;
  const lines = ['datetime;Accelerometer1RMS;Accelerometer2RMS;Current;Pressure;Temperature;Thermocouple;Voltage;Volume Flow RateRMS;anomaly;changepoint'];
  let temperature = 70;
  for (let i = 0; i < rows; i++) {
    const fault = i >= faultFrom && i < faultTo;
    temperature += fault ? 0.15 : temperature > 70.5 ? -0.3 : noise() * 0.02;
    const time = new Date(Date.UTC(2020, 2, 9, 10, 34, 33) + i * 1000).toISOString().replace('T', ' ').slice(0, 19);
    lines.push(
      [
        time,
        ((fault ? 0.08 : 0.027) + noise() * 0.002).toFixed(7),
        (0.039 + noise() * 0.002).toFixed(7),
        ((fault ? 2.2 : 1.3) + noise() * 0.1).toFixed(6),
        ((fault ? -0.2 : 0.05) + noise() * 0.05).toFixed(6),
        temperature.toFixed(4),
        (25.8 + noise() * 0.01).toFixed(4),
        (230 + noise() * 4).toFixed(3),
        ((fault ? 25 : 32) + noise()).toFixed(4),
        fault ? '1.0' : '0.0',
        i === faultFrom || i === faultTo ? '1.0' : '0.0',
      ].join(';'),
    );
  }
  mkdirSync(join(dir, 'synthetic'), { recursive: true });
  const file = join(dir, 'synthetic', '1.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const span = (e: Episode) => ({ kind: e.kind, cause: e.cause, startRow: e.startRow, endRow: e.endRow });
const anomalies = (episodes: Episode[]) => episodes.filter((e) => e.kind === 'anomaly');

/** A class whose profile trains the twin's detector on the SKAB protocol's 400 readings, however long they take. */
const PROTOCOL_CLASS = 'skab-protocol';
const PROTOCOL_ASSET = `${ASSET}-protocol`;

/**
 * The issue's parity check: one SKAB-format file through the running platform (HTTP ingestion →
 * integrity → twin-state) gives the same decisions, row by row, as the harness (integrity's rules and
 * the twin's decider in the CLI process) — anomaly episodes, alarms, predictions — and the twin's
 * anomaly episodes are those of `eval skab`'s detector on the protocol's 400-row split.
 */
describe('npx twinline eval skab --platform (parity with the running platform)', () => {
  let h: Harness;
  const dir = mkdtempSync(join(tmpdir(), 'twinline-skab-parity-'));
  const files = REAL_FILES.length ? REAL_FILES : [syntheticSkab(dir)];

  beforeAll(async () => {
    h = await startHarness('e2e_skabparity', {
      // The parity assets are registered as pumps: twin-state takes the class from the asset directory
      // (80 °C / 1500 psi, ISO 10816 zones, a day of training) … but one asset's class is configured,
      // a class that trains on 400 readings and no minimum time: SKAB's own pace.
      TWIN_ASSET_CLASSES: JSON.stringify({ [PROTOCOL_ASSET]: PROTOCOL_CLASS }),
      TWIN_PROFILES: JSON.stringify({ [PROTOCOL_CLASS]: { prediction: { anomaly: { trainingReadings: 400, trainingHours: 0 } } } }),
    });
  });
  afterAll(async () => {
    await h?.teardown();
    rmSync(dir, { recursive: true, force: true });
  });

  async function parity(file: string, assetId: string): Promise<ParityReport> {
    const u = h.platform.urls;
    const run = await twinline(['eval', 'skab', '--platform', '--json', '--file', file, '--asset', assetId, '--ingestion', u.ingestion, '--integrity', u.integrity, '--twin', u['twin-state'], '--token', h.tokens.admin, '--timeout', '120']);
    if (REAL_FILES.length) process.stderr.write(`${run.stdout}\n${run.stderr}\n`);
    if (run.code !== 0) throw new Error(`eval skab --platform exited with ${run.code}:\n${run.stdout.slice(0, 4000)}\n${run.stderr}\n${h.logs.slice(-30).join('\n')}`);
    const report = JSON.parse(run.stdout) as ParityReport;
    expect(report.eval).toBe('skab-parity');
    expect(report.ok).toBe(true);
    // Integrity judged the same rows on both sides (the harness runs its rules too).
    expect(report.sameQuarantine).toBe(true);
    expect(report.platform.quarantinedRows).toEqual(report.harness.quarantinedRows);
    expect(report.platform.applied + report.platform.quarantined).toBe(report.rows);
    expect(report.platform.episodes.map(span)).toEqual(report.harness.episodes.map(span));
    expect(report.comparison).toMatchObject({ identical: true, firstDifference: null });
    expect(report.comparison.compared.platform).toBe(report.comparison.compared.harness);
    return report;
  }

  /** The synthetic file: nothing quarantined, trained on the protocol's split, an anomaly inside the fault, the pump's temperature alarm. */
  function expectSyntheticFault(report: ParityReport): void {
    expect(report.platform.quarantined).toBe(0);
    expect(report.trainingRows).toBe(report.protocolTrainingRows);
    expect(report.detector).toMatchObject({ comparable: true, agrees: true });
    expect(anomalies(report.harness.episodes).length).toBeGreaterThanOrEqual(1);
    expect(anomalies(report.platform.episodes).length).toBeGreaterThanOrEqual(1);
    expect(anomalies(report.platform.episodes)[0]!.startRow).toBeGreaterThanOrEqual(560);
    expect(report.platform.episodes.some((e) => e.kind === 'alarm' && e.cause === 'THRESHOLD_EXCEEDED')).toBe(true);
  }

  if (!REAL_FILES.length) {
    let pumpAnomalies: Episode[] | null = null;
    it('a pump (a day of training: rows re-timed 217 s apart) makes the same decisions on the platform as in the harness, with at least one anomaly episode on both sides', async () => {
      const report = await parity(files[0]!, ASSET);
      expect(report.profile).toContain('class pump');
      expect(report.spacingSeconds).toBe(217);
      expectSyntheticFault(report);
      pumpAnomalies = anomalies(report.platform.episodes);
    });

    it('a class configured to train on the protocol\'s 400 readings (rows at SKAB\'s 1 s pace) gives the same episodes as the pump', async () => {
      const report = await parity(files[0]!, PROTOCOL_ASSET);
      expect(report.profile).toContain(`class ${PROTOCOL_CLASS}`);
      expect(report.spacingSeconds).toBe(1);
      expectSyntheticFault(report);
      // The detector counts readings, not time: the same anomaly episodes as the pump's re-timed run.
      expect(pumpAnomalies).not.toBeNull(); // the pump's run above ran and found episodes
      expect(anomalies(report.platform.episodes).map(span)).toEqual(pumpAnomalies!.map(span));
    });
  } else {
    it.each(files.map((file, i) => [file, i] as const))('the platform makes the same decisions as the harness on %s', async (file, i) => {
      const report = await parity(file, assetOf(i));
      expect(report.profile).toContain('class pump');
      // A real file may have readings integrity refuses (SKAB's pressure floor, -1.257 bar, is below
      // vacuum); then the raw-file detector run is not comparable, else it must agree.
      expect(report.detector.agrees).not.toBe(false);
    });
  }
});
