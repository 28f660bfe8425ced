import mqtt from 'mqtt';
import fc from 'fast-check';
import { waitFor } from '@twinline/testing';
import { getJson, postJson, startHarness, MQTT_URL, type Harness } from './harness';
import { testRegistry } from './registry';

interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: Array<{ field: string; message: string }>;
}

const MQTT_LIMIT = 1024 * 1024;
const good = { deviceId: 'HX-1-edge', assetId: 'HX-1', seq: 1, ts: '2024-01-01T00:00:00Z', metrics: { temperatureC: 45 } };
const goodText = JSON.stringify(good);

/** JSON text with tokens JSON.stringify cannot write (1e400, -0, a huge integer) put in place of "@raw:…@" strings. */
const withRawTokens = (text: string) => text.replace(/"@raw:([^@"]*)@"/g, '$1');
const rawToken = fc.constantFrom('1e400', '-1e400', '-0', '1e308', '9007199254740993', '123456789012345678901234567890').map((t) => `@raw:${t}@`);
const hostileString = fc.oneof(
  fc.constantFrom('', 'HX-1', 'P-😀', '\u202EHX-1', 'HX\u0000', 'a'.repeat(65), '\uD800', 'ﷺ', '__proto__', 'constructor'),
  fc.string({ unit: 'binary', maxLength: 40 }),
);
const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 3 }), hostileString, rawToken);
/** A reading with each field right, wrong in type, or hostile in content. */
const hostileReading = fc.record(
  {
    deviceId: fc.oneof(fc.constant('HX-1-edge'), hostileString, anyValue),
    assetId: fc.oneof(fc.constant('HX-1'), hostileString, anyValue),
    seq: fc.oneof(fc.nat(), rawToken, anyValue),
    ts: fc.oneof(fc.constant('2024-01-01T00:00:00Z'), hostileString, anyValue),
    metrics: fc.oneof(fc.dictionary(fc.oneof(fc.constantFrom('temperatureC', 'pressurePsi', '__proto__', 'constructor', 'toString'), hostileString), fc.oneof(fc.double(), rawToken, anyValue), { maxKeys: 4 }), anyValue),
    signature: fc.oneof(fc.stringMatching(/^[0-9a-f]{64}$/), hostileString),
  },
  { requiredKeys: [] },
);
const deep = (n: number, open: string, close: string, inner = '') => `${open.repeat(n)}${inner}${close.repeat(n)}`;
/** Payload texts: readings and batches of them, truncated JSON, deep nesting, wrong root types, garbage. */
/** A reading right in form whose metrics may be extreme: 1e400 (Infinity), -0, 1e308, an unsafe integer. */
const extremeReading = fc
  .record({ seq: fc.nat(), metrics: fc.dictionary(fc.constantFrom('temperatureC', 'pressurePsi', 'vibrationMmS'), fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), rawToken), { minKeys: 1 }) })
  .map((r) => withRawTokens(JSON.stringify({ ...good, ...r })));
const hostileText = fc.oneof(
  { arbitrary: extremeReading, weight: 2 },
  { arbitrary: hostileReading.map((r) => withRawTokens(JSON.stringify(r))), weight: 4 },
  { arbitrary: fc.array(hostileReading, { maxLength: 5 }).map((rs) => withRawTokens(JSON.stringify({ readings: rs }))), weight: 2 },
  { arbitrary: fc.array(hostileReading, { maxLength: 5 }).map((rs) => withRawTokens(JSON.stringify(rs))), weight: 1 },
  { arbitrary: fc.tuple(hostileReading, fc.nat()).map(([r, n]) => { const t = withRawTokens(JSON.stringify(r)); return t.slice(0, n % t.length); }), weight: 2 },
  { arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)), weight: 1 },
  {
    arbitrary: fc.constantFrom(
      deep(10_000, '[', ']'),
      deep(10_000, '{"a":', '}', '1'),
      goodText.replace('"seq":1', `"seq":${deep(10_000, '[', ']')}`),
      goodText.replace('"temperatureC":45', '"__proto__":{"polluted":1},"temperatureC":45'),
      goodText.replace('"temperatureC":45', '"temperatureC":45},"constructor":{"prototype":{"polluted":1}'),
      goodText.replace('"HX-1-edge"', '"HX-1-edge\\u0000"'),
      goodText.replace('"HX-1"', '"\\ud800"'),
      '',
      'null',
      '[]',
      '{"readings":[]}',
    ),
    weight: 1,
  },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 200 }), weight: 1 },
);

