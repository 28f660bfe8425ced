import { rawTelemetryV1, topology, type RawTelemetry } from '@twinline/contracts';
import { buildRawBatches, encodeNonFinite, parseTelemetryTopic, readingsFromMqttPayload, type Received } from './raw-batch';

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
  const one = reading('P-101', 1);
  const two = reading('P-101', 2);

  it('takes a single reading', () => {
    expect(readingsFromMqttPayload(JSON.stringify(one), 'P-101', 10)).toEqual([{ assetId: 'P-101', payload: one }]);
  });

  it('takes an array of readings, in order', () => {
    expect(readingsFromMqttPayload(JSON.stringify([one, two]), 'P-101', 10)).toEqual([
      { assetId: 'P-101', payload: one },
      { assetId: 'P-101', payload: two },
    ]);
  });

  it('takes { readings: [...] }', () => {
    expect(readingsFromMqttPayload(JSON.stringify({ readings: [one, two] }), 'P-101', 10)).toEqual([
      { assetId: 'P-101', payload: one },
      { assetId: 'P-101', payload: two },
    ]);
  });

  it('assigns readings to the topic asset, whatever their payload says (integrity compares the two)', () => {
    const other = reading('P-999', 1);
    expect(readingsFromMqttPayload(JSON.stringify(other), 'P-101', 10)).toEqual([{ assetId: 'P-101', payload: other }]);
  });

  it('keeps invalid JSON as one unparsed item with the parse error', () => {
    const result = readingsFromMqttPayload('{"seq": 1,', 'P-101', 10);
    expect(result).toHaveLength(1);
    expect(result[0]).toMatchObject({ assetId: 'P-101', payload: { unparsed: '{"seq": 1,' } });
    expect(result[0]!.parseError).toMatch(/^payload is not JSON: /);
  });

  it('cuts the unparsed text of a huge invalid payload to 64 KiB', () => {
    const text = `{${'x'.repeat(100_000)}`;
    const [item] = readingsFromMqttPayload(text, 'P-101', 10);
    expect((item!.payload as { unparsed: string }).unparsed).toBe(text.slice(0, 65_536));
  });

  it.each([['[]'], ['{"readings": []}']])('reports %s as holding no reading', (text) => {
    expect(readingsFromMqttPayload(text, 'P-101', 10)).toEqual([{ assetId: 'P-101', payload: JSON.parse(text), parseError: 'payload holds no reading (empty array)' }]);
  });

  it('rejects more readings than the limit as one unparsed item, and accepts exactly the limit', () => {
    const text = JSON.stringify([one, two, reading('P-101', 3)]);
    expect(readingsFromMqttPayload(text, 'P-101', 2)).toEqual([{ assetId: 'P-101', payload: { unparsed: text }, parseError: 'payload holds 3 readings, more than 2' }]);
    expect(readingsFromMqttPayload(text, 'P-101', 3)).toHaveLength(3);
  });
});
