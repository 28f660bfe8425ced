import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { topology, type Topology } from '@twinline/contracts';

/** Thrown when the environment holds a bad value: names the variable and the rule. */
export class ConfigError extends Error {
  readonly code = 'CONFIG.INVALID';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export const DEFAULTS = {
  NATS_URL: 'nats://127.0.0.1:4222',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
  MQTT_URL: 'mqtt://127.0.0.1:1883',
} as const;

const port = z
  .string()
  .regex(/^\d{1,5}$/, 'must be a port number 0-65535')
  .transform(Number)
  .pipe(z.number().max(65535, 'must be a port number 0-65535'));
const url = (protocols: string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol.replace(':', ''));
    } catch {
      return false;
    }
  }, `must be a URL with scheme ${protocols.join(' or ')}`);

export const AUTH_SECRET_MIN_LENGTH = 32;

/** Variables that may be given as `<NAME>_FILE` instead: a file holding the value (Docker and Kubernetes secrets). */
const FILE_VARIABLES = ['AUTH_SECRET', 'NOTIFY_WEBHOOK_SECRET'] as const;
/** Variables whose value never appears in a message. */
const SECRET_VARIABLES: ReadonlySet<string> = new Set(['AUTH_SECRET', 'NOTIFY_WEBHOOK_SECRET', 'NOTIFY_SMTP_URL']);

/** Environment every service reads. */
export const baseEnvSchema = z.object({
  NATS_URL: url(['nats', 'tls', 'ws', 'wss']).default(DEFAULTS.NATS_URL),
  DATABASE_URL: url(['postgres', 'postgresql']).default(DEFAULTS.DATABASE_URL),
  /** Prefix of every stream and subject (isolates test runs and side-by-side installations). */
  NATS_PREFIX: z.string().regex(/^[A-Za-z0-9_-]*$/, 'may contain only letters, digits, "-" and "_"').default(''),
  /** Postgres schema prefix: each service owns `<prefix><service>` (e.g. twin_state). */
  DB_SCHEMA_PREFIX: z.string().regex(/^[a-z_][a-z0-9_]*$|^$/, 'must be a lower-case SQL identifier').default(''),
  DB_POOL_MAX: z.coerce.number().int().min(1, 'must be >= 1').max(200, 'must be <= 200').default(10),
  HOST: z.string().default('0.0.0.0'),
  /** JetStream replicas per stream (3 on a 3-node cluster); applied to the streams at every start. */
  STREAM_REPLICAS: z.coerce.number().int('must be an integer').min(1, 'must be 1-5').max(5, 'must be 1-5').default(1),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  HTTP_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024, 'must be >= 1024').max(256 * 1024 * 1024, 'must be <= 268435456').default(8 * 1024 * 1024),
  /**
   * Secret that signs and checks access tokens (HS256), the same in every service. Or AUTH_SECRET_FILE:
   * a file holding it (read at start, trimmed). Never logged: messages give its length only.
   */
  AUTH_SECRET: z
    .string({ error: `required: set AUTH_SECRET (at least ${AUTH_SECRET_MIN_LENGTH} characters) or AUTH_SECRET_FILE (a file holding it)` })
    .min(AUTH_SECRET_MIN_LENGTH, `must be at least ${AUTH_SECRET_MIN_LENGTH} characters`),
  AUTH_SECRET_FILE: z.string().optional(),
});

/**
 * Parses the environment against a schema; every bad variable is named with its rule. A variable of
 * FILE_VARIABLES the schema has may come from `<NAME>_FILE` (one of the two, not both).
 */
export function loadConfig<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): Readonly<z.infer<S>> {
  // An empty variable counts as unset (compose files pass ${VAR:-} through as '').
  const values = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
  const problems: string[] = [];
  const settled = new Set<string>();
  const fromFile = new Map<string, string>();
  for (const name of FILE_VARIABLES) {
    const file = values[`${name}_FILE`];
    if (!(name in schema.shape) || file === undefined) continue;
    if (values[name] !== undefined) {
      problems.push(`${name}_FILE: set ${name} or ${name}_FILE, not both`);
      settled.add(name);
      continue;
    }
    try {
      values[name] = readFileSync(file, 'utf8').trim();
      fromFile.set(name, file);
    } catch (error) {
      problems.push(`${name}_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      settled.add(name);
    }
  }
  const result = schema.safeParse(values);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const name = String(issue.path[0] ?? '');
      if (settled.has(name)) continue;
      const file = fromFile.get(name);
      const value = values[name];
      const got = SECRET_VARIABLES.has(name) ? (value === undefined ? 'null' : `${value.length} characters${file ? ` in ${file}` : ''}`) : JSON.stringify(env[name] ?? null);
      problems.push(`${file ? `${name}_FILE` : issue.path.join('.') || '(env)'}: ${issue.message} (got ${got})`);
    }
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  return Object.freeze(result.data);
}

export function portSchema(defaultPort: number) {
  return port.default(defaultPort);
}

export function topologyFrom(config: { NATS_PREFIX: string }): Topology {
  return topology(config.NATS_PREFIX);
}

export function schemaName(config: { DB_SCHEMA_PREFIX: string }, service: string): string {
  return `${config.DB_SCHEMA_PREFIX}${service.replace(/-/g, '_')}`;
}