/** How many items ingestion makes of an MQTT payload: its readings, or one for a payload holding none. */
function itemsOf(bytes: Uint8Array): number {
  if (bytes.byteLength > MQTT_LIMIT) return 1;
  try {
    const parsed: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    const list = Array.isArray(parsed) ? parsed : Array.isArray((parsed as { readings?: unknown } | null)?.readings) ? (parsed as { readings: unknown[] }).readings : [parsed];
    return list.length >= 1 && list.length <= 10_000 ? list.length : 1;
  } catch {
    return 1;
  }
}

/**
 * Hostile input at both entry points of one running platform (separate processes, real NATS,
 * Postgres, Mosquitto): generated HTTP bodies each get 202 or a 4xx problem, never a 5xx; every
 * generated MQTT payload ends as readings applied or quarantined, none lost; all services stay ready.
 */
describe('hostile input at the entry points', () => {
  const registry = testRegistry([{ assetId: 'HM-1' }, { assetId: 'HU-1', registration: { acceptUnsigned: true } }]);
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness('e2e_hostile', { ...registry.env, MQTT_MAX_PAYLOAD_BYTES: String(MQTT_LIMIT) });
  });
  afterAll(async () => {
    await h?.teardown();
  });

  const telemetryUrl = () => `${h.platform.urls.ingestion}/v1/telemetry`;
  async function send(body: string | Uint8Array, contentType: string | null) {
    const response = await fetch(telemetryUrl(), { method: 'POST', headers: contentType === null ? {} : { 'content-type': contentType }, body });
    const text = await response.text();
    return { status: response.status, contentType: response.headers.get('content-type'), text };
  }
  async function expectAllReady() {
    for (const [service, url] of Object.entries(h.platform.urls)) {
      const r = await fetch(`${url}/health/ready`);
      expect([service, r.status]).toEqual([service, 200]);
    }
  }
  const quarantined = async (assetId: string) => {
    let count = 0;
    let after: string | null = '0';
    while (after !== null) {
      const page: { status: number; body: { items: unknown[]; nextAfter: string | null } } = await getJson(`${h.platform.urls.integrity}/v1/quarantine?assetId=${assetId}&limit=1000&after=${after}`, { token: h.tokens.auditor });
      expect(page.status).toBe(200);
      count += page.body.items.length;
      after = page.body.nextAfter;
    }
    return count;
  };
  const applied = async (assetId: string) => {
    const r = await getJson<{ readingsApplied: number }>(`${h.platform.urls['twin-state']}/v1/assets/${assetId}`, { token: h.tokens.auditor });
    return r.status === 200 ? r.body.readingsApplied : 0;
  };

  it('answers 100 generated bodies on POST /v1/telemetry with 202 or a 4xx problem naming the fields, never a 5xx', async () => {
    const contentType = fc.oneof({ arbitrary: fc.constant('application/json'), weight: 8 }, { arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-8', null), weight: 1 });
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(hostileText, contentType, async (body, type) => {
        const r = await send(body, type);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        if (r.status === 202) return;
        expect(r.status).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(500);
        expect(r.contentType).toMatch(/^application\/problem\+json/);
        const problem = JSON.parse(r.text) as Problem;
        expect(problem.status).toBe(r.status);
        if (r.status === 400 || r.status === 415) {
          expect(problem.errors!.length).toBeGreaterThan(0);
          for (const e of problem.errors!) expect(typeof e.field === 'string' && e.message.length > 0).toBe(true);
        }
      }),
      { numRuns: 100, seed: 20_240_101 },
    );
    // The generator reaches both outcomes: some bodies are readings, most are refused.
    expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([202, 400, 415]));
    await expectAllReady();
  });

  it('refuses a 20 MB body with 413 naming the limit, and stays up; takes a 6 000-reading batch bigger than a NATS message', async () => {
    const huge = await send(JSON.stringify({ ...good, pad: 'x'.repeat(20 * 1024 * 1024) }), 'application/json');
    expect(huge.status).toBe(413);
    expect(huge.contentType).toMatch(/^application\/problem\+json/);
    expect((JSON.parse(huge.text) as Problem).detail).toMatch(/exceeds the limit of \d+ bytes/);

    // 1e400 parses to Infinity: forwarded as "Infinity", quarantined with rule finite (HU-1 takes unsigned readings).
    const ts = new Date(Date.now() - 30_000).toISOString();
    const infinite = await send(`{"deviceId":"HU-1-edge","assetId":"HU-1","seq":1,"ts":"${ts}","metrics":{"temperatureC":1e400,"pressurePsi":-0}}`, 'application/json');
    expect(infinite.status).toBe(202);
    const record = await waitFor(() => getJson<{ items: Array<{ reasons: Array<{ rule: string; field: string }>; payload: unknown }> }>(`${h.platform.urls.integrity}/v1/quarantine?assetId=HU-1`, { token: h.tokens.auditor }), {
      accept: (r) => r.status === 200 && r.body.items.length === 1,
      what: 'the 1e400 reading quarantined',
    });
    expect(record.body.items[0]!.reasons).toContainEqual(expect.objectContaining({ rule: 'finite', field: 'metrics.temperatureC' }));
    expect(record.body.items[0]!.payload).toMatchObject({ metrics: { temperatureC: 'Infinity', pressurePsi: 0 } });

    // ~1.5 MB of readings of one (unregistered) asset: more than NATS's 1 MiB max_payload in one message.
    const readings = Array.from({ length: 6_000 }, (_, i) => ({ ...good, assetId: 'HB-1', deviceId: 'HB-1-edge', seq: i + 1, metrics: { temperatureC: 45.123456, pressurePsi: 1100.25, vibrationMmS: 3.5 } }));
    const batch = await postJson<{ accepted: number }>(telemetryUrl(), { readings });
    expect([batch.status, batch.body.accepted]).toEqual([202, 6_000]);
    await waitFor(() => quarantined('HB-1'), { accept: (n) => n === 6_000, what: '6 000 readings of HB-1 quarantined (unregistered asset)', timeoutMs: 30_000 });
    await expectAllReady();
  });

  it('turns 50 generated MQTT payloads into readings applied or quarantined, none lost; refuses and logs a topic with a non-id asset', async () => {
    // Assets of their own (the HTTP bodies above wrote HX-1); HM-1 is registered, with a device.
    const assets = ['HM-1', 'HZ-2', 'HZ-3'];
    const payloads = fc.sample(
      fc.oneof(
        { arbitrary: hostileText.map((t) => Buffer.from(t, 'utf8') as Uint8Array), weight: 6 },
        { arbitrary: fc.uint8Array({ minLength: 1, maxLength: 300 }), weight: 1 },
        { arbitrary: fc.tuple(hostileReading, fc.integer({ min: 0, max: 40 })).map(([r, at]) => { const b = Buffer.from(withRawTokens(JSON.stringify(r))); b[at % b.length] = 0xff; return b as Uint8Array; }), weight: 1 },
      ),
      { numRuns: 44, seed: 20_240_101 },
    );
    // The cases the brief names, whatever the generator drew.
    payloads.push(
      Buffer.from(JSON.stringify({ readings: [good, { ...good, pad: 'y'.repeat(MQTT_LIMIT) }] })), // over the limit: one item
      Buffer.from([0xc3, 0x28, 0x7b, 0x7d]), // invalid UTF-8
      Buffer.from([0x00, 0xff, 0x10, 0x80, 0x7f]), // binary garbage
      Buffer.from(goodText.slice(0, 25)), // truncated JSON
      Buffer.from(deep(100_000, '[', ']')), // 100 000 levels deep
      Buffer.from(goodText.replace('"HX-1-edge"', '"HX-1-edge\\u0000"')), // NUL
    );
    // Readings a registered device signed: they are applied.
    const base = Date.now() - 60_000;
    const valid = registry.sign([1, 2, 3].map((seq) => ({ ...good, deviceId: 'HM-1-edge', assetId: 'HM-1', seq, ts: new Date(base + seq * 1000).toISOString() })));

    const expected = new Map<string, number>(assets.map((a) => [a, 0]));
    const client = await mqtt.connectAsync(MQTT_URL, { clientId: `${h.topicRoot}-hostile` });
    try {
      for (const [i, payload] of payloads.entries()) {
        const asset = assets[i % assets.length]!;
        expected.set(asset, expected.get(asset)! + itemsOf(payload));
        await client.publishAsync(`${h.topicRoot}/site/${asset}/telemetry`, Buffer.from(payload), { qos: 1 });
      }
      for (const r of valid) await client.publishAsync(`${h.topicRoot}/site/HM-1/telemetry`, JSON.stringify(r), { qos: 1 });
      expected.set('HM-1', expected.get('HM-1')! + valid.length);
      for (const asset of ['P-😀', '\u202EHX-1', 'a'.repeat(65)]) await client.publishAsync(`${h.topicRoot}/site/${asset}/telemetry`, goodText, { qos: 1 });
    } finally {
      await client.endAsync();
    }

    for (const asset of assets) {
      const want = expected.get(asset)!;
      await waitFor(async () => ({ quarantined: await quarantined(asset), applied: await applied(asset) }), {
        accept: (n) => n.quarantined + n.applied === want,
        what: `${want} readings of ${asset} applied or quarantined`,
        timeoutMs: 30_000,
      });
    }
    expect(await applied('HM-1')).toBe(valid.length);
    await waitFor(() => h.logs.filter((l) => l.includes('not a telemetry topic')).length, { accept: (n) => n === 3, what: 'three refused topics logged' });
    expect(h.logs.filter((l) => l.includes('could not forward an MQTT message'))).toEqual([]);
    await expectAllReady();
  });
});
