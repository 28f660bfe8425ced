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
});

/** Parses the environment against a schema; every bad variable is named with its rule. */
export function loadConfig<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): Readonly<z.infer<S>> {
  // An empty variable counts as unset (compose files pass ${VAR:-} through as '').
  const result = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message} (got ${JSON.stringify(env[String(i.path[0])] ?? null)})`));
  }
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
