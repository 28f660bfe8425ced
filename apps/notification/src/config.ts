import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { WEBHOOK_SECRET_MIN_LENGTH } from '@twinline/contracts';
import { isTimeZone, NotificationError, parseQuietHours, parseRoutes, type QuietHours, type Routes, type ThrottlePolicy } from '@twinline/domain-notification';
import { baseEnvSchema, ConfigError, loadConfig, portSchema } from '@twinline/service-kit';

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
    /**
     * Routing rules and recipients (JSON; or NOTIFY_ROUTES_FILE, a file holding it): parsed and checked by
     * loadNotificationConfig. Without them everything goes to NOTIFY_WEBHOOK_URL and NOTIFY_EMAIL_TO.
     */
    NOTIFY_ROUTES: z.string().optional(),
    NOTIFY_ROUTES_FILE: z.string().optional(),
    /** How often due escalations of unacknowledged alarms are looked for. */
    NOTIFY_ESCALATION_POLL_MS: z.coerce.number().int().min(10, 'must be >= 10').max(60_000, 'must be <= 60000').default(1000),
  })
  .superRefine((c, ctx) => {
    // E-mail needs a server, a sender and recipients: NOTIFY_EMAIL_TO, or the routes' recipients.
    const routed = c.NOTIFY_ROUTES !== undefined || c.NOTIFY_ROUTES_FILE !== undefined;
    const set = { NOTIFY_SMTP_URL: c.NOTIFY_SMTP_URL, NOTIFY_EMAIL_FROM: c.NOTIFY_EMAIL_FROM, NOTIFY_EMAIL_TO: c.NOTIFY_EMAIL_TO };
    if (Object.values(set).some((v) => v !== undefined)) {
      for (const [name, value] of Object.entries(set)) {
        if (value !== undefined || (routed && name === 'NOTIFY_EMAIL_TO')) continue;
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: routed
            ? 'required when e-mail is configured: set NOTIFY_SMTP_URL and NOTIFY_EMAIL_FROM together (NOTIFY_EMAIL_TO is optional with NOTIFY_ROUTES)'
            : 'required when e-mail is configured: set NOTIFY_SMTP_URL, NOTIFY_EMAIL_FROM and NOTIFY_EMAIL_TO together',
        });
      }
    }
  });

/** The routes from NOTIFY_ROUTES or NOTIFY_ROUTES_FILE (one of them), every problem named `<variable>: <path> (<rule>): <what>`. */
function routesFrom(env: NodeJS.ProcessEnv, timeZone: string, smtp: boolean, problems: string[]): Routes | undefined {
  const inline = env['NOTIFY_ROUTES'] || undefined;
  const file = env['NOTIFY_ROUTES_FILE'] || undefined;
  if (inline === undefined && file === undefined) return undefined;
  if (inline !== undefined && file !== undefined) {
    problems.push('NOTIFY_ROUTES_FILE: set NOTIFY_ROUTES or NOTIFY_ROUTES_FILE, not both');
    return undefined;
  }
  const name = file !== undefined ? `NOTIFY_ROUTES_FILE ${file}` : 'NOTIFY_ROUTES';
  let text = inline;
  if (file !== undefined) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      problems.push(`NOTIFY_ROUTES_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      return undefined;
    }
  }
  try {
    const routes = parseRoutes(text, timeZone);
    if (!smtp) {
      routes.recipients.forEach((r, i) => {
        if (r.email !== undefined) problems.push(`${name}: recipients.${i} (${JSON.stringify(r.name)}).email: e-mail needs NOTIFY_SMTP_URL and NOTIFY_EMAIL_FROM`);
      });
    }
    return routes;
  } catch (error) {
    if (!(error instanceof NotificationError)) throw error;
    for (const e of error.errors) problems.push(`${name}: ${e.field}: ${e.message}`);
    return undefined;
  }
}

/** The environment, and the routes (undefined without NOTIFY_ROUTES): every problem of both at once. */
export function loadNotificationConfig(env: NodeJS.ProcessEnv = process.env) {
  const problems: string[] = [];
  let config: Readonly<z.infer<typeof notificationEnvSchema>> | undefined;
  try {
    config = loadConfig(notificationEnvSchema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  const timeZone = config?.NOTIFY_TIMEZONE ?? (env['NOTIFY_TIMEZONE'] && isTimeZone(env['NOTIFY_TIMEZONE']) ? env['NOTIFY_TIMEZONE'] : 'UTC');
  const routes = routesFrom(env, timeZone, Boolean(env['NOTIFY_SMTP_URL'] && env['NOTIFY_EMAIL_FROM']), problems);
  if (problems.length > 0 || !config) throw new ConfigError(problems);
  return Object.freeze({ ...config, routes });
}
export type NotificationConfig = ReturnType<typeof loadNotificationConfig>;
export const NOTIFICATION_CONFIG = Symbol('NOTIFICATION_CONFIG');

export function throttlePolicyOf(config: NotificationConfig): ThrottlePolicy {
  return { limit: config.NOTIFY_RATE_LIMIT, windowMs: config.NOTIFY_RATE_WINDOW_SECONDS * 1000 };
}

/** Quiet hours, when configured. */
export function quietHoursOf(config: NotificationConfig): QuietHours | undefined {
  return config.NOTIFY_QUIET_HOURS ? parseQuietHours(config.NOTIFY_QUIET_HOURS, config.NOTIFY_TIMEZONE) : undefined;
}

/** The SMTP server and sender, when configured (e-mail to NOTIFY_EMAIL_TO or to the routes' recipients). */
export function smtpOf(config: NotificationConfig): { smtpUrl: string; from: string } | undefined {
  return config.NOTIFY_SMTP_URL && config.NOTIFY_EMAIL_FROM ? { smtpUrl: config.NOTIFY_SMTP_URL, from: config.NOTIFY_EMAIL_FROM } : undefined;
}

/** The e-mail channel to NOTIFY_EMAIL_TO, when configured. */
export function emailChannelOf(config: NotificationConfig): { smtpUrl: string; from: string; to: readonly string[] } | undefined {
  if (!config.NOTIFY_SMTP_URL || !config.NOTIFY_EMAIL_FROM || !config.NOTIFY_EMAIL_TO) return undefined;
  return { smtpUrl: config.NOTIFY_SMTP_URL, from: config.NOTIFY_EMAIL_FROM, to: config.NOTIFY_EMAIL_TO };
}
