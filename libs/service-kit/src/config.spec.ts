import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseEnvSchema, ConfigError, DEFAULTS, loadConfig as loadWith, portSchema, schemaName, topologyFrom } from './config';

const schema = baseEnvSchema.extend({ PORT: portSchema(3001) });
const SECRET = 'x'.repeat(32);
/** Loads `env` with a valid AUTH_SECRET unless `env` says otherwise. */
const loadConfig = (s: typeof schema, env: NodeJS.ProcessEnv) => loadWith(s, { AUTH_SECRET: SECRET, ...env });

/** The ConfigError a load throws (fails the test when it does not throw one). */
function configErrorOf(env: NodeJS.ProcessEnv, withSecret = true): ConfigError {
  try {
    loadWith(schema, withSecret ? { AUTH_SECRET: SECRET, ...env } : env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('gives every default for an empty environment, frozen', () => {
    const config = loadConfig(schema, {});
    expect(config).toEqual({
      NATS_URL: DEFAULTS.NATS_URL,
      DATABASE_URL: DEFAULTS.DATABASE_URL,
      NATS_PREFIX: '',
      DB_SCHEMA_PREFIX: '',
      DB_POOL_MAX: 10,
      HOST: '0.0.0.0',
      LOG_LEVEL: 'info',
      HTTP_BODY_LIMIT_BYTES: 8 * 1024 * 1024,
      STREAM_REPLICAS: 1,
      PORT: 3001,
      AUTH_SECRET: SECRET,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads given values, coercing numbers, and ignores variables outside the schema', () => {
    const config = loadConfig(schema, {
      PORT: '8080',
      NATS_URL: 'nats://nats:4222',
      DATABASE_URL: 'postgresql://u@db:5432/twinline',
      NATS_PREFIX: 'run-7',
      DB_POOL_MAX: '25',
      LOG_LEVEL: 'debug',
      PATH: '/usr/bin',
    });
    expect(config).toMatchObject({ PORT: 8080, NATS_URL: 'nats://nats:4222', DATABASE_URL: 'postgresql://u@db:5432/twinline', NATS_PREFIX: 'run-7', DB_POOL_MAX: 25, LOG_LEVEL: 'debug' });
    expect(config).not.toHaveProperty('PATH');
  });

  it('counts an empty variable as unset (compose passes ${VAR:-} through as "")', () => {
    expect(loadConfig(schema, { PORT: '', NATS_URL: '', LOG_LEVEL: '' })).toMatchObject({ PORT: 3001, NATS_URL: DEFAULTS.NATS_URL, LOG_LEVEL: 'info' });
  });

  it.each([
    ['abc', 'PORT: must be a port number 0-65535 (got "abc")'],
    ['70000', 'PORT: must be a port number 0-65535 (got "70000")'],
    ['-1', 'PORT: must be a port number 0-65535 (got "-1")'],
    ['80.5', 'PORT: must be a port number 0-65535 (got "80.5")'],
  ])('rejects PORT=%s with a ConfigError naming PORT and the value', (value, problem) => {
    const error = configErrorOf({ PORT: value });
    expect(error.code).toBe('CONFIG.INVALID');
    expect(error.problems).toEqual([problem]);
    expect(error.message).toBe(`invalid configuration:\n  - ${problem}`);
  });

  it.each([['http://x'], ['nats-server:4222'], ['not a url']])('rejects NATS_URL=%s, naming the accepted schemes', (value) => {
    expect(configErrorOf({ NATS_URL: value }).problems).toEqual([`NATS_URL: must be a URL with scheme nats or tls or ws or wss (got ${JSON.stringify(value)})`]);
  });

  it.each([' ', '0x50', '1e3', '3001.0'])('refuses PORT=%j instead of reading it loosely', (value) => {
    expect(() => loadConfig(schema, { PORT: value })).toThrow(/PORT: must be a port number 0-65535/);
  });

  it('reads STREAM_REPLICAS (1 by default) and refuses a value a cluster cannot have', () => {
    expect(loadConfig(schema, {}).STREAM_REPLICAS).toBe(1);
    expect(loadConfig(schema, { STREAM_REPLICAS: '3' }).STREAM_REPLICAS).toBe(3);
    expect(() => loadConfig(schema, { STREAM_REPLICAS: '7' })).toThrow(/STREAM_REPLICAS: must be 1-5/);
  });

  it('names every bad variable at once', () => {
    const error = configErrorOf({ PORT: 'abc', DATABASE_URL: 'mysql://db/x', LOG_LEVEL: 'trace', NATS_PREFIX: 'a.b' });
    const named = error.problems.map((p) => p.split(':')[0]).sort();
    expect(named).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'NATS_PREFIX', 'PORT']);
    for (const variable of named) expect(error.message).toContain(`  - ${variable}: `);
  });
});

describe('loadConfig: AUTH_SECRET or AUTH_SECRET_FILE', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'twinline-config-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it('given neither, then it stops, naming both variables', () => {
    expect(configErrorOf({}, false).problems).toEqual(['AUTH_SECRET: required: set AUTH_SECRET (at least 32 characters) or AUTH_SECRET_FILE (a file holding it) (got null)']);
  });

  it('given a short AUTH_SECRET, then it stops naming the rule and the length, never the value', () => {
    const error = configErrorOf({ AUTH_SECRET: 'hunter2-hunter2' }, false);
    expect(error.problems).toEqual(['AUTH_SECRET: must be at least 32 characters (got 15 characters)']);
    expect(error.message).not.toContain('hunter2');
  });

  it('given AUTH_SECRET_FILE, then it reads the file, trimmed', () => {
    const config = loadWith(schema, { AUTH_SECRET_FILE: file('ok', `  ${'s'.repeat(40)}\n`) });
    expect(config.AUTH_SECRET).toBe('s'.repeat(40));
  });

  it('given AUTH_SECRET_FILE with a short secret, then it stops naming AUTH_SECRET_FILE and the file, never the value', () => {
    const path = file('short', 'hunter2\n');
    const error = configErrorOf({ AUTH_SECRET_FILE: path }, false);
    expect(error.problems).toEqual([`AUTH_SECRET_FILE: must be at least 32 characters (got 7 characters in ${path})`]);
    expect(error.message).not.toContain('hunter2');
  });

  it('given AUTH_SECRET_FILE that cannot be read, then it stops naming the variable and the file', () => {
    expect(configErrorOf({ AUTH_SECRET_FILE: join(dir, 'missing') }, false).problems).toEqual([`AUTH_SECRET_FILE: cannot read ${join(dir, 'missing')} (ENOENT)`]);
    if (process.getuid?.() !== 0) {
      const locked = file('locked', SECRET);
      chmodSync(locked, 0o000);
      expect(configErrorOf({ AUTH_SECRET_FILE: locked }, false).problems).toEqual([`AUTH_SECRET_FILE: cannot read ${locked} (EACCES)`]);
    }
  });

  it('given both, then it stops: exactly one may be set', () => {
    expect(configErrorOf({ AUTH_SECRET: SECRET, AUTH_SECRET_FILE: file('both', SECRET) }, false).problems).toEqual(['AUTH_SECRET_FILE: set AUTH_SECRET or AUTH_SECRET_FILE, not both']);
  });
});

describe('topologyFrom and schemaName', () => {
  it('derive the NATS names and the Postgres schema from the prefixes', () => {
    const config = loadConfig(schema, { NATS_PREFIX: 'run-7', DB_SCHEMA_PREFIX: 'run7_' });
    expect(topologyFrom(config).rawTelemetry('P-101')).toBe('run-7.telemetry.raw.P-101');
    expect(topologyFrom(config).streams.telemetry).toBe('RUN_7_TELEMETRY');
    expect(schemaName(config, 'twin-state')).toBe('run7_twin_state');
    expect(schemaName(loadConfig(schema, {}), 'maintenance-scheduler')).toBe('maintenance_scheduler');
  });
});
