import fc from 'fast-check';
import { rawTelemetryV1, topology, type RawTelemetry } from '@twinline/contracts';
import {
  buildRawBatches,
  encodeNonFinite,
  EXCERPT_CHARS,
  jsonExcerpt,
  MAX_ITEM_BYTES,
  MAX_MESSAGE_BYTES,
  MAX_NESTING,
  parseTelemetryTopic,
  payloadProblem,
  readingsFromMqttPayload,
  storableText,
  type Received,
} from './raw-batch';

const RECEIVED_AT = '2024-01-01T00:00:05Z';

/** Ids id-1, id-2, ... in the order they are asked for. */
function counter(): () => string {
  let n = 0;
  return () => `id-${++n}`;
}

const reading = (assetId: string, seq: number, metrics: Record<string, number> = { temperatureC: 45 }) => ({
  deviceId: `${assetId}-edge`,
  assetId,
  seq,
  ts: `2024-01-01T0${seq}:00:00Z`,
  metrics,
});

describe('buildRawBatches', () => {
  const context = { channel: 'mqtt' as const, receivedAt: RECEIVED_AT, topology: topology('') };

  it('groups readings into one message per asset, with msgId = eventId and subject telemetry.raw.<asset>', () => {
    const received: Received[] = [
      { assetId: 'P-101', payload: reading('P-101', 1) },
      { assetId: 'P-102', payload: reading('P-102', 1) },
      { assetId: 'P-101', payload: reading('P-101', 2) },
    ];
    const { messages, readingIds } = buildRawBatches(received, { ...context, topic: 'twinline/site/P-101/telemetry', newId: counter() });

    // Reading ids come first, in input order; then one event id per asset, in first-seen order.
    expect(readingIds).toEqual(['id-1', 'id-2', 'id-3']);
    expect(messages.map((m) => [m.subject, m.msgId])).toEqual([
      ['telemetry.raw.P-101', 'id-4'],
      ['telemetry.raw.P-102', 'id-5'],
    ]);
    const p101 = messages[0]!.payload as RawTelemetry;
    expect(p101).toEqual({
      type: 'TelemetryReceived',
      schemaVersion: 1,
      eventId: 'id-4',
      occurredAt: RECEIVED_AT,
      assetId: 'P-101',
      correlationId: 'id-4',
      causationId: null,
      channel: 'mqtt',
      topic: 'twinline/site/P-101/telemetry',
      items: [
        { readingId: 'id-1', receivedAt: RECEIVED_AT, payload: reading('P-101', 1) },
        { readingId: 'id-3', receivedAt: RECEIVED_AT, payload: reading('P-101', 2) },
      ],
    });
    expect((messages[1]!.payload as RawTelemetry).items.map((i) => i.readingId)).toEqual(['id-2']);
    // Every message satisfies the wire contract the integrity service parses.
    for (const m of messages) expect(rawTelemetryV1.safeParse(m.payload).success).toBe(true);
  });

  it('prefixes the subject with the topology prefix and carries the actor of an HTTP request', () => {
    const { messages } = buildRawBatches([{ assetId: 'P-101', payload: reading('P-101', 1) }], {
      channel: 'http',
      receivedAt: RECEIVED_AT,
      topology: topology('run-7'),
      actor: 'user:alice',
      newId: counter(),
    });
    expect(messages).toHaveLength(1);
    expect(messages[0]!.subject).toBe('run-7.telemetry.raw.P-101');
    expect(messages[0]!.payload).toMatchObject({ channel: 'http', actor: 'user:alice' });
    expect(messages[0]!.payload).not.toHaveProperty('topic');
  });

  it('encodes NaN and ±Infinity metrics as their wire strings and keeps a parse error with its item', () => {
    const { messages } = buildRawBatches(
      [
        { assetId: 'P-101', payload: reading('P-101', 1, { temperatureC: Number.NaN, pressurePsi: Infinity, vibrationMmS: -Infinity, flowLpm: 3 }) },
        { assetId: 'P-101', payload: { unparsed: '{oops' }, parseError: 'payload is not JSON: oops' },
      ],
      { ...context, newId: counter() },
    );
    const items = (messages[0]!.payload as RawTelemetry).items;
    expect(items[0]!.payload).toEqual(reading('P-101', 1, { temperatureC: 'NaN', pressurePsi: 'Infinity', vibrationMmS: '-Infinity', flowLpm: 3 } as unknown as Record<string, number>));
    expect(items[1]).toEqual({ readingId: 'id-2', receivedAt: RECEIVED_AT, payload: { unparsed: '{oops' }, parseError: 'payload is not JSON: oops' });
    // The encoded payload survives JSON, which a raw NaN would not.
    expect(JSON.parse(JSON.stringify(items[0]!.payload))).toEqual(items[0]!.payload);
  });

  it('gives fresh random ids when no id source is given', () => {
    const { messages, readingIds } = buildRawBatches(
      [
        { assetId: 'P-101', payload: reading('P-101', 1) },
        { assetId: 'P-101', payload: reading('P-101', 2) },
      ],
      context,
    );
    const eventId = (messages[0]!.payload as RawTelemetry).eventId;
    expect(new Set([...readingIds, eventId]).size).toBe(3);
    expect(messages[0]!.msgId).toBe(eventId);
  });

  it('builds no message for no readings', () => {
    expect(buildRawBatches([], { ...context, newId: counter() })).toEqual({ messages: [], readingIds: [] });
  });
});

