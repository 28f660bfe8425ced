import type { Provider, Type } from '@nestjs/common';
import type { Pool } from 'pg';
import { CHECKPOINT_STORE, EVENT_STORE, PostgresCheckpointStore, PostgresEventStore } from '@twinline/event-store';
import { HealthController, Readiness } from './health';
import { MetricsController, metricsProvider } from './metrics';
import { ConnectionCloser, PG_POOL, TOPOLOGY, assetDirectoryProvider, messagingProvider, poolProvider } from './providers';
import { topologyFrom } from './config';
import { authProviders } from './auth';

/**
 * What every service module has: health and metrics endpoints, its config under `configToken`,
 * the NATS topology and connection, the asset directory (ASSET_DIRECTORY, read from the bucket
 * integrity publishes), Postgres (or none), closing both on shutdown, and the guard that checks the
 * access token of every HTTP request (see auth/auth.guard.ts).
 */
export function serviceBasics(
  name: string,
  config: { NATS_URL: string; NATS_PREFIX: string; STREAM_REPLICAS?: number; DATABASE_URL: string; DB_POOL_MAX: number; AUTH_SECRET: string },
  configToken: symbol,
  options: { postgres: boolean },
): { controllers: Type[]; providers: Provider[] } {
  const topology = topologyFrom(config);
  return {
    controllers: [HealthController, MetricsController],
    providers: [
      Readiness,
      { provide: configToken, useValue: config },
      { provide: TOPOLOGY, useValue: topology },
      messagingProvider(name, config, topology),
      assetDirectoryProvider(name, config, topology),
      options.postgres ? poolProvider(name, config) : { provide: PG_POOL, useValue: null },
      metricsProvider,
      ConnectionCloser,
      ...authProviders(config.AUTH_SECRET),
    ],
  };
}

/** The event store and its checkpoints in a service's own schema. */
export function eventStoreProviders(schema: string): Provider[] {
  return [
    { provide: EVENT_STORE, inject: [PG_POOL], useFactory: (pool: Pool) => new PostgresEventStore(pool, { schema }) },
    { provide: CHECKPOINT_STORE, inject: [PG_POOL], useFactory: (pool: Pool) => new PostgresCheckpointStore(pool, { schema }) },
  ];
}
