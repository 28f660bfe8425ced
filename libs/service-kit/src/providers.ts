import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { Pool } from 'pg';
import type { Topology } from '@twinline/contracts';
import { Messaging } from '@twinline/messaging';
import { Readiness } from './health';
import { createPool } from './postgres';

export const PG_POOL = Symbol('PG_POOL');
export const TOPOLOGY = Symbol('TOPOLOGY');

/** Connects to NATS, provisions the streams and registers a readiness check. */
export function messagingProvider(name: string, config: { NATS_URL: string; STREAM_REPLICAS?: number }, topology: Topology): Provider {
  return {
    provide: Messaging,
    inject: [Readiness],
    useFactory: async (readiness: Readiness) => {
      const bus = await Messaging.connect({ url: config.NATS_URL, name, topology, streamLimits: { replicas: config.STREAM_REPLICAS ?? 1 } });
      readiness.add({ name: 'nats', check: () => bus.ping() });
      return bus;
    },
  };
}

export function poolProvider(name: string, config: { DATABASE_URL: string; DB_POOL_MAX: number }): Provider {
  return {
    provide: PG_POOL,
    inject: [Readiness],
    useFactory: (readiness: Readiness) => {
      const pool = createPool(config.DATABASE_URL, config.DB_POOL_MAX, `twinline-${name}`);
      readiness.add({ name: 'postgres', check: async () => void (await pool.query('SELECT 1')) });
      return pool;
    },
  };
}

/** Closes NATS (consumers first, unhandled messages go back) and then Postgres on shutdown. */
@Injectable()
export class ConnectionCloser implements OnApplicationShutdown {
  constructor(
    @Inject(Messaging) private readonly bus: Messaging,
    @Inject(PG_POOL) private readonly pool: Pool | null,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
    await this.pool?.end();
  }
}
