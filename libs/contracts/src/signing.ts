import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Canonical JSON (RFC 8785 for the values readings hold): object keys sorted by UTF-16 code units,
 * no whitespace, numbers as JavaScript prints them (`72.5`, `1e+21`), strings JSON-escaped. Two
 * payloads that parse to the same value have the same canonical form, whatever their key order,
 * spacing or number spelling (`72.50` and `72.5`) on the wire.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('canonical JSON cannot hold NaN or Infinity: send them as the strings "NaN", "Infinity", "-Infinity"');
    if (value === undefined) throw new Error('canonical JSON cannot hold undefined');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

/** The fields of a reading a signature covers: everything but the signature itself. */
export interface SignedFields {
  readonly deviceId: string;
  readonly assetId: string;
  readonly seq: number;
  readonly ts: string;
  readonly metrics: Readonly<Record<string, number | string>>;
}

/**
 * The text a device signs: the canonical JSON of `{ assetId, deviceId, metrics, seq, ts }`
 * (the reading without `signature`), e.g.
 * `{"assetId":"P-101","deviceId":"P-101-dev","metrics":{"pressurePsi":1200,"temperatureC":72.5},"seq":1,"ts":"2026-11-25T08:00:00Z"}`.
 */
export function canonicalReading(reading: SignedFields): string {
  // The general canonicalJson of these five fields, spelled out: it runs once per reading.
  const names = Object.keys(reading.metrics).sort();
  let metrics = '';
  for (const name of names) {
    const value = reading.metrics[name];
    if (value === undefined) continue;
    metrics += `${metrics ? ',' : ''}${JSON.stringify(name)}:${canonicalJson(value)}`;
  }
  return `{"assetId":${JSON.stringify(reading.assetId)},"deviceId":${JSON.stringify(reading.deviceId)},"metrics":{${metrics}},"seq":${canonicalJson(reading.seq)},"ts":${JSON.stringify(reading.ts)}}`;
}

/** `signature` = lowercase hex of HMAC-SHA256(device secret, canonicalReading(reading)). */
export function readingSignature(reading: SignedFields, secret: string): string {
  return createHmac('sha256', secret).update(canonicalReading(reading), 'utf8').digest('hex');
}

/** The reading with its signature set: what a device (or the simulator) sends. */
export function signReading<R extends SignedFields>(reading: R, secret: string): R & { signature: string } {
  return { ...reading, signature: readingSignature(reading, secret) };
}

/** Constant-time check of a reading's signature. */
export function signatureMatches(reading: SignedFields, signature: string, secret: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(signature)) return false;
  return timingSafeEqual(Buffer.from(readingSignature(reading, secret), 'hex'), Buffer.from(signature, 'hex'));
}
