import { resolve } from 'node:path';
import { z } from 'zod';
import { baseEnvSchema, loadConfig, portSchema } from '@twinline/service-kit';

const serviceUrl = (fallback: string) =>
  z
    .string()
    .refine((v) => {
      try {
        return ['http:', 'https:'].includes(new URL(v).protocol);
      } catch {
        return false;
      }
    }, 'must be an http(s) URL')
    .transform((v) => v.replace(/\/+$/, ''))
    .default(fallback);

/**
 * The console: the operators' web app (apps/console/public) and its backend for the browser under
 * /api, which calls the services with the caller's own token and follows the twin and maintenance
 * events on NATS for the live feed. It keeps no data of its own (no Postgres).
 */
export const consoleEnvSchema = baseEnvSchema.extend({
  /** The console's port; CONSOLE_PORT wins over PORT. */
  PORT: portSchema(8080),
  CONSOLE_PORT: z
    .string()
    .regex(/^\d{1,5}$/, 'must be a port number 0-65535')
    .transform(Number)
    .pipe(z.number().max(65535, 'must be a port number 0-65535'))
    .optional(),
  INTEGRITY_URL: serviceUrl('http://127.0.0.1:3002'),
  TWIN_URL: serviceUrl('http://127.0.0.1:3003'),
  SCHEDULER_URL: serviceUrl('http://127.0.0.1:3004'),
  NOTIFICATION_URL: serviceUrl('http://127.0.0.1:3005'),
  /** How long the console waits for a service's answer before it answers 504. */
  CONSOLE_UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100, 'must be >= 100').max(120_000, 'must be <= 120000').default(10_000),
  /** The comment line each live-feed (SSE) connection gets while nothing else happens. */
  CONSOLE_LIVE_PING_MS: z.coerce.number().int().min(100, 'must be >= 100').max(300_000, 'must be <= 300000').default(15_000),
  /** Live-feed connections open at once at most; more get 503. */
  CONSOLE_LIVE_MAX_CLIENTS: z.coerce.number().int().min(1, 'must be >= 1').max(100_000, 'must be <= 100000').default(500),
  /** The directory of the web app's files (default: apps/console/public). */
  CONSOLE_PUBLIC_DIR: z.string().min(1).optional(),
});

export function loadConsoleConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(consoleEnvSchema, env);
  return Object.freeze({
    ...config,
    PORT: config.CONSOLE_PORT ?? config.PORT,
    publicDir: resolve(config.CONSOLE_PUBLIC_DIR ?? resolve(__dirname, '..', 'public')),
  });
}
export type ConsoleConfig = ReturnType<typeof loadConsoleConfig>;
export const CONSOLE_CONFIG = Symbol('CONSOLE_CONFIG');
