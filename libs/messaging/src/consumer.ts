import { AckPolicy, DeliverPolicy, nanos, type ConsumerMessages, type JetStreamClient, type JetStreamManager, type JsMsg, type MsgHdrs } from 'nats';
import { SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import { consumerMetrics } from './consumer-metrics';
import { decodeJson } from './json';
import { isPermanent, isTransient } from './errors';
import { extractTraceContext, newHeaders } from './trace-headers';

/** One message handed to a batch handler. */
export interface Delivery<T> {
  readonly data: T;
  readonly subject: string;
  readonly streamSeq: number;
  /** 1 on first delivery. */
  readonly deliveryCount: number;
  readonly headers: MsgHdrs | undefined;
  readonly traceContext: Context;
}

export interface ConsumeOptions<T> {
  readonly stream: string;
  /** Durable consumer name: `<consumer-app>__<STREAM>`. */
  readonly durable: string;
  /** One subject filter (nats-server 2.9 takes one per consumer; use one consumer per filter). */
  readonly filterSubject: string;
  /** Parses and validates a message body; a throw dead-letters the message (it can never succeed). */
  readonly parse: (body: unknown, subject: string) => T;
  /** Handles a batch, in stream order. Resolving acks every message of the batch. */
  readonly handle: (batch: readonly Delivery<T>[]) => Promise<void>;
  /** Subject for dead letters of this consumer. */
  readonly deadletterSubject: string;
  readonly maxBatch?: number;
  /**
   * How long a partial batch may wait for more messages (ms). A few ms of latency buy much larger
   * batches under load, and batches are what make the per-message cost small. 0 = never wait.
   */
  readonly lingerMs?: number;
  /** Server-side redelivery bound (crash loops); the message is dead-lettered before the last one. */
  readonly maxDeliver?: number;
  /** In-place attempts of a failing (non-transient) batch or message before it is isolated / dead-lettered. */
  readonly attempts?: number;
  readonly ackWaitMs?: number;
  readonly maxAckPending?: number;
  readonly onError?: (error: unknown, info: { durable: string; action: string; subject?: string }) => void;
  /** The asset a subject belongs to, recorded on each message's span. */
  readonly assetIdOf?: (subject: string) => string | undefined;
}

export interface RunningConsumer {
  readonly durable: string;
  stop(): Promise<void>;
  /** Messages handled (acked) and dead-lettered so far. */
  stats(): { handled: number; deadLettered: number; batches: number; redelivered: number };
}

interface Queued {
  msg: JsMsg;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Creates the durable, explicit-ack pull consumer, or rewinds it. JetStream redelivers a message
 * that a crashed process had pulled but not acknowledged only after ack_wait, and meanwhile hands
 * newer messages to the new process: one asset's readings would be handled out of order. So on
 * start, when the durable has messages delivered but not acknowledged, it is recreated to start at
 * its ack floor + 1, and everything after the floor comes again in stream order (handlers are
 * idempotent, so what was already handled is a no-op). This assumes one active process per durable
 * (per subject partition), which is how Twinline scales out (docs/adr/0004).
 */
export async function ensureConsumer(
  jsm: JetStreamManager,
  options: Pick<ConsumeOptions<unknown>, 'stream' | 'durable' | 'filterSubject' | 'maxDeliver' | 'ackWaitMs' | 'maxAckPending'>,
): Promise<{ rewoundTo: number | null }> {
  const config = {
    durable_name: options.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: options.filterSubject,
    max_deliver: options.maxDeliver ?? 20,
    ack_wait: nanos(options.ackWaitMs ?? 30_000),
    max_ack_pending: options.maxAckPending ?? 20_000,
  };
  let info;
  try {
    info = await jsm.consumers.info(options.stream, options.durable);
  } catch (error) {
    if (!String((error as Error).message).includes('not found')) throw error;
    await jsm.consumers.add(options.stream, config);
    return { rewoundTo: null };
  }
  if (info.delivered.stream_seq > info.ack_floor.stream_seq) {
    const from = info.ack_floor.stream_seq + 1;
    await jsm.consumers.delete(options.stream, options.durable);
    await jsm.consumers.add(options.stream, { ...config, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from });
    return { rewoundTo: from };
  }
  return { rewoundTo: null };
}

/**
 * The consume loop. Messages are pulled by JetStream's consume() into a local queue; one loop drains
 * the queue in batches (up to maxBatch, as many as are waiting: 1 at low load, large at high load)
 * and hands each batch to the handler in stream order. One loop per consumer means one asset's
 * messages are never processed concurrently. Nothing escapes the loop:
 * - success acks the batch;
 * - a transient error retries the same batch in place (order kept) while telling JetStream it is working;
 * - another error retries the batch `attempts` times, then each message alone; a message that still
 *   fails, or that cannot be parsed, goes to the dead-letter subject with its error and is terminated.
 */
export async function startConsumer<T>(js: JetStreamClient, jsm: JetStreamManager, options: ConsumeOptions<T>): Promise<RunningConsumer> {
  const { rewoundTo } = await ensureConsumer(jsm, options);
  if (rewoundTo !== null) (options.onError ?? (() => undefined))(new Error(`unacknowledged messages from a previous run: redelivering from stream sequence ${rewoundTo} in order`), { durable: options.durable, action: 'rewound' });
  const maxBatch = options.maxBatch ?? 500;
  const attempts = options.attempts ?? 3;
  const maxDeliver = options.maxDeliver ?? 20;
  const onError = options.onError ?? (() => undefined);
  const consumer = await js.consumers.get(options.stream, options.durable);
  const lingerMs = options.lingerMs ?? 5;
  const queue: Queued[] = [];
  let firstQueuedAt = 0;
  let wake: (() => void) | null = null;
  let stopped = false;
  const stats = { handled: 0, deadLettered: 0, batches: 0, redelivered: 0 };
  const meter = consumerMetrics(jsm, options.stream, options.durable);

  const messages: ConsumerMessages = await consumer.consume({
    max_messages: Math.max(maxBatch * 2, 100),
    callback: (msg) => {
      if (queue.length === 0) firstQueuedAt = performance.now();
      queue.push({ msg });
      wake?.();
    },
  });

  const service = options.durable.split('__')[0] ?? options.durable;
  const spans = new Map<number, Span>();
  const endSpan = (seq: number, error?: unknown) => {
    const span = spans.get(seq);
    if (!span) return;
    spans.delete(seq);
    if (error !== undefined) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: String((error as Error)?.message ?? error) });
    }
    span.end();
  };

  const deadLetter = async (msg: JsMsg, error: unknown) => {
    const h = newHeaders();
    h.set('Twinline-Error', String((error as Error)?.message ?? error).slice(0, 1000).replace(/[\r\n]+/g, ' '));
    h.set('Twinline-Consumer', options.durable);
    h.set('Twinline-Original-Subject', msg.subject);
    h.set('Twinline-Original-Stream', options.stream);
    h.set('Twinline-Original-Seq', String(msg.seq));
    h.set('Twinline-Delivery-Count', String(msg.info.redeliveryCount));
    await js.publish(options.deadletterSubject, msg.data, { headers: h, msgID: `${options.stream}:${msg.seq}:${options.durable}` });
    msg.term(String((error as Error)?.message ?? error).slice(0, 200));
    endSpan(msg.seq, error);
    stats.deadLettered++;
    meter.deadLettered();
    onError(error, { durable: options.durable, action: 'dead-lettered', subject: msg.subject });
  };

  const toDeliveries = async (msgs: JsMsg[]): Promise<Array<Delivery<T>>> => {
    const out: Array<Delivery<T>> = [];
    for (const msg of msgs) {
      try {
        if (msg.info.redeliveryCount >= maxDeliver) {
          await deadLetter(msg, new Error(`delivered ${msg.info.redeliveryCount} times without success (max_deliver ${maxDeliver})`));
          continue;
        }
        if (msg.info.redeliveryCount > 1) {
          stats.redelivered++;
          meter.redelivered();
        }
        // One CONSUMER span per message, child of the publisher's trace context from the headers.
        const parent = extractTraceContext(msg.headers);
        const span = trace.getTracer('twinline').startSpan(
          `${options.durable} process`,
          {
            kind: SpanKind.CONSUMER,
            attributes: {
              'twinline.service': service,
              'messaging.system': 'nats',
              'messaging.operation': 'process',
              'messaging.destination.name': msg.subject,
              'messaging.consumer.group.name': options.durable,
              'messaging.message.delivery_count': msg.info.redeliveryCount,
              'twinline.stream_seq': msg.seq,
              'twinline.asset_id': options.assetIdOf?.(msg.subject) ?? '',
            },
          },
          parent,
        );
        spans.set(msg.seq, span);
        out.push({
          data: options.parse(decodeJson(msg.data), msg.subject),
          subject: msg.subject,
          streamSeq: msg.seq,
          deliveryCount: msg.info.redeliveryCount,
          headers: msg.headers,
          traceContext: trace.setSpan(parent, span),
        });
      } catch (error) {
        await deadLetter(msg, error);
      }
    }
    return out;
  };

  /** Runs the handler until it succeeds, a transient error aside; returns the last error or null. */
  const attempt = async (batch: Array<Delivery<T>>, msgs: JsMsg[]): Promise<unknown> => {
    let failures = 0;
    let delay = 100;
    for (;;) {
      try {
        await options.handle(batch);
        return null;
      } catch (error) {
        if (isPermanent(error)) return error;
        if (!isTransient(error)) failures++;
        onError(error, { durable: options.durable, action: failures ? `retry ${failures}/${attempts}` : 'retry (transient)' });
        if (failures >= attempts || stopped) return error;
        for (const m of msgs) m.working();
        await sleep(delay);
        delay = Math.min(delay * 2, 5_000);
      }
    }
  };

  const processBatch = async (msgs: JsMsg[]) => {
    const deliveries = await toDeliveries(msgs);
    if (deliveries.length === 0) return;
    const live = msgs.filter((m) => deliveries.some((d) => d.streamSeq === m.seq));
    stats.batches++;
    meter.batch(deliveries.length);
    const error = await attempt(deliveries, live);
    if (error === null) {
      for (const m of live) {
        m.ack();
        endSpan(m.seq);
      }
      stats.handled += live.length;
      meter.handled(live.length);
      return;
    }
    if (stopped) {
      for (const m of live) {
        m.nak();
        endSpan(m.seq, error);
      }
      return;
    }
    // Isolate: one message at a time, so one poison message cannot hold back the others.
    for (let i = 0; i < deliveries.length; i++) {
      const d = deliveries[i]!;
      const m = live[i]!;
      const single = deliveries.length === 1 ? error : await attempt([d], [m]);
      if (single === null) {
        m.ack();
        endSpan(m.seq);
        stats.handled++;
        meter.handled(1);
      } else if (stopped) {
        m.nak();
        endSpan(m.seq, single);
      } else {
        await deadLetter(m, single);
      }
    }
  };

  const loop = (async () => {
    while (!stopped) {
      if (queue.length === 0) {
        await new Promise<void>((r) => (wake = r));
        wake = null;
        continue;
      }
      const waited = performance.now() - firstQueuedAt;
      if (queue.length < maxBatch && waited < lingerMs) {
        // Linger: give the batch a moment to fill (woken early when a message arrives and fills it).
        await new Promise<void>((r) => {
          const timer = setTimeout(r, lingerMs - waited);
          wake = () => {
            if (queue.length >= maxBatch || stopped) {
              clearTimeout(timer);
              r();
            }
          };
        });
        wake = null;
        if (queue.length < maxBatch && performance.now() - firstQueuedAt < lingerMs && !stopped) continue;
      }
      const batch = queue.splice(0, maxBatch).map((q) => q.msg);
      if (queue.length) firstQueuedAt = performance.now();
      try {
        await processBatch(batch);
      } catch (error) {
        // Never let the loop die: the messages will be redelivered after ack_wait.
        onError(error, { durable: options.durable, action: 'loop' });
        for (const m of batch) {
          endSpan(m.seq, error);
          try {
            m.nak(1_000);
          } catch {
            /* connection gone: JetStream redelivers after ack_wait */
          }
        }
      }
    }
  })();

  return {
    durable: options.durable,
    stats: () => ({ ...stats }),
    async stop() {
      stopped = true;
      meter.close();
      await messages.close().catch(() => undefined);
      const w = wake;
      wake = null;
      w?.();
      await loop;
      // Whatever was pulled but not handled goes back to JetStream now rather than after ack_wait.
      for (const q of queue.splice(0)) q.msg.nak();
    },
  };
}
