import { z } from 'zod';
import { WEBHOOK_SECRET_MIN_LENGTH } from '@twinline/contracts';
import { isTimeZone, parseQuietHours, type QuietHours, type ThrottlePolicy } from '@twinline/domain-notification';
import { baseEnvSchema, loadConfig, portSchema } from '@twinline/service-kit';

const email = z.email({ message: 'must be an e-mail address' });

export const notificationEnvSchema = baseEnvSchema
  .extend({
    PORT: portSchema(3005),
    /** Where notifications (alarms, security violations, sensor faults, work orders) are POSTed (JSON). Without it they are logged as UNROUTED. */
    NOTIFY_WEBHOOK_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
    /**
     * Signs every webhook body: `X-Twinline-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
     * Or NOTIFY_WEBHOOK_SECRET_FILE: a file holding it. Never logged. Without it, webhooks go unsigned.
     */
    NOTIFY_WEBHOOK_SECRET: z.string().min(WEBHOOK_SECRET_MIN_LENGTH, `must be at least ${WEBHOOK_SECRET_MIN_LENGTH} characters`).optional(),
    NOTIFY_WEBHOOK_SECRET_FILE: z.string().optional(),
    /** SMTP server for e-mail notifications: smtp://[user:pass@]host[:port] (STARTTLS when offered) or smtps:// (TLS). Never logged. */
    NOTIFY_SMTP_URL: z
      .string()
      .refine((v) => {
        try {
          return ['smtp:', 'smtps:'].includes(new URL(v).protocol);
        } catch {
          return false;
        }
      }, 'must be an smtp:// or smtps:// URL')
      .optional(),
    NOTIFY_EMAIL_FROM: email.optional(),
    /** Recipients of every e-mail notification, comma-separated. */
    NOTIFY_EMAIL_TO: z
      .string()
      .transform((v) => v.split(',').map((a) => a.trim()).filter((a) => a !== ''))
      .pipe(z.array(email).min(1, 'must name at least one address'))
      .optional(),
    NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1, 'must be >= 1').max(50, 'must be <= 50').default(6),
    NOTIFY_BASE_DELAY_MS: z.coerce.number().int().min(10, 'must be >= 10').max(3_600_000, 'must be <= 3600000').default(500),
    NOTIFY_MAX_DELAY_MS: z.coerce.number().int().min(10, 'must be >= 10').max(86_400_000, 'must be <= 86400000').default(60_000),
    NOTIFY_TIMEOUT_MS: z.coerce.number().int().min(100, 'must be >= 100').max(120_000, 'must be <= 120000').default(5_000),
    NOTIFY_POLL_MS: z.coerce.number().int().min(10, 'must be >= 10').max(60_000, 'must be <= 60000').default(100),
    /** At most this many notifications per asset and channel within NOTIFY_RATE_WINDOW_SECONDS; more are held back (SUPPRESSED) and named in one digest. */
    NOTIFY_RATE_LIMIT: z.coerce.number().int().min(1, 'must be >= 1').max(10_000, 'must be <= 10000').default(10),
    /** The sliding window of the rate limit; an identical subject within it is a duplicate. */
    NOTIFY_RATE_WINDOW_SECONDS: z.coerce.number().int().min(1, 'must be >= 1').max(86_400, 'must be <= 86400').default(600),
    /** Quiet hours, HH:MM-HH:MM in NOTIFY_TIMEZONE (may wrap midnight): LOW and MEDIUM alarms wait for their end. */
    NOTIFY_QUIET_HOURS: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d\s*-\s*([01]\d|2[0-3]):[0-5]\d$/, 'must look like HH:MM-HH:MM, e.g. 22:00-06:00')
      .refine((v) => v.split('-')[0]!.trim() !== v.split('-')[1]!.trim(), 'must start and end at different times')
      .optional(),
    NOTIFY_TIMEZONE: z.string().refine(isTimeZone, 'must be an IANA time zone, e.g. Europe/Berlin').default('UTC'),
  })
  .superRefine((c, ctx) => {
    // E-mail needs all three: a server, a sender and recipients.
    const set = { NOTIFY_SMTP_URL: c.NOTIFY_SMTP_URL, NOTIFY_EMAIL_FROM: c.NOTIFY_EMAIL_FROM, NOTIFY_EMAIL_TO: c.NOTIFY_EMAIL_TO };
    if (Object.values(set).some((v) => v !== undefined)) {
      for (const [name, value] of Object.entries(set)) {
        if (value === undefined) ctx.addIssue({ code: 'custom', path: [name], message: 'required when e-mail is configured: set NOTIFY_SMTP_URL, NOTIFY_EMAIL_FROM and NOTIFY_EMAIL_TO together' });
      }
    }
  });
export type NotificationConfig = ReturnType<typeof loadNotificationConfig>;
export const loadNotificationConfig = (env: NodeJS.ProcessEnv = process.env) => loadConfig(notificationEnvSchema, env);
export const NOTIFICATION_CONFIG = Symbol('NOTIFICATION_CONFIG');

export function throttlePolicyOf(config: NotificationConfig): ThrottlePolicy {
  return { limit: config.NOTIFY_RATE_LIMIT, windowMs: config.NOTIFY_RATE_WINDOW_SECONDS * 1000 };
}

/** Quiet hours, when configured. */
export function quietHoursOf(config: NotificationConfig): QuietHours | undefined {
  return config.NOTIFY_QUIET_HOURS ? parseQuietHours(config.NOTIFY_QUIET_HOURS, config.NOTIFY_TIMEZONE) : undefined;
}

/** The e-mail channel, when configured. */
export function emailChannelOf(config: NotificationConfig): { smtpUrl: string; from: string; to: readonly string[] } | undefined {
  if (!config.NOTIFY_SMTP_URL || !config.NOTIFY_EMAIL_FROM || !config.NOTIFY_EMAIL_TO) return undefined;
  return { smtpUrl: config.NOTIFY_SMTP_URL, from: config.NOTIFY_EMAIL_FROM, to: config.NOTIFY_EMAIL_TO };
}