describe('encodeNonFinite', () => {
  it('returns a payload without non-finite metrics unchanged (the same object)', () => {
    const payload = reading('P-101', 1, { temperatureC: 45, pressurePsi: 1100 });
    expect(encodeNonFinite(payload)).toBe(payload);
  });

  it.each([[null], ['text'], [42], [[{ metrics: { temperatureC: Number.NaN } }]], [{ metrics: [Number.NaN] }], [{ metrics: 'NaN' }]])(
    'leaves %p as it is (integrity judges its shape)',
    (payload) => {
      expect(encodeNonFinite(payload)).toBe(payload);
    },
  );

  it('does not mutate the input', () => {
    const payload = { metrics: { temperatureC: Infinity } };
    expect(encodeNonFinite(payload)).toEqual({ metrics: { temperatureC: 'Infinity' } });
    expect(payload.metrics.temperatureC).toBe(Infinity);
  });
});

describe('parseTelemetryTopic', () => {
  const rule = 'topic must be twinline/<site>/<assetId>/telemetry';

  it('accepts <root>/<site>/<assetId>/telemetry', () => {
    expect(parseTelemetryTopic('twinline/site/P-101/telemetry', 'twinline')).toEqual({ site: 'site', assetId: 'P-101' });
  });

  it.each([
    ['wrong root', 'other/site/P-101/telemetry'],
    ['too shallow', 'twinline/P-101/telemetry'],
    ['too deep', 'twinline/site/area/P-101/telemetry'],
    ['trailing slash', 'twinline/site/P-101/telemetry/'],
    ['wrong leaf', 'twinline/site/P-101/status'],
  ])('rejects a topic with a %s', (_what, topic) => {
    expect(parseTelemetryTopic(topic, 'twinline')).toEqual({ error: rule });
  });

  it.each([
    ['P 101', 'a space'],
    ['-P101', 'a leading dash'],
    ['P.101', 'a dot (a NATS subject token separator)'],
    ['', 'nothing'],
    ['P'.repeat(65), '65 characters'],
  ])('rejects the asset id "%s" (%s), naming it', (assetId) => {
    expect(parseTelemetryTopic(`twinline/site/${assetId}/telemetry`, 'twinline')).toEqual({ error: `assetId "${assetId}" in the topic is not a valid id` });
  });

  it('cuts a very long asset id to 80 characters in the error', () => {
    const result = parseTelemetryTopic(`twinline/site/${'x'.repeat(500)}/telemetry`, 'twinline');
    expect(result).toEqual({ error: `assetId "${'x'.repeat(80)}" in the topic is not a valid id` });
  });
});

