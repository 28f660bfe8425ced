import { topology } from '@twinline/contracts';
import { uniqueName, waitFor } from '@twinline/testing';
import { deleteStreams } from './provisioning';
import { Messaging } from './messaging';
import { PermanentError } from './errors';
import { decodeJson } from './json';
import type { RunningConsumer } from './consumer';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

describe('Messaging on a real JetStream', () => {
  const t = topology(uniqueName('msg'));
  let bus: Messaging;
  const running: RunningConsumer[] = [];

  beforeAll(async () => {
    bus = await Messaging.connect({ url: NATS_URL, name: 'messaging-int', topology: t });
  });
  afterEach(async () => {
    for (const c of running.splice(0)) await c.stop();
  });
  afterAll(async () => {
    await deleteStreams(bus.jsm, t);
    await bus.close();
  });

  async function deadLetters(): Promise<Array<{ error: string; body: unknown }>> {
    const info = await bus.jsm.streams.info(t.streams.deadletter);
    const out = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const m = await bus.jsm.streams.getMessage(t.streams.deadletter, { seq });
      out.push({ error: m.header.get('Twinline-Error'), body: decodeJson(m.data) });
    }
    return out;
  }

  it('delivers batches in stream order per asset and drops duplicate msgIds', async () => {
    const messages = Array.from({ length: 300 }, (_, i) => ({ subject: t.rawTelemetry(`A${i % 3}`), payload: { n: i }, msgId: `order-${i}` }));
    await bus.publishMany(messages);
    await bus.publishMany(messages.slice(0, 50)); // same msgIds: deduplicated by JetStream
    const seen: Record<string, number[]> = {};
    let largestBatch = 0;
    running.push(
      await bus.consume<{ n: number }>({
        stream: t.streams.telemetry,
        durable: 'order__TELEMETRY',
        filterSubject: t.filters.rawTelemetry,
        deadletterSubject: t.deadletter('order'),
        parse: (body) => body as { n: number },
        handle: async (batch) => {
          largestBatch = Math.max(largestBatch, batch.length);
          for (const d of batch) (seen[d.subject] ??= []).push(d.data.n);
        },
      }),
    );
    await waitFor(() => Object.values(seen).flat().length === 300, { what: '300 messages' });
    for (const [subject, ns] of Object.entries(seen)) {
      expect(ns).toEqual([...ns].sort((a, b) => a - b));
      expect(new Set(ns).size).toBe(100);
      expect(subject).toMatch(/telemetry\.raw\.A[012]$/);
    }
    expect(largestBatch).toBeGreaterThan(1);
  });

  it('dead-letters an unparseable message and a message that keeps failing, and handles the rest', async () => {
    await bus.publishMany([
      { subject: t.validatedTelemetry('B1'), payload: { ok: true, n: 1 }, msgId: 'dl-1' },
      { subject: t.validatedTelemetry('B1'), payload: { ok: false, n: 2 }, msgId: 'dl-2' },
      { subject: t.validatedTelemetry('B1'), payload: { poison: true, n: 3 }, msgId: 'dl-3' },
      { subject: t.validatedTelemetry('B1'), payload: { ok: true, n: 4 }, msgId: 'dl-4' },
    ]);
    const handled: number[] = [];
    running.push(
      await bus.consume<{ ok: boolean; n: number }>({
        stream: t.streams.telemetry,
        durable: 'dl__TELEMETRY',
        filterSubject: t.filters.validatedTelemetry,
        deadletterSubject: t.deadletter('dl'),
        attempts: 2,
        parse: (body) => {
          const b = body as { ok?: boolean; n: number };
          if (b.ok === undefined) throw new PermanentError('field ok is required');
          return { ok: b.ok, n: b.n };
        },
        handle: async (batch) => {
          if (batch.some((d) => !d.data.ok)) throw new Error(`cannot handle n=${batch.find((d) => !d.data.ok)!.data.n}`);
          handled.push(...batch.map((d) => d.data.n));
        },
      }),
    );
    const letters = await waitFor(deadLetters, { accept: (l) => l.length === 2, what: 'two dead letters' });
    await waitFor(() => handled.length === 2, { what: 'two handled' });
    expect(handled.sort()).toEqual([1, 4]);
    expect(letters.map((l) => l.error).sort()).toEqual(['cannot handle n=2', 'field ok is required']);
    expect(letters.map((l) => (l.body as { n: number }).n).sort()).toEqual([2, 3]);
  });

  it('retries a transient failure in place until it succeeds, losing nothing', async () => {
    await bus.publish({ subject: t.quarantinedTelemetry('C1'), payload: { n: 1 }, msgId: 'tr-1' });
    let calls = 0;
    const handled: number[] = [];
    running.push(
      await bus.consume<{ n: number }>({
        stream: t.streams.telemetry,
        durable: 'tr__TELEMETRY',
        filterSubject: t.filters.quarantinedTelemetry,
        deadletterSubject: t.deadletter('tr'),
        attempts: 1,
        parse: (body) => body as { n: number },
        handle: async (batch) => {
          calls++;
          if (calls < 4) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
          handled.push(...batch.map((d) => d.data.n));
        },
      }),
    );
    await waitFor(() => handled.length === 1, { what: 'handled after transient failures' });
    expect(calls).toBe(4);
  });
});

describe('Consumer restart after a crash', () => {
  const t = topology(uniqueName('rewind'));
  let bus: Messaging;
  beforeAll(async () => {
    bus = await Messaging.connect({ url: NATS_URL, name: 'messaging-rewind', topology: t });
  });
  afterAll(async () => {
    await deleteStreams(bus.jsm, t);
    await bus.close();
  });

  it('redelivers what a crashed process pulled but never acknowledged before anything newer', async () => {
    const subject = t.rawTelemetry('R1');
    await bus.publishMany(Array.from({ length: 5 }, (_, i) => ({ subject, payload: { n: i + 1 }, msgId: `rw-${i + 1}` })));
    // A process pulls messages 1..5, acknowledges 1 and 2, then dies (its connection closes).
    const crashed = await Messaging.connect({ url: NATS_URL, name: 'crashed', topology: t });
    let release = () => undefined as void;
    const first = await crashed.consume<{ n: number }>({
      stream: t.streams.telemetry,
      durable: 'rw__TELEMETRY',
      filterSubject: t.filters.rawTelemetry,
      deadletterSubject: t.deadletter('rw'),
      lingerMs: 0,
      maxBatch: 1,
      parse: (body) => body as { n: number },
      handle: async (batch) => {
        if (batch[0]!.data.n > 2) await new Promise<void>((r) => (release = r)); // stuck until the crash: never acknowledged
      },
    });
    await waitFor(async () => (await bus.jsm.consumers.info(t.streams.telemetry, 'rw__TELEMETRY')).ack_floor.stream_seq === 2, { what: 'ack floor at 2' });
    await crashed.nc.close();
    release();
    await first.stop();
    await bus.publishMany([6, 7].map((n) => ({ subject, payload: { n }, msgId: `rw-${n}` })));

    const seen: number[] = [];
    const restarted = await bus.consume<{ n: number }>({
      stream: t.streams.telemetry,
      durable: 'rw__TELEMETRY',
      filterSubject: t.filters.rawTelemetry,
      deadletterSubject: t.deadletter('rw'),
      parse: (body) => body as { n: number },
      handle: async (batch) => void seen.push(...batch.map((d) => d.data.n)),
    });
    await waitFor(() => seen.length >= 5, { what: 'messages 3..7' });
    expect(seen).toEqual([3, 4, 5, 6, 7]);
    await restarted.stop();
  });
});
