import { z } from 'zod';
import { baseEnvSchema, loadConfig, portSchema } from '@twinline/service-kit';

export const integrityEnvSchema = baseEnvSchema.extend({
  PORT: portSchema(3002),
  /** JSON file of assets and devices upserted at start (see README, "Devices and signed readings"). */
  REGISTRY_FILE: z.string().min(1).optional(),
  CONSUMER_MAX_BATCH: z.coerce.number().int().min(1, 'must be >= 1').max(5000, 'must be <= 5000').default(500),
});
export type IntegrityConfig = ReturnType<typeof loadIntegrityConfig>;
export const loadIntegrityConfig = (env: NodeJS.ProcessEnv = process.env) => loadConfig(integrityEnvSchema, env);
export const INTEGRITY_CONFIG = Symbol('INTEGRITY_CONFIG');
