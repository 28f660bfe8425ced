import { EXPECTED_RULES, type SentReading, type WireReading } from './security.inject';
import { readingKey, scoreSecurity, type QuarantineRecord } from './security.score';

let seq = 0;
const reading = (over: Partial<WireReading> = {}): WireReading => ({
  deviceId: 'a-dev',
  assetId: 'A',
  seq: ++seq,
  ts: `2026-03-01T12:00:${String(seq).padStart(2, '0')}.000Z`,
  metrics: { temperatureC: 90 + seq / 10, pressurePsi: 5, vibrationG: 0.2 },
  signature: 'f'.repeat(64),
  ...over,
});
const sent = (kind: SentReading['kind'], r: WireReading, over: Partial<SentReading> = {}): SentReading => ({ kind, row: 0, channel: 'mqtt', destinationAssetId: r.assetId, reading: r, ...over });
const record = (s: SentReading, ...rules: string[]): QuarantineRecord => ({ assetId: s.destinationAssetId, reasons: rules.map((rule) => ({ rule })), payload: JSON.parse(JSON.stringify(s.reading)) });

describe('scoring the security stress test', () => {
  it('counts a fault detected only when quarantined by its class rule, other rules apart, and the rest as missed', () => {
    const spikes = [sent('spike', reading()), sent('spike', reading()), sent('spike', reading())];
    const clean = [sent('clean', reading()), sent('clean', reading())];
    const score = scoreSecurity({ sent: [...clean, ...spikes], records: [record(spikes[0]!, 'rate'), record(spikes[1]!, 'range')], assets: [{ assetId: 'A', deviceId: 'a-dev', channel: 'mqtt', applied: 3 }] });
    expect(score.classes.spike).toMatchObject({ injected: 3, detected: 1, missed: 1, otherRule: 1, otherRules: { range: 1 }, expectedRules: ['rate'] });
    expect(score.classes.spike.detectionRate).toBeCloseTo(1 / 3);
    expect(score.classes.nan).toMatchObject({ injected: 0, detected: 0, detectionRate: null });
    expect(score).toMatchObject({ cleanReadings: 2, falselyQuarantined: 0, falselyQuarantinedRate: 0, unmatchedQuarantined: 0 });
    expect(score.invariant).toEqual({ received: 5, applied: 3, quarantined: 2, holds: true });
  });

  it('tells a replay from its original by the rule when both share device, seq, time and metrics', () => {
    const original = sent('clean', reading());
    const replay = sent('replay', original.reading);
    const falsely = sent('clean', reading({ metrics: { temperatureC: 90, pressurePsi: -18.2, vibrationG: 0.2 } }));
    const replayOfFalse = sent('replay', falsely.reading);
    const score = scoreSecurity({
      // Records arrive in any order; the payload is the reading as received (key order may differ).
      sent: [original, falsely, replay, replayOfFalse],
      records: [record(replayOfFalse, 'replay', 'range'), record(replay, 'replay', 'order'), record(falsely, 'range')],
      assets: [{ assetId: 'A', deviceId: 'a-dev', channel: 'mqtt', applied: 1 }],
    });
    expect(score.classes.replay).toMatchObject({ injected: 2, detected: 2, missed: 0 });
    expect(score).toMatchObject({ cleanReadings: 2, falselyQuarantined: 1, falseRules: { range: 1 } });
    expect(score.falseExamples[0]).toMatchObject({ seq: falsely.reading.seq, rules: ['range'] });
    expect(score.invariant.holds).toBe(true);
  });

  it('counts per asset of arrival (a wrong-asset write counts for the asset whose channel it used) and flags a broken invariant', () => {
    const a = sent('clean', reading());
    const wrong = sent('wrong-asset', reading({ assetId: 'B' }));
    const b = sent('clean', reading({ deviceId: 'b-dev', assetId: 'B' }), { channel: 'http' });
    const stranger: QuarantineRecord = { assetId: 'B', reasons: [{ rule: 'json' }], payload: { unparsed: '{' } };
    const score = scoreSecurity({
      sent: [a, wrong, b],
      records: [record(wrong, 'asset'), stranger],
      assets: [
        { assetId: 'A', deviceId: 'a-dev', channel: 'mqtt', applied: 1 },
        { assetId: 'B', deviceId: 'b-dev', channel: 'http', applied: 0 },
      ],
    });
    expect(score.classes['wrong-asset']).toMatchObject({ injected: 1, detected: 1 });
    expect(score.assets.map((x) => [x.assetId, x.received, x.applied, x.quarantined, x.holds])).toEqual([
      ['A', 1, 1, 0, true],
      ['B', 2, 0, 2, true],
    ]);
    expect(score.unmatchedQuarantined).toBe(1);
    const broken = scoreSecurity({ sent: [a, wrong, b], records: [record(wrong, 'asset')], assets: [{ assetId: 'B', deviceId: 'b-dev', channel: 'http', applied: 0 }] });
    expect(broken.invariant).toEqual({ received: 2, applied: 0, quarantined: 1, holds: false });
  });

  it('scores stuck faults per reading and per episode', () => {
    const ep0 = [1, 2, 3].map(() => sent('stuck', reading(), { episode: 0 }));
    const ep1 = [1, 2, 3].map(() => sent('stuck', reading(), { episode: 1 }));
    const score = scoreSecurity({ sent: [...ep0, ...ep1], records: [record(ep0[1]!, 'stuck'), record(ep0[2]!, 'stuck')], assets: [] });
    expect(score.classes.stuck).toMatchObject({ injected: 6, detected: 2, missed: 4 });
    expect(score.stuckEpisodes).toEqual({ injected: 2, detected: 1 });
  });

  it('keys readings by device, seq, time and canonical metrics', () => {
    const r = reading({ metrics: { vibrationG: 0.2, temperatureC: 'NaN' } });
    expect(readingKey({ ...r, metrics: { temperatureC: 'NaN', vibrationG: 0.2 } })).toBe(readingKey(r));
    expect(readingKey({ ...r, seq: r.seq + 1 })).not.toBe(readingKey(r));
    expect(readingKey({ unparsed: 'x' })).toBeNull();
    expect(readingKey(null)).toBeNull();
    expect(Object.keys(EXPECTED_RULES)).toHaveLength(8);
  });
});
