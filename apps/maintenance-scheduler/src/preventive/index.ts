import type { Provider, Type } from '@nestjs/common';
import type { Pool } from 'pg';
import { z } from 'zod';
import { PG_POOL } from '@twinline/service-kit';
import { PreventiveSchedules } from './preventive-schedules';
import { PreventiveSchedulesController } from './preventive-schedules.controller';
import { PREVENTIVE_CONFIG, PreventiveRuntime, type PreventiveConfig } from './preventive.runtime';
import { PreventiveStore } from './preventive.store';

export { PREVENTIVE_MIGRATIONS, PreventiveInitial1732560001100 } from './migrations';
export { openDuePreventive, PREVENTIVE_ACTOR } from './open-due-preventive';
export { PREVENTIVE_STREAM_PREFIX, preventiveStreamId } from './preventive.events';
export { PreventiveSchedules } from './preventive-schedules';
export { PreventiveSchedulesController } from './preventive-schedules.controller';
export { PREVENTIVE_CONFIG, PreventiveRuntime, RUNNING_HOURS_DURABLE, type PreventiveConfig } from './preventive.runtime';
export { PreventiveStore, type PreventiveScheduleView } from './preventive.store';
export { accumulateReadings } from './running-hours';

/** The scheduler's environment for preventive maintenance: `schedulerEnvSchema.extend(preventiveEnv.shape)`. */
export const preventiveEnv = z.object({
  /** Seconds between two runs of the preventive timer (due schedules open their orders). */
  PREVENTIVE_POLL_SECONDS: z.coerce.number().int('must be an integer').min(1, 'must be >= 1').max(86_400, 'must be <= 86400').default(60),
});

export const PREVENTIVE_CONTROLLERS: Type[] = [PreventiveSchedulesController];

/**
 * Preventive schedules (tables in the scheduler's schema), the planner's commands on them and the
 * PreventiveRuntime (running-hours consumer, timer). Needs PG_POOL, TOPOLOGY, Messaging, EVENT_STORE
 * and WorkOrderRepository (commands/work-order-commands) from the scheduler module.
 */
export function preventiveProviders(schema: string, config: PreventiveConfig): Provider[] {
  return [
    { provide: PREVENTIVE_CONFIG, useValue: { PREVENTIVE_POLL_SECONDS: config.PREVENTIVE_POLL_SECONDS, ...(config.CONSUMER_MAX_BATCH !== undefined ? { CONSUMER_MAX_BATCH: config.CONSUMER_MAX_BATCH } : {}) } satisfies PreventiveConfig },
    { provide: PreventiveStore, inject: [PG_POOL], useFactory: (pool: Pool) => new PreventiveStore(pool, schema) },
    { provide: PreventiveSchedules, inject: [PreventiveStore], useFactory: (store: PreventiveStore) => new PreventiveSchedules(store) },
    PreventiveRuntime,
  ];
}
