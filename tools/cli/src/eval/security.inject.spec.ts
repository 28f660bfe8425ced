import { signatureMatches } from '@twinline/contracts';
import { buildStream, FAULT_CLASSES, planFaults, type DeviceStreamSpec, type SentReading } from './security.inject';
import { seededRandom } from './seeded-random';
import type { PumpRow } from './skab.map';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const rows = (n: number): PumpRow[] =>
  Array.from({ length: n }, (_, i) => ({
    sourceTs: `row ${i}`,
    tsMs: NOW - 60_000 - (n - 1 - i) * 1000,
    metrics: { temperatureC: 90 + Math.sin(i / 10), pressurePsi: 5 + Math.cos(i / 7), vibrationG: Math.round((0.2 + 0.01 * Math.sin(i / 3)) * 1e6) / 1e6 + i * 1e-7 },
  }));

const spec = (n: number, over: Partial<DeviceStreamSpec> = {}): DeviceStreamSpec => ({
  assetId: 'skab-a',
  deviceId: 'skab-a-dev',
  secret: 'secret-of-device-a-0123456789',
  channel: 'mqtt',
  otherAssetId: 'skab-b',
  rows: rows(n),
  streamIndex: 0,
  ...over,
});
const options = { seed: 42, faultsPerClass: 5, stuckEpisodes: 2, stuckLength: 10, nowMs: NOW };
const count = (stream: SentReading[], kind: SentReading['kind']) => stream.filter((s) => s.kind === kind).length;