describe('readingsFromMqttPayload', () => {
  const limits = (maxReadings: number, maxPayloadBytes = 1024 * 1024) => ({ maxReadings, maxPayloadBytes });
  const one = reading('P-101', 1);
  const two = reading('P-101', 2);

  it('takes a single reading', () => {
    expect(readingsFromMqttPayload(JSON.stringify(one), 'P-101', limits(10))).toEqual([{ assetId: 'P-101', payload: one }]);
  });

  it('takes an array of readings, in order', () => {
    expect(readingsFromMqttPayload(JSON.stringify([one, two]), 'P-101', limits(10))).toEqual([
      { assetId: 'P-101', payload: one },
      { assetId: 'P-101', payload: two },
    ]);
  });

  it('takes { readings: [...] }', () => {
    expect(readingsFromMqttPayload(JSON.stringify({ readings: [one, two] }), 'P-101', limits(10))).toEqual([
      { assetId: 'P-101', payload: one },
      { assetId: 'P-101', payload: two },
    ]);
  });

  it('assigns readings to the topic asset, whatever their payload says (integrity compares the two)', () => {
    const other = reading('P-999', 1);
    expect(readingsFromMqttPayload(JSON.stringify(other), 'P-101', limits(10))).toEqual([{ assetId: 'P-101', payload: other }]);
  });

  it('keeps invalid JSON as one unparsed item with the parse error', () => {
    const result = readingsFromMqttPayload('{"seq": 1,', 'P-101', limits(10));
    expect(result).toHaveLength(1);
    expect(result[0]).toMatchObject({ assetId: 'P-101', payload: { unparsed: '{"seq": 1,' } });
    expect(result[0]!.parseError).toMatch(/^payload is not JSON: /);
  });

  it('cuts the unparsed text of a huge invalid payload to 64 KiB', () => {
    const text = `{${'x'.repeat(100_000)}`;
    const [item] = readingsFromMqttPayload(text, 'P-101', limits(10));
    expect((item!.payload as { unparsed: string }).unparsed).toBe(text.slice(0, 65_536));
  });

  it.each([['[]'], ['{"readings": []}']])('reports %s as holding no reading', (text) => {
    expect(readingsFromMqttPayload(text, 'P-101', limits(10))).toEqual([{ assetId: 'P-101', payload: JSON.parse(text), parseError: 'payload holds no reading (empty array)' }]);
  });

  it('rejects more readings than the limit as one unparsed item, and accepts exactly the limit', () => {
    const text = JSON.stringify([one, two, reading('P-101', 3)]);
    expect(readingsFromMqttPayload(text, 'P-101', limits(2))).toEqual([{ assetId: 'P-101', payload: { unparsed: text }, parseError: 'payload holds 3 readings, more than 2' }]);
    expect(readingsFromMqttPayload(text, 'P-101', limits(3))).toHaveLength(3);
  });
});

