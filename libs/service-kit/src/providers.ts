import { Inject, Injectable, Optional, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { Pool } from 'pg';
import type { Topology } from '@twinline/contracts';
import { Messaging } from '@twinline/messaging';
import { createLogger } from '@twinline/observability';
import { ASSET_DIRECTORY, KvAssetDirectory, type AssetDirectory } from './asset-directory';
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

/**
 * The service's AssetDirectory (inject ASSET_DIRECTORY): the asset bucket integrity publishes,
 * loaded at start (waiting at most a few seconds) and followed live. It adds no readiness check:
 * a service whose directory is empty or behind still works, it only knows fewer assets.
 */
export function assetDirectoryProvider(name: string, config: { STREAM_REPLICAS?: number }, topology: Topology): Provider {
  return {
    provide: ASSET_DIRECTORY,
    inject: [Messaging],
    useFactory: async (bus: Messaging) => {
      const directory = new KvAssetDirectory(bus.nc, topology.buckets.assets, { replicas: config.STREAM_REPLICAS ?? 1, log: createLogger(name) });
      await directory.start();
      return directory;
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

/** Closes NATS (the asset directory's watch, consumers, unhandled messages go back) and then Postgres on shutdown. */
@Injectable()
export class ConnectionCloser implements OnApplicationShutdown {
  constructor(
    @Inject(Messaging) private readonly bus: Messaging,
    @Inject(PG_POOL) private readonly pool: Pool | null,
    @Optional() @Inject(ASSET_DIRECTORY) private readonly directory?: AssetDirectory & { close?: () => Promise<void> },
  ) {}
  async onApplicationShutdown(): Promise<void> {
    await this.directory?.close?.();
    await this.bus.close();
    await this.pool?.end();
  }
}
