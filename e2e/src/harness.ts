import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { connect } from 'nats';
import { ROLES, topology, type Role } from '@twinline/contracts';
import { freePort, startRecordingServer, uniqueName, TEST_DATABASE_URL } from '@twinline/testing';
import { deleteStreams } from '@twinline/messaging';
import { issueToken } from '@twinline/service-kit';
import { SERVICES, startPlatform, type Platform, type ServiceName } from '@twinline/cli';

export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
export const MQTT_URL = process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';

export interface Harness {
  readonly platform: Platform;
  readonly webhook: Awaited<ReturnType<typeof startRecordingServer>>;
  readonly topicRoot: string;
  readonly logs: string[];
  /** The AUTH_SECRET of this harness's services (random per harness), to sign tokens of one's own. */
  readonly authSecret: string;
  /** A token per role (sub = the role name, valid 6 h): `getJson(url, { token: h.tokens.auditor })`. */
  readonly tokens: Readonly<Record<Role, string>>;
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
  const authSecret = randomBytes(32).toString('base64url');
  const nowSeconds = Math.floor(Date.now() / 1000);
  const tokens = Object.fromEntries(ROLES.map((role) => [role, issueToken({ sub: role, roles: [role], ttlSeconds: 6 * 3600, nowSeconds }, authSecret)])) as Record<Role, string>;
  const env = {
    NATS_URL,
    DATABASE_URL: TEST_DATABASE_URL,
    MQTT_URL,
    NATS_PREFIX: id,
    DB_SCHEMA_PREFIX: `${id}_`,
    MQTT_TOPIC_ROOT: id,
    MQTT_CLIENT_ID: `${id}-ingestion`,
    // The broker forgets a test's session (and its subscription) shortly after the test.
    MQTT_SESSION_EXPIRY_SECONDS: '30',
    NOTIFY_WEBHOOK_URL: `${webhook.url}/notify`,
    NOTIFY_BASE_DELAY_MS: '50',
    NOTIFY_POLL_MS: '20',
    LOG_LEVEL: 'info',
    AUTH_SECRET: authSecret,
    AUTH_SECRET_FILE: '',
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
    authSecret,
    tokens,
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

export interface HttpResult<T> {
  readonly status: number;
  /** The JSON body; the text when the answer is not JSON; undefined when there is none. */
  readonly body: T;
  readonly headers: Headers;
  readonly contentType: string | null;
}

/** Options of a request: `token` goes out as `Authorization: Bearer <token>`; none, no header. */
export interface RequestOptions {
  readonly token?: string;
}

async function request<T>(method: string, url: string, o: RequestOptions & { body?: string }): Promise<HttpResult<T>> {
  const headers: Record<string, string> = {};
  if (o.token !== undefined) headers.authorization = `Bearer ${o.token}`;
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, { method, headers, ...(o.body !== undefined ? { body: o.body } : {}) });
  const text = await response.text();
  const contentType = response.headers.get('content-type');
  const body = (text === '' ? undefined : /\bjson\b/.test(contentType ?? '') ? JSON.parse(text) : text) as T;
  return { status: response.status, body, headers: response.headers, contentType };
}

/** GET with a token (every API but /health and /metrics needs one): `getJson(url, { token: h.tokens.operator })`. */
export function getJson<T = Record<string, unknown>>(url: string, o: RequestOptions): Promise<HttpResult<T>> {
  return request<T>('GET', url, o);
}

/** POST a JSON body (`raw`: the body is sent as given, not JSON-encoded). POST /v1/telemetry takes no token. */
export function postJson<T = Record<string, unknown>>(url: string, body: unknown, o: RequestOptions & { readonly raw?: boolean } = {}): Promise<HttpResult<T>> {
  return request<T>('POST', url, { ...o, body: o.raw ? String(body) : JSON.stringify(body) });
}

export function putJson<T = Record<string, unknown>>(url: string, body: unknown, o: RequestOptions): Promise<HttpResult<T>> {
  return request<T>('PUT', url, { ...o, body: JSON.stringify(body) });
}
