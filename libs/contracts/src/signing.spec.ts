import { createHmac } from 'node:crypto';
import { canonicalJson, canonicalReading, readingSignature, signatureMatches, signReading } from './signing';

const reading = { deviceId: 'P-101-dev', assetId: 'P-101', seq: 1, ts: '2026-11-25T08:00:00Z', metrics: { temperatureC: 72.5, pressurePsi: 1200 } };

describe('reading signatures', () => {
  it('signs the canonical form: keys sorted, no spaces, signature excluded (the README example)', () => {
    expect(canonicalReading({ ...reading, signature: 'x' } as typeof reading)).toBe(
      '{"assetId":"P-101","deviceId":"P-101-dev","metrics":{"pressurePsi":1200,"temperatureC":72.5},"seq":1,"ts":"2026-11-25T08:00:00Z"}',
    );
    expect(readingSignature(reading, 'dev-secret-P-101')).toBe(createHmac('sha256', 'dev-secret-P-101').update(canonicalReading(reading)).digest('hex'));
  });

  it('gives the same canonical form whatever the key order or number spelling on the wire', () => {
    const reordered = JSON.parse('{"ts":"2026-11-25T08:00:00Z","metrics":{"temperatureC":72.50,"pressurePsi":1.2e3},"seq":1,"assetId":"P-101","deviceId":"P-101-dev"}');
    expect(canonicalReading(reordered)).toBe(canonicalReading(reading));
  });

  it('accepts its own signature and refuses a changed value, another key or a malformed signature', () => {
    const signed = signReading(reading, 'k1');
    expect(signatureMatches(reading, signed.signature, 'k1')).toBe(true);
    expect(signatureMatches({ ...reading, metrics: { ...reading.metrics, temperatureC: 72.6 } }, signed.signature, 'k1')).toBe(false);
    expect(signatureMatches(reading, signed.signature, 'k2')).toBe(false);
    expect(signatureMatches(reading, signed.signature.toUpperCase(), 'k1')).toBe(false);
    expect(signatureMatches(reading, 'abc', 'k1')).toBe(false);
  });

  it('spells out exactly the general canonical JSON of the signed fields', () => {
    const odd = { deviceId: 'd"é', assetId: 'a\\b', seq: 0, ts: '2026-01-01T00:00:00.5+01:00', metrics: { zeta: 1e21, alpha: -0, mid: 'NaN', b10: 0.1 } };
    expect(canonicalReading(odd)).toBe(canonicalJson({ assetId: odd.assetId, deviceId: odd.deviceId, metrics: odd.metrics, seq: odd.seq, ts: odd.ts }));
    expect(() => canonicalReading({ ...odd, metrics: { x: Number.POSITIVE_INFINITY } })).toThrow(/Infinity/);
  });

  it('escapes strings and refuses values JSON cannot carry', () => {
    expect(canonicalJson({ b: 'é"\n', a: [1, null, true] })).toBe('{"a":[1,null,true],"b":"é\\"\\n"}');
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/NaN/);
  });
});
