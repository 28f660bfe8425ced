import { connect, type JetStreamClient, type JetStreamManager, type MsgHdrs, type NatsConnection, type PubAck } from 'nats';
import type { Context } from '@opentelemetry/api';
import { assetIdFromSubject, type Topology } from '@twinline/contracts';
import { encodeJson } from './json';
import { ensureStreams, type StreamLimits } from './provisioning';
import { startConsumer, type ConsumeOptions, type RunningConsumer } from './consumer';
import { injectTraceContext, newHeaders } from './trace-headers';

export interface OutgoingMessage {
  readonly subject: string;
  readonly payload: unknown;
  /** Nats-Msg-Id: JetStream drops a second publish with the same id inside the duplicate window. */
  readonly msgId: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Trace context to propagate (default: the active one), e.g. the span of the message this one derives from. */
  readonly context?: Context;
}

export interface MessagingOptions {
  readonly url: string;
  readonly name: string;
  readonly topology: Topology;
  readonly streamLimits?: StreamLimits;
  /** Publishes in flight at once in publishMany (pipelining without unbounded memory). */
  readonly publishWindow?: number;
}

/** A JetStream connection: provisioning at start, publishing with msgID, durable consumers. */
export class Messaging {
  private readonly consumers: RunningConsumer[] = [];

  private constructor(
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    readonly topology: Topology,
    private readonly publishWindow: number,
  ) {}

  static async connect(options: MessagingOptions): Promise<Messaging> {
    const nc = await connect({ servers: options.url, name: options.name, maxReconnectAttempts: -1, reconnectTimeWait: 500 });
    const jsm = await nc.jetstreamManager();
    await ensureStreams(jsm, options.topology, options.streamLimits);
    return new Messaging(nc, nc.jetstream(), jsm, options.topology, options.publishWindow ?? 1_000);
  }

  /** Publishes one message and waits for JetStream's acknowledgement. */
  async publish(message: OutgoingMessage): Promise<PubAck> {
    return this.js.publish(message.subject, encodeJson(message.payload), { msgID: message.msgId, headers: this.headersFor(message) });
  }

  /**
   * Publishes many messages pipelined (up to publishWindow acks outstanding) and resolves when
   * JetStream has stored all of them; rejects if any publish failed (callers retry: msgIds dedupe).
   */
  async publishMany(messages: readonly OutgoingMessage[]): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < messages.length) {
        const message = messages[next++]!;
        await this.publish(message);
      }
    };
    const lanes = Math.min(this.publishWindow, messages.length);
    await Promise.all(Array.from({ length: lanes }, worker));
  }

  async consume<T>(options: ConsumeOptions<T>): Promise<RunningConsumer> {
    const consumer = await startConsumer(this.js, this.jsm, { assetIdOf: (subject) => assetIdFromSubject(subject, this.topology.prefix), ...options });
    this.consumers.push(consumer);
    return consumer;
  }

  /** True when the connection is up (readiness). */
  isConnected(): boolean {
    return !this.nc.isClosed() && this.nc.info !== undefined && this.nc.status !== undefined;
  }

  async ping(): Promise<void> {
    await this.nc.flush();
  }

  /** Stops consumers (unhandled messages go back to JetStream), then drains the connection. */
  async close(): Promise<void> {
    for (const c of this.consumers.splice(0)) await c.stop();
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => this.nc.close());
  }

  private headersFor(message: OutgoingMessage): MsgHdrs {
    const h = injectTraceContext(newHeaders(), message.context);
    if (message.headers) for (const [k, v] of Object.entries(message.headers)) h.set(k, v);
    return h;
  }
}
