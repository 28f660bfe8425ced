import { z } from 'zod';
import { baseEnvSchema, loadConfig, portSchema } from '@twinline/service-kit';

export const notificationEnvSchema = baseEnvSchema.extend({
  PORT: portSchema(3005),
  /** Where notifications (alarms, security violations, sensor faults, work orders) are POSTed (JSON). Without it they are logged as UNROUTED. */
  NOTIFY_WEBHOOK_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1, 'must be >= 1').max(50, 'must be <= 50').default(6),
  NOTIFY_BASE_DELAY_MS: z.coerce.number().int().min(10, 'must be >= 10').max(3_600_000, 'must be <= 3600000').default(500),
  NOTIFY_MAX_DELAY_MS: z.coerce.number().int().min(10, 'must be >= 10').max(86_400_000, 'must be <= 86400000').default(60_000),
  NOTIFY_TIMEOUT_MS: z.coerce.number().int().min(100, 'must be >= 100').max(120_000, 'must be <= 120000').default(5_000),
  NOTIFY_POLL_MS: z.coerce.number().int().min(10, 'must be >= 10').max(60_000, 'must be <= 60000').default(100),
});
export type NotificationConfig = ReturnType<typeof loadNotificationConfig>;
export const loadNotificationConfig = (env: NodeJS.ProcessEnv = process.env) => loadConfig(notificationEnvSchema, env);
export const NOTIFICATION_CONFIG = Symbol('NOTIFICATION_CONFIG');
