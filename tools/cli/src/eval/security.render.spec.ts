import { FAULT_CLASSES } from './security.inject';
import { securityJson, securityMarkdown, type SecurityRun } from './security.render';
import { scoreSecurity } from './security.score';

const run: SecurityRun = {
  command: 'npx twinline eval security --seed 42 --faults-per-class 1 --stuck-episodes 0 --stuck-length 60',
  seed: 42,
  rows: 3,
  faultsPerClass: 1,
  stuckEpisodes: 0,
  stuckLength: 60,
  dataFile: '/data/skab/anomaly-free/anomaly-free.csv',
  startedAt: '2026-03-01T12:00:00.000Z',
  sendSeconds: 1.25,
  settleSeconds: 0.5,
  timedOut: false,
};
const reading = (seq: number, metrics: Record<string, number | string>) => ({ deviceId: 'a-dev', assetId: 'A', seq, ts: `2026-03-01T11:59:0${seq}.000Z`, metrics, signature: 'x' });
const sent = [
  { kind: 'clean' as const, row: 0, channel: 'mqtt' as const, destinationAssetId: 'A', reading: reading(1, { temperatureC: 90, pressurePsi: -18.23, vibrationG: 0.2 }) },
  { kind: 'nan' as const, variant: 'vibrationG', row: 1, channel: 'mqtt' as const, destinationAssetId: 'A', reading: reading(2, { temperatureC: 90, pressurePsi: 5, vibrationG: 'NaN' }) },
  { kind: 'forged' as const, variant: 'wrong-key', row: 1, channel: 'mqtt' as const, destinationAssetId: 'A', reading: reading(3, { temperatureC: 90, pressurePsi: 5, vibrationG: 0.2 }) },
];
const score = scoreSecurity({
  sent,
  records: [
    { assetId: 'A', reasons: [{ rule: 'range' }], payload: sent[0]!.reading },
    { assetId: 'A', reasons: [{ rule: 'finite' }], payload: sent[1]!.reading },
  ],
  assets: [{ assetId: 'A', deviceId: 'a-dev', channel: 'mqtt', applied: 1 }],
});

describe('security report', () => {
  it('prints per class injected, detected, missed and the rate against its target, then clean readings and the invariant', () => {
    const md = securityMarkdown(run, score);
    expect(md).toContain(`\`${run.command}\``);
    expect(md).toMatch(/\| NaN +\| 1 +\| 1 +\| 0 +\| 0 +\| 100\.0 % ✓ +\| 100 % +\| finite +\|/);
    expect(md).toMatch(/\| forged signature +\| 1 +\| 0 +\| 1 +\| 0 +\| 0\.0 % ✗ +\| 100 % +\| signature +\|/);
    expect(md).toMatch(/\| spike +\| 0 +\| 0 +\| 0 +\| 0 +\| — +\| ≥ 95 % +\| rate +\|/);
    expect(md).toContain('Clean readings: 1; wrongly quarantined: 1 (100.000 %, target ≤ 0.1 %) ✗ — rules: range ×1');
    expect(md).toMatch(/\| A +\| a-dev \/ MQTT +\| 3 +\| 1 +\| 2 +\| holds +\|/);
  });

  it('gives JSON with injected and detected per class, cleanReadings, falselyQuarantined and the invariant', () => {
    const json = securityJson(run, score);
    expect(Object.keys(json.classes)).toEqual([...FAULT_CLASSES]);
    expect(json.classes.nan).toMatchObject({ injected: 1, detected: 1, missed: 0, target: 1 });
    expect(json.classes.stuck).toMatchObject({ injected: 0, episodes: { injected: 0, detected: 0 } });
    expect(json).toMatchObject({ eval: 'security', seed: 42, cleanReadings: 1, falselyQuarantined: 1, invariant: { received: 3, applied: 1, quarantined: 2, holds: true } });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});
