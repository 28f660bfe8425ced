import { Pool } from 'pg';
import { connect } from 'nats';
import { topology } from '@twinline/contracts';
import { freePort, startRecordingServer, uniqueName, TEST_DATABASE_URL } from '@twinline/testing';
import { deleteStreams } from '@twinline/messaging';
import { SERVICES, startPlatform, type Platform, type ServiceName } from '@twinline/cli';

export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
export const MQTT_URL = process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';

export interface Harness {
  readonly platform: Platform;
  readonly webhook: Awaited<ReturnType<typeof startRecordingServer>>;
  readonly topicRoot: string;
  readonly logs: string[];
  teardown(): Promise<void>;
}

/**
 * The five services as separate processes on the real NATS, Postgres and MQTT broker, isolated by
 * their own stream/subject prefix, Postgres schemas, MQTT topic root and ports. Teardown removes them.
 */
export async function startHarness(name: string, extraEnv: Record<string, string> = {}): Promise<Harness> {
  const id = uniqueName(name);
  const webhook = await startRecordingServer();
  const ports = Object.fromEntries(await Promise.all(SERVICES.map(async (s) => [s.name, await freePort()]))) as Record<ServiceName, number>;
  const logs: string[] = [];
  const env = {
    NATS_URL,
    DATABASE_URL: TEST_DATABASE_URL,
    MQTT_URL,
    NATS_PREFIX: id,
    DB_SCHEMA_PREFIX: `${id}_`,
    MQTT_TOPIC_ROOT: id,
    MQTT_CLIENT_ID: `${id}-ingestion`,
    NOTIFY_WEBHOOK_URL: `${webhook.url}/notify`,
    NOTIFY_BASE_DELAY_MS: '50',
    NOTIFY_POLL_MS: '20',
    LOG_LEVEL: 'info',
    ...extraEnv,
  };
  const platform = await startPlatform({ env, ports, onLog: (service, line) => logs.push(`${service} | ${line}`), readyTimeoutMs: 90_000 }).catch((error: Error) => {
    throw new Error(`${error.message}\n${logs.slice(-40).join('\n')}`);
  });
  return {
    platform,
    webhook,
    topicRoot: id,
    logs,
    async teardown() {
      await platform.stop();
      await webhook.close();
      await removeIsolated(id);
    },
  };
}

/** Removes what an isolated run created: its streams (prefix `id`) and Postgres schemas (`id_*`). */
export async function removeIsolated(id: string): Promise<void> {
  const nc = await connect({ servers: NATS_URL });
  await deleteStreams(await nc.jetstreamManager(), topology(id));
  await nc.close();
  const pool = new Pool({ connectionString: TEST_DATABASE_URL });
  const schemas = await pool.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE nspname LIKE $1`, [`${id}\\_%`]);
  for (const { nspname } of schemas.rows) await pool.query(`DROP SCHEMA "${nspname}" CASCADE`);
  await pool.end();
}

export async function getJson<T = Record<string, unknown>>(url: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as T };
}

export async function postJson<T = Record<string, unknown>>(url: string, body: unknown, raw = false): Promise<{ status: number; body: T; contentType: string | null }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw ? String(body) : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as T, contentType: response.headers.get('content-type') };
}
