import { z } from 'zod';
import { baseEnvSchema, loadConfig, portSchema } from '@twinline/service-kit';
import { preventiveEnv } from './preventive';

export const schedulerEnvSchema = baseEnvSchema.extend({
  PORT: portSchema(3004),
  CONSUMER_MAX_BATCH: z.coerce.number().int().min(1, 'must be >= 1').max(5000, 'must be <= 5000').default(500),
  ...preventiveEnv.shape,
});
export type SchedulerConfig = ReturnType<typeof loadSchedulerConfig>;
export const loadSchedulerConfig = (env: NodeJS.ProcessEnv = process.env) => loadConfig(schedulerEnvSchema, env);
export const SCHEDULER_CONFIG = Symbol('SCHEDULER_CONFIG');
