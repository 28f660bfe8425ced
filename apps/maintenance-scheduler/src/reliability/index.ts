import type { Provider, Type } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '@twinline/service-kit';
import { ReliabilityController } from './reliability.controller';
import { ReliabilityProjection } from './reliability.projection';
import { ReliabilityRuntime } from './reliability.runtime';

export { RELIABILITY_MIGRATIONS, ReliabilityInitial1732560001000 } from './migrations';
export { ReliabilityController } from './reliability.controller';
export { RELIABILITY_PROJECTION, RELIABILITY_TABLE, ReliabilityProjection } from './reliability.projection';
export { reliabilityReport, UNKNOWN_ASSET_CLASS } from './reliability.report';
export { ReliabilityRuntime } from './reliability.runtime';

export const RELIABILITY_CONTROLLERS: Type[] = [ReliabilityController];

/**
 * The reliability read model in the scheduler's schema and the loop that keeps it (ReliabilityRuntime,
 * its own checkpoint `reliability`). Needs EVENT_STORE, CHECKPOINT_STORE, PG_POOL and ProjectionRebuilds
 * from the scheduler module; ASSET_DIRECTORY when there is one.
 */
export function reliabilityProviders(schema: string): Provider[] {
  return [{ provide: ReliabilityProjection, inject: [PG_POOL], useFactory: (pool: Pool) => new ReliabilityProjection(pool, schema) }, ReliabilityRuntime];
}
