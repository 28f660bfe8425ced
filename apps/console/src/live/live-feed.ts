import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DeliverPolicy, type ConsumerMessages, type JsMsg } from 'nats';
import type { Topology } from '@twinline/contracts';
import { Messaging } from '@twinline/messaging';
import { createLogger, metrics } from '@twinline/observability';
import { Readiness, TOPOLOGY } from '@twinline/service-kit';
import { CONSOLE_CONFIG, type ConsoleConfig } from '../config';
import { liveFrameOf, sseFrame } from './live-events';

/** One browser's open live feed. */
export interface LiveClient {
  /** Writes a chunk; false when the connection buffers (the feed drops a client too far behind). */
  write(chunk: string): boolean;
  /** Bytes written but not yet sent. */
  buffered(): number;
  /** Ends the response. */
  end(): void;
}

/** A client with more than this waiting to be sent is too slow: its feed is closed (the browser reconnects). */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

const clientsGauge = metrics.gauge('twinline_console_live_clients', 'Live-feed (SSE) connections open');
const framesCounter = metrics.counter('twinline_console_live_events_total', 'Events fanned out to the live feed, by kind', ['event']);

/**
 * The live feed of every browser: one ordered (ephemeral, in-memory) JetStream consumer per stream,
 * TWIN and MAINTENANCE, starting at new messages; each event is encoded once and written to every
 * connected client. A comment line pings idle connections so proxies keep them open.
 */
@Injectable()
export class LiveFeed implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly clients = new Set<LiveClient>();
  private readonly subscriptions: ConsumerMessages[] = [];
  private ping: NodeJS.Timeout | undefined;
  private following = false;
  private readonly log = createLogger('console');

  constructor(
    @Inject(Messaging) private readonly bus: Messaging,
    @Inject(TOPOLOGY) private readonly topology: Topology,
    @Inject(Readiness) private readonly readiness: Readiness,
    @Inject(CONSOLE_CONFIG) private readonly config: Pick<ConsoleConfig, 'CONSOLE_LIVE_PING_MS' | 'CONSOLE_LIVE_MAX_CLIENTS'>,
  ) {}

  async onModuleInit(): Promise<void> {
    this.readiness.add({
      name: 'live-feed',
      check: async () => {
        if (!this.following) throw new Error('not following the TWIN and MAINTENANCE streams');
      },
    });
    const prefix = this.topology.prefix ? `${this.topology.prefix}.` : '';
    const prefixes = { twin: `${prefix}twin.`, maintenance: `${prefix}maintenance.workorder.` };
    const onMessage = (m: JsMsg) => {
      let frame;
      try {
        frame = liveFrameOf(m.subject, m.json<unknown>(), prefixes);
      } catch (error) {
        this.log.warn('live feed: an event is not JSON; skipped', { subject: m.subject, error: String(error) });
        return;
      }
      if (frame) {
        framesCounter.inc({ event: frame.event });
        this.broadcast(sseFrame(frame));
      }
    };
    for (const [stream, filter] of [
      [this.topology.streams.twin, this.topology.streamSubjects.twin],
      [this.topology.streams.maintenance, this.topology.filters.maintenanceEvents()],
    ] as const) {
      const consumer = await this.bus.js.consumers.get(stream, { filterSubjects: filter, deliver_policy: DeliverPolicy.New, inactive_threshold: 30_000 });
      this.subscriptions.push(await consumer.consume({ callback: onMessage, max_messages: 500 }));
    }
    this.following = true;
  }

  onApplicationBootstrap(): void {
    this.ping = setInterval(() => this.broadcast(': ping\n\n'), this.config.CONSOLE_LIVE_PING_MS);
    this.ping.unref();
  }

  /** Adds a browser's feed; false when the console already serves its maximum of feeds. */
  add(client: LiveClient): boolean {
    if (this.clients.size >= this.config.CONSOLE_LIVE_MAX_CLIENTS) return false;
    this.clients.add(client);
    clientsGauge.set(this.clients.size);
    return true;
  }

  remove(client: LiveClient): void {
    if (this.clients.delete(client)) clientsGauge.set(this.clients.size);
  }

  get size(): number {
    return this.clients.size;
  }

  private broadcast(chunk: string): void {
    for (const client of this.clients) {
      if (client.buffered() > MAX_BUFFERED_BYTES) {
        this.remove(client);
        client.end();
        continue;
      }
      client.write(chunk);
    }
  }

  /** Before the HTTP server closes: open feeds would keep it from closing. */
  async onModuleDestroy(): Promise<void> {
    this.following = false;
    if (this.ping) clearInterval(this.ping);
    for (const client of [...this.clients]) {
      this.remove(client);
      client.end();
    }
    for (const s of this.subscriptions.splice(0)) await s.close().catch(() => undefined);
  }
}