describe('readingsFromMqttPayload with hostile payloads', () => {
  const limits = { maxReadings: 100, maxPayloadBytes: 64 * 1024 };
  const good = reading('P-101', 1);
  const single = (payload: string | Uint8Array) => {
    const result = readingsFromMqttPayload(payload, 'P-101', limits);
    expect(result).toHaveLength(1);
    return result[0]!;
  };

  it('keeps a payload over the size limit as one item with a 64 KiB excerpt, naming its size and the limit', () => {
    const text = JSON.stringify([good, { ...good, seq: 2, note: 'x'.repeat(200_000) }]);
    const item = single(Buffer.from(text));
    expect(item.parseError).toBe(`payload of ${Buffer.byteLength(text)} bytes exceeds the limit of 65536 bytes`);
    expect((item.payload as { unparsed: string }).unparsed).toBe(text.slice(0, EXCERPT_CHARS));
  });

  it('reads a payload of exactly the limit, and refuses one byte more', () => {
    const text = JSON.stringify({ ...good, note: '' });
    const padded = text.replace('"note":""', `"note":"${'x'.repeat(limits.maxPayloadBytes - Buffer.byteLength(text))}"`);
    expect(Buffer.byteLength(padded)).toBe(limits.maxPayloadBytes);
    expect(single(padded)).toEqual({ assetId: 'P-101', payload: JSON.parse(padded) });
    expect(single(`${padded} `).parseError).toBe(`payload of ${limits.maxPayloadBytes + 1} bytes exceeds the limit of ${limits.maxPayloadBytes} bytes`);
  });

  it('keeps a payload that is not UTF-8 as one item, the bad bytes shown as U+FFFD', () => {
    const bytes = Buffer.concat([Buffer.from('{"deviceId":"P-101-edge'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const item = single(bytes);
    expect(item.parseError).toBe('payload is not valid UTF-8 text');
    expect(item.payload).toEqual({ unparsed: '{"deviceId":"P-101-edge\uFFFD\uFFFD"}' });
  });

  it('keeps binary garbage as one item with the JSON parse error, storable', () => {
    const item = single(Buffer.from([0x00, 0x01, 0x7b, 0x22, 0x00]));
    expect(item.parseError).toMatch(/^payload is not JSON: /);
    expect(payloadProblem(item.payload)).toBeNull();
    expect(item.parseError).not.toContain('\u0000');
  });

  it.each([
    ['arrays', `${'['.repeat(10_000)}${']'.repeat(10_000)}`],
    ['objects', `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`],
    ['a field of a reading', JSON.stringify(good).replace('"seq":1', `"seq":${'['.repeat(50_000)}${']'.repeat(50_000)}`)],
  ])('keeps a payload nesting 10 000+ deep (%s) as an excerpt, and the batch can be encoded', (_what, text) => {
    const [item, ...more] = readingsFromMqttPayload(text, 'P-101', { maxReadings: 100, maxPayloadBytes: 1024 * 1024 });
    expect(more).toEqual([]);
    expect(item!.parseError).toMatch(new RegExp(`^reading nests deeper than ${MAX_NESTING} levels`));
    expect((item!.payload as { unparsed: string }).unparsed.length).toBeLessThanOrEqual(EXCERPT_CHARS);
    const { messages } = buildRawBatches([item!], { channel: 'mqtt', receivedAt: RECEIVED_AT, topology: topology('') });
    expect(() => JSON.stringify(messages)).not.toThrow();
  });

  it('keeps a reading holding NUL or an unpaired surrogate as an excerpt naming the field (Postgres cannot store them)', () => {
    const [nul, surrogate, fine] = readingsFromMqttPayload(
      JSON.stringify([{ ...good, deviceId: 'P\u0000' }, { ...good, metrics: { '\uD800x': 1 } }, { ...good, deviceId: 'P-101-édge-😀-\u202E' }]),
      'P-101',
      limits,
    );
    expect(nul!.parseError).toBe('deviceId must not hold U+0000 (NUL) or an unpaired UTF-16 surrogate');
    // The excerpt is JSON text: the NUL is written as the escape \u0000, which is storable.
    expect((nul!.payload as { unparsed: string }).unparsed).toContain('"deviceId":"P\\u0000"');
    expect(surrogate!.parseError).toBe('metrics.\uFFFDx must not hold U+0000 (NUL) or an unpaired UTF-16 surrogate');
    // Emoji and bidi controls are storable: integrity judges the id (rule schema).
    expect(fine).toEqual({ assetId: 'P-101', payload: { ...good, deviceId: 'P-101-édge-😀-\u202E' } });
  });

  it('keeps an oversized reading inside an acceptable payload as an excerpt, and the others as they are', () => {
    const big = { ...good, seq: 2, note: 'y'.repeat(100_000) };
    const result = readingsFromMqttPayload(JSON.stringify([good, big]), 'P-101', { maxReadings: 10, maxPayloadBytes: 1024 * 1024 });
    expect(result[0]).toEqual({ assetId: 'P-101', payload: good });
    expect(result[1]!.parseError).toBe(`reading of ${Buffer.byteLength(JSON.stringify(big))} bytes exceeds the limit of ${MAX_ITEM_BYTES} bytes`);
    expect((result[1]!.payload as { unparsed: string }).unparsed).toBe(JSON.stringify(big).slice(0, EXCERPT_CHARS));
  });

  it('keeps "__proto__" and "constructor" keys as plain data, polluting nothing', () => {
    const text = `{"deviceId":"d","metrics":{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"t":1e400}}`;
    const [item] = readingsFromMqttPayload(text, 'P-101', limits);
    const { messages } = buildRawBatches([item!], { channel: 'mqtt', receivedAt: RECEIVED_AT, topology: topology('') });
    const payload = (messages[0]!.payload as RawTelemetry).items[0]!.payload as { metrics: Record<string, unknown> };
    expect(Object.keys(payload.metrics)).toEqual(['__proto__', 'constructor', 't']);
    expect(payload.metrics.t).toBe('Infinity');
    expect(Object.getPrototypeOf(payload.metrics)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.parse(JSON.stringify(payload)).metrics).toEqual({ ['__proto__']: { polluted: 1 }, constructor: { prototype: { polluted: 1 } }, t: 'Infinity' });
  });
});

describe('buildRawBatches message size', () => {
  it("cuts an asset's readings into messages under maxMessageBytes, in order, every reading once", () => {
    const received: Received[] = Array.from({ length: 300 }, (_, i) => ({ assetId: 'P-101', payload: reading('P-101', i + 1, { temperatureC: i, pressurePsi: 1000 + i }) }));
    const { messages, readingIds } = buildRawBatches(received, { channel: 'http', receivedAt: RECEIVED_AT, topology: topology(''), newId: counter(), maxMessageBytes: 8 * 1024 });
    expect(messages.length).toBeGreaterThan(5);
    for (const m of messages) expect(Buffer.byteLength(JSON.stringify(m.payload))).toBeLessThan(8 * 1024 + 1024);
    expect(messages.flatMap((m) => (m.payload as RawTelemetry).items.map((i) => i.readingId))).toEqual(readingIds);
    expect(new Set(messages.map((m) => m.msgId)).size).toBe(messages.length);
  });

  it('keeps a whole HTTP batch of 10 000 readings of one asset under the default, which fits NATS max_payload (1 MiB)', () => {
    const received: Received[] = Array.from({ length: 10_000 }, (_, i) => ({ assetId: 'P-101', payload: { ...reading('P-101', 1, { temperatureC: 40.123456, pressurePsi: 1100.5, vibrationMmS: 3.25 }), seq: i } }));
    const { messages } = buildRawBatches(received, { channel: 'http', receivedAt: RECEIVED_AT, topology: topology('') });
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) expect(Buffer.byteLength(JSON.stringify(m.payload))).toBeLessThanOrEqual(MAX_MESSAGE_BYTES + 1024);
  });
});

describe('MQTT payload parsing (properties)', () => {
  const limits = { maxReadings: 20, maxPayloadBytes: 16 * 1024 };
  /** What the payload should become: its readings, or one item for a payload that holds none. */
  function expectedCount(bytes: Uint8Array): number {
    if (bytes.byteLength > limits.maxPayloadBytes) return 1;
    try {
      const parsed: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
      const list = Array.isArray(parsed) ? parsed : Array.isArray((parsed as { readings?: unknown } | null)?.readings) ? (parsed as { readings: unknown[] }).readings : [parsed];
      return list.length >= 1 && list.length <= limits.maxReadings ? list.length : 1;
    } catch {
      return 1;
    }
  }

  const hostileJson = fc.oneof(
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
    fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 30 }).map((v) => JSON.stringify(v)),
    fc.record({ readings: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }) }).map((v) => JSON.stringify(v)),
    fc.tuple(fc.jsonValue().map((v) => JSON.stringify(v)), fc.nat()).map(([text, n]) => text.slice(0, n % (text.length + 1))),
    fc.nat({ max: 20_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.string({ unit: 'binary', maxLength: 50 }).map((s) => JSON.stringify({ deviceId: s, assetId: s, seq: 1, ts: s, metrics: { [s]: 1 } })),
    fc.constantFrom('1e400', '-1e400', '[1e400,-0,1e308]', '{"metrics":{"a":1e400}}', '{"__proto__":{"x":1}}', '"\\u0000"', '["\\ud800"]', '{"\\udc00":1}', '', ' ', 'null'),
  );
  const payloads = fc.oneof(hostileJson.map((text) => Buffer.from(text, 'utf8') as Uint8Array), fc.uint8Array({ maxLength: 300 }), fc.nat({ max: 40_000 }).map((n) => new Uint8Array(n).fill(0x5b)));

  it('never throws, yields one item per reading or one item for a payload holding none, and every item can travel and be stored', () => {
    fc.assert(
      fc.property(payloads, (bytes) => {
        const received = readingsFromMqttPayload(bytes, 'P-101', limits);
        expect(received).toHaveLength(expectedCount(bytes));
        for (const r of received) {
          expect(r.assetId).toBe('P-101');
          expect(payloadProblem(r.payload)).toBeNull();
          if (r.parseError !== undefined) expect(storableText(r.parseError)).toBe(r.parseError);
        }
        const { messages, readingIds } = buildRawBatches(received, { channel: 'mqtt', receivedAt: RECEIVED_AT, topology: topology(''), topic: 'twinline/site/P-101/telemetry' });
        expect(readingIds).toHaveLength(received.length);
        for (const m of messages) {
          expect(rawTelemetryV1.safeParse(m.payload).success).toBe(true);
          expect(Buffer.byteLength(JSON.stringify(m.payload))).toBeLessThanOrEqual(MAX_MESSAGE_BYTES + MAX_ITEM_BYTES);
        }
      }),
      { numRuns: 300, seed: 3 },
    );
  });

  it('never lets a prototype be replaced', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom('__proto__', 'constructor', 'prototype'), (value, key) => {
        const text = `{"deviceId":"d","metrics":{"${key}":${JSON.stringify(value) ?? 'null'},"t":1e400},"${key}":${JSON.stringify(value) ?? 'null'}}`;
        const [item] = readingsFromMqttPayload(text, 'P-101', limits);
        const encoded = encodeNonFinite(item!.payload) as { metrics: object };
        expect(Object.getPrototypeOf(encoded)).toBe(Object.prototype);
        expect(Object.getPrototypeOf(encoded.metrics)).toBe(Object.prototype);
        expect(Object.keys(encoded.metrics)).toEqual([key, 't']);
        expect(({} as Record<string, unknown>)[key === 'prototype' ? 'x' : 'polluted']).toBeUndefined();
      }),
      { numRuns: 100, seed: 3 },
    );
  });
});

describe('jsonExcerpt', () => {
  it('writes what JSON.stringify writes, cut to the maximum', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 1, max: 500 }), (value, max) => {
        const json = JSON.stringify(value);
        expect(jsonExcerpt(value, 1_000_000)).toBe(json);
        expect(jsonExcerpt(value, max)).toBe(json.slice(0, max));
      }),
      { numRuns: 200, seed: 3 },
    );
  });

  it('writes the start of a value nested 100 000 deep without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(jsonExcerpt(deep, 10)).toBe('['.repeat(10));
  });
});
