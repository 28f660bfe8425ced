import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, MQTT_URL, type Harness } from './harness';
import { twinline } from './cli';

interface ClassResult {
  injected: number;
  detected: number;
  missed: number;
  otherRule: number;
}
interface SecurityReport {
  eval: string;
  classes: Record<string, ClassResult & { episodes?: { injected: number; detected: number } }>;
  cleanReadings: number;
  falselyQuarantined: number;
  assets: Array<{ assetId: string; channel: string; received: number; applied: number; quarantined: number; holds: boolean }>;
  invariant: { received: number; applied: number; quarantined: number; holds: boolean };
  unmatchedQuarantined: number;
  timedOut: boolean;
}

/**
 * A clean pump run in SKAB's format (seeded, 1 s rows): the test does not depend on where the
 * datasets are on the machine running it. The real SKAB run is docs/evaluation.md's.
 */
function syntheticSkab(rows: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'twinline-skab-'));
  mkdirSync(join(dir, 'skab', 'anomaly-free'), { recursive: true });
  let state = 7;
  const noise = () => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31 - 0.5);
  const lines = ['datetime;Accelerometer1RMS;Accelerometer2RMS;Current;Pressure;Temperature;Thermocouple;Voltage;Volume Flow RateRMS'];
  let temperature = 90;
  for (let i = 0; i < rows; i++) {
    temperature += noise() * 0.2;
    const time = new Date(Date.UTC(2020, 1, 8, 13, 30, 47) + i * 1000).toISOString().replace('T', ' ').slice(0, 19);
    lines.push([time, (0.2 + noise() * 0.02).toFixed(6), (0.26 + noise() * 0.02).toFixed(6), '2.1', (0.3 + noise()).toFixed(5), temperature.toFixed(4), '27.1', '230', '122'].join(';'));
  }
  writeFileSync(join(dir, 'skab', 'anomaly-free', 'anomaly-free.csv'), `${lines.join('\n')}\n`);
  return dir;
}

/**
 * The security stress test end to end: SKAB's clean pump run with faults of every class, sent over
 * MQTT and HTTP to the five services, scored from their own APIs. The detection rates are what the
 * evaluation reports (docs/evaluation.md); this test holds its shape, the count invariant, and the
 * classes the platform decides by rule alone (forgery and replay).
 */
describe('npx twinline eval security', () => {
  let h: Harness;
  const dataDir = syntheticSkab(600);

  beforeAll(async () => {
    h = await startHarness('e2e_evalsec');
  });
  afterAll(async () => {
    await h?.teardown();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('injects every fault class, accounts for every reading and reports per class as JSON on stdout', async () => {
    const u = h.platform.urls;
    const run = await twinline([
      'eval', 'security', '--json',
      '--data', dataDir, '--rows', '600', '--seed', '7', '--faults-per-class', '3', '--stuck-episodes', '1', '--stuck-length', '20',
      '--ingestion', u.ingestion, '--integrity', u.integrity, '--twin', u['twin-state'],
      '--mqtt', MQTT_URL, '--topic-root', h.topicRoot, '--token', h.tokens.admin, '--timeout', '120',
    ]);
    if (run.code !== 0) throw new Error(`eval security exited with ${run.code}:\n${run.stderr}\n${h.logs.slice(-30).join('\n')}`);
    const report = JSON.parse(run.stdout) as SecurityReport;

    expect(report.eval).toBe('security');
    expect(Object.keys(report.classes)).toEqual(['out-of-range', 'nan', 'spike', 'stuck', 'forged', 'replay', 'wrong-asset', 'timestamp']);
    for (const [name, c] of Object.entries(report.classes)) {
      expect({ name, injected: c.injected > 0 }).toEqual({ name, injected: true });
      expect(c.detected + c.otherRule + c.missed).toBe(c.injected);
    }
    expect(report.classes.stuck).toMatchObject({ injected: 2 * 20, episodes: { injected: 2 } });
    // Decided by the signature and the seq alone: no threshold involved.
    expect(report.classes.forged).toMatchObject({ injected: 6, detected: 6 });
    expect(report.classes.replay).toMatchObject({ injected: 6, detected: 6 });
    expect(report.cleanReadings).toBeGreaterThan(500);
    // Every value of the synthetic run is possible and moves: no clean reading may be quarantined.
    expect(report.falselyQuarantined).toBe(0);

    expect(report.timedOut).toBe(false);
    expect(report.unmatchedQuarantined).toBe(0);
    expect(report.assets.map((a) => a.channel)).toEqual(['mqtt', 'http']);
    expect(report.assets.every((a) => a.holds && a.received === a.applied + a.quarantined)).toBe(true);
    expect(report.invariant.holds).toBe(true);
    expect(report.invariant.received).toBe(report.invariant.applied + report.invariant.quarantined);
  });
});
