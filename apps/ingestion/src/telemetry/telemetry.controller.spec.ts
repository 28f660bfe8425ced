import { Readable } from 'node:stream';
import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import fc from 'fast-check';
import { ID_RULE, topology, type RawTelemetry } from '@twinline/contracts';
import { Messaging, type OutgoingMessage } from '@twinline/messaging';
import { createServiceApp, TOPOLOGY } from '@twinline/service-kit';
import { TelemetryController } from './telemetry.controller';

/**
 * POST /v1/telemetry in the very Fastify application a service runs (createServiceApp), with a
 * recording bus instead of NATS: every hostile body gets 202 or a 4xx problem, never a 5xx.
 */
describe('POST /v1/telemetry with hostile bodies', () => {
  const LIMIT = 1024 * 1024;
  const published: OutgoingMessage[] = [];
  let app: NestFastifyApplication;

  beforeAll(async () => {
    @Module({
      controllers: [TelemetryController],
      providers: [
        { provide: Messaging, useValue: { publishMany: async (messages: OutgoingMessage[]) => void published.push(...messages) } },
        { provide: TOPOLOGY, useValue: topology('') },
      ],
    })
    class TestModule {}
    app = await createServiceApp({ name: 'ingestion', module: TestModule, bodyLimitBytes: LIMIT });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(async () => {
    await app?.close();
  });
  beforeEach(() => {
    published.length = 0;
  });

  const good = { deviceId: 'P-101-edge', assetId: 'P-101', seq: 1, ts: '2024-01-01T00:00:00Z', metrics: { temperatureC: 45 } };
  const goodText = JSON.stringify(good);
  async function post(payload: string | Readable, contentType: string | null = 'application/json') {
    const response = await app.inject({ method: 'POST', url: '/v1/telemetry', payload, headers: contentType === null ? {} : { 'content-type': contentType } });
    const body = response.body ? (JSON.parse(response.body) as { detail?: string; code?: string; errors?: Array<{ field: string; message: string }>; accepted?: number }) : {};
    return { status: response.statusCode, contentType: response.headers['content-type'], body };
  }
  const publishedItems = () => published.flatMap((m) => (m.payload as RawTelemetry).items);

  it('refuses a body over the limit with 413, naming its size and the limit, before reading it', async () => {
    const r = await post(JSON.stringify({ ...good, pad: 'x'.repeat(LIMIT) }));
    expect(r.status).toBe(413);
    expect(r.contentType).toMatch(/^application\/problem\+json/);
    expect(r.body.detail).toMatch(new RegExp(`^the body of \\d+ bytes exceeds the limit of ${LIMIT} bytes$`));
  });

  it('refuses a body over the limit sent without a length (chunked) with 413 too', async () => {
    const chunks = Array.from({ length: 40 }, () => 'x'.repeat(64 * 1024));
    const r = await post(Readable.from([`{"pad":"`, ...chunks, '"}']));
    expect(r.status).toBe(413);
    expect(r.contentType).toMatch(/^application\/problem\+json/);
  });

  it('refuses truncated JSON with 400 naming the parse error', async () => {
    const r = await post(goodText.slice(0, 30));
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('BODY.INVALID_JSON');
    expect(r.body.errors).toEqual([{ field: '(body)', message: expect.stringMatching(/^the body is not valid JSON: .*JSON/) }]);
  });

  it.each([
    ['an empty body', '', 'application/json', 400, '(body)', /empty/],
    ['text/plain', goodText, 'text/plain', 415, 'content-type', /content-type "text\/plain" is not accepted: send application\/json/],
    ['a form', 'a=1', 'application/x-www-form-urlencoded', 415, 'content-type', /not accepted/],
    ['no content-type', goodText, null, 415, 'content-type', /without a content-type/],
    ['an array at the root', `[${goodText}]`, 'application/json', 400, '(root)', /expected object, received array/],
    ['a string at the root', '"P-101"', 'application/json', 400, '(root)', /expected object/],
    ['seq above MAX_SAFE_INTEGER', goodText.replace('"seq":1', '"seq":9007199254740993'), 'application/json', 400, 'seq', /safe integer/],
    ['seq 1e400', goodText.replace('"seq":1', '"seq":1e400'), 'application/json', 400, 'seq', /must be a number/],
    ['an emoji in deviceId', goodText.replace('P-101-edge', 'P-101-\uD83D\uDE00'), 'application/json', 400, 'deviceId', new RegExp(ID_RULE.replace(/[-"]/g, '.'))],
    ['a right-to-left override in assetId', goodText.replace('"P-101"', '"\\u202eP-101"'), 'application/json', 400, 'assetId', /assetId must be an id/],
    ['NUL in assetId', goodText.replace('"P-101"', '"P-101\\u0000"'), 'application/json', 400, 'assetId', /assetId must be an id/],
    ['NUL in the signature', goodText.replace('}}', '},"signature":"a\\u0000"}'), 'application/json', 400, 'signature', /U\+0000/],
    ['a metric named __proto__', goodText.replace('"temperatureC"', '"__proto__"'), 'application/json', 400, 'metrics.__proto__', /prototype/],
    ['an escaped __proto__ at the root', `{"\\u005f_proto__":{"polluted":1},${goodText.slice(1)}`, 'application/json', 400, '__proto__', /prototype/],
    ['constructor.prototype', goodText.replace('"temperatureC":45', '"temperatureC":45},"constructor":{"prototype":{"polluted":1}'), 'application/json', 400, 'constructor', /prototype/],
    ['a metric named constructor', goodText.replace('"temperatureC"', '"constructor"'), 'application/json', 400, 'metrics.constructor', /not a built-in name/],
    ['100 000 nested arrays', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, 'application/json', 400, '(root)', /expected object/],
    ['100 000 nested objects in a field', goodText.replace('"seq":1', `"seq":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`), 'application/json', 400, 'seq', /number/],
  ])('answers %s with a problem naming the field and the rule', async (_what, payload, contentType, status, field, rule) => {
    const r = await post(payload, contentType);
    expect(r.status).toBe(status);
    expect(r.contentType).toMatch(/^application\/problem\+json/);
    expect(r.body.errors).toContainEqual({ field, message: expect.stringMatching(rule) });
    expect(published).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts 1e400 (Infinity), forwarded as "Infinity" for integrity to quarantine (rule finite), and -0 and 1e308 as numbers', async () => {
    const r = await post(goodText.replace('"temperatureC":45', '"temperatureC":1e400,"pressurePsi":-0,"vibrationMmS":1e308'));
    expect(r.status).toBe(202);
    expect(publishedItems().map((i) => (i.payload as { metrics: unknown }).metrics)).toEqual([{ temperatureC: 'Infinity', pressurePsi: -0, vibrationMmS: 1e308 }]);
  });

  it('accepts 10 000 readings of one asset in messages that each fit NATS max_payload (1 MiB)', async () => {
    const readings = Array.from({ length: 10_000 }, (_, i) => ({ ...good, seq: i + 1, metrics: { temperatureC: 45.123456, pressurePsi: 1100.25, vibrationMmS: 3.5 } }));
    // Two bodies under this application's 1 MiB limit (a service's default limit, 8 MiB, takes all in one).
    for (const part of [readings.slice(0, 5_000), readings.slice(5_000)]) expect((await post(JSON.stringify({ readings: part }))).status).toBe(202);
    const items = publishedItems();
    expect(items).toHaveLength(10_000);
    // One message per asset and body would be over 1 MiB: the readings travel in several, in order.
    expect(Buffer.byteLength(JSON.stringify(items.slice(0, 5_000)))).toBeGreaterThan(LIMIT);
    expect(items.map((i) => (i.payload as { seq: number }).seq)).toEqual(readings.map((r) => r.seq));
    for (const m of published) expect(Buffer.byteLength(JSON.stringify(m.payload))).toBeLessThan(LIMIT);
  });

  const hostileText = fc.oneof(
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
    fc.tuple(fc.nat(), fc.constant(goodText)).map(([n, t]) => t.slice(0, n % t.length)),
    fc.record({ deviceId: fc.string({ unit: 'binary', maxLength: 70 }), seq: fc.oneof(fc.nat(), fc.double()) }).map((v) => JSON.stringify({ ...good, ...v })),
    fc.constantFrom('1e400', '{"metrics":{"a":1e400}}', `{"readings":${'['.repeat(10_000)}${']'.repeat(10_000)}}`, '{"__proto__":1}', '\u0000', '{'),
    fc.string({ unit: 'binary', maxLength: 200 }),
  );

  it('answers any generated body with 202 or a 4xx problem, never a 5xx (property)', async () => {
    await fc.assert(
      fc.asyncProperty(hostileText, fc.constantFrom('application/json', 'text/plain', 'application/vnd.twinline+json'), async (payload, contentType) => {
        const r = await post(payload, contentType);
        if (r.status === 202) return;
        expect(r.status).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(500);
        expect(r.contentType).toMatch(/^application\/problem\+json/);
        expect(r.body.errors!.length).toBeGreaterThan(0);
      }),
      { numRuns: 200, seed: 3 },
    );
  });
});