describe('fault injection', () => {
  const stream = buildStream(spec(600), options);

  it('is the same for the same seed and different for another seed or stream', () => {
    expect(buildStream(spec(600), options)).toEqual(stream);
    expect(buildStream(spec(600), { ...options, seed: 43 })).not.toEqual(stream);
    expect(buildStream(spec(600, { streamIndex: 1 }), options).map((s) => s.kind)).not.toEqual(stream.map((s) => s.kind));
  });

  it('injects the asked number of each class, and keeps every clean row', () => {
    for (const kind of FAULT_CLASSES.filter((k) => k !== 'stuck')) expect(count(stream, kind)).toBe(5);
    expect(count(stream, 'stuck')).toBe(2 * 10);
    expect(new Set(stream.filter((s) => s.kind === 'stuck').map((s) => s.episode))).toEqual(new Set([0, 1]));
    // Value faults and stuck readings replace rows; message faults are extra readings.
    expect(count(stream, 'clean')).toBe(600 - 3 * 5 - 20);
    expect(stream).toHaveLength(600 + 4 * 5);
  });

  it('puts a clean reading right before and after every fault and every stuck run', () => {
    stream.forEach((s, i) => {
      if (s.kind === 'clean') return;
      const before = stream[i - 1]!;
      const after = stream[i + 1]!;
      if (s.kind === 'stuck') {
        expect(before.kind === 'clean' || (before.kind === 'stuck' && before.episode === s.episode)).toBe(true);
        expect(after.kind === 'clean' || (after.kind === 'stuck' && after.episode === s.episode)).toBe(true);
        return;
      }
      expect([before.kind, after.kind]).toEqual(['clean', 'clean']);
    });
  });

  it('numbers every reading but a replay with a fresh seq, increasing in send order', () => {
    const seqs = stream.filter((s) => s.kind !== 'replay').map((s) => s.reading.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });

  it('signs everything with the device secret except forgeries', () => {
    for (const s of stream) expect(signatureMatches(s.reading, s.reading.signature, 'secret-of-device-a-0123456789')).toBe(s.kind !== 'forged');
    expect(new Set(stream.filter((s) => s.kind === 'forged').map((s) => s.variant))).toEqual(new Set(['wrong-key', 'altered-after-signing']));
  });

  it('replays an earlier clean reading verbatim', () => {
    stream.forEach((s, i) => {
      if (s.kind !== 'replay') return;
      const original = stream.slice(0, i).find((o) => o.kind === 'clean' && o.reading === s.reading);
      expect(original).toBeDefined();
    });
  });

  it('writes the other asset on its channel with this device for wrong-asset faults', () => {
    const wrong = stream.filter((s) => s.kind === 'wrong-asset');
    expect(wrong.every((s) => s.reading.assetId === 'skab-b' && s.destinationAssetId === 'skab-b' && s.reading.deviceId === 'skab-a-dev' && s.channel === 'mqtt')).toBe(true);
    expect(stream.filter((s) => s.kind !== 'wrong-asset').every((s) => s.destinationAssetId === 'skab-a' && s.reading.assetId === 'skab-a')).toBe(true);
  });

  it('makes each value fault as described: out of range, NaN, spike, stuck', () => {
    const m = (s: SentReading) => s.reading.metrics as Record<string, number | string>;
    for (const s of stream.filter((x) => x.kind === 'out-of-range')) {
      const v = m(s);
      expect((v.temperatureC as number) >= 250 || (v.pressurePsi as number) < -20 || (v.vibrationG as number) > 60).toBe(true);
    }
    for (const s of stream.filter((x) => x.kind === 'nan')) expect(Object.values(m(s)).filter((v) => v === 'NaN')).toHaveLength(1);
    stream.forEach((s, i) => {
      if (s.kind !== 'spike') return;
      const prev = m(stream[i - 1]!);
      const jumpT = Math.abs((m(s).temperatureC as number) - (prev.temperatureC as number));
      const jumpV = (m(s).vibrationG as number) - (prev.vibrationG as number);
      expect(jumpT >= 19 || jumpV >= 0.95).toBe(true);
      expect(m(s).temperatureC as number).toBeLessThan(200);
    });
    stream.forEach((s, i) => {
      if (s.kind !== 'stuck') return;
      const first = stream.findIndex((x) => x.kind === 'stuck' && x.episode === s.episode);
      expect(m(s).vibrationG).toBe(m(stream[first - 1]!).vibrationG);
      if (i > first) expect(m(s).temperatureC).not.toBe(m(stream[i - 1]!).temperatureC);
    });
  });

  it('manipulates timestamps into the future, the far past, or before the previous reading', () => {
    const ts = stream.filter((s) => s.kind === 'timestamp');
    for (const s of ts) {
      const t = Date.parse(s.reading.ts);
      if (s.variant === 'future') expect(t).toBe(NOW + 3_600_000);
      else if (s.variant === 'past') expect(t).toBe(NOW - 8 * 86_400_000);
      else expect(t).toBeLessThan(Date.parse(stream[stream.indexOf(s) - 1]!.reading.ts));
    }
    // Every other reading keeps time moving forward.
    const times = stream.filter((s) => s.kind !== 'timestamp' && s.kind !== 'replay').map((s) => Date.parse(s.reading.ts));
    expect(times.every((t, i) => i === 0 || t > times[i - 1]!)).toBe(true);
  });
});

describe('fault positions', () => {
  it('never puts two faults next to each other, and says so when they cannot fit', () => {
    const plan = planFaults(200, { perClass: 3, stuckEpisodes: 1, stuckLength: 20 }, seededRandom(7));
    const rowsUsed = [...plan.valueFaults.keys()];
    const stuckRows = plan.stuck.flatMap(({ start, length }) => Array.from({ length }, (_, k) => start + k));
    const slots = [...rowsUsed.map((r) => 2 * r), ...[...plan.insertions.keys()].map((r) => 2 * r + 1)].sort((a, b) => a - b);
    for (let i = 1; i < slots.length; i++) expect(slots[i]! - slots[i - 1]!).toBeGreaterThanOrEqual(3);
    for (const slot of slots) for (const r of stuckRows) expect(Math.abs(slot - 2 * r)).toBeGreaterThanOrEqual(3);
    expect(() => planFaults(30, { perClass: 5, stuckEpisodes: 0, stuckLength: 1 }, seededRandom(7))).toThrow(/cannot place .* in 30 rows/);
  });
});
