import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { connect, type NatsConnection } from 'nats';
import { topology } from '@twinline/contracts';
import { deleteStreams } from '@twinline/messaging';
import { AssetDirectoryPublisher, createServiceApp, issueToken } from '@twinline/service-kit';
import { uniqueName, waitFor } from '@twinline/testing';
import { NO_PREDICTION } from './api/prediction-view';
import { ConsoleModule } from './app.module';
import { loadConsoleConfig } from './config';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const SECRET = 'the-console-integration-secret-of-32-chars';
const NOW = () => Math.floor(Date.now() / 1000);
const token = (roles: Array<'operator' | 'auditor' | 'admin'> = ['operator']) => issueToken({ sub: 'alice', roles, ttlSeconds: 600, nowSeconds: NOW() }, SECRET);

const P101 = {
  assetId: 'P-101',
  status: 'ALARM',
  label: 'ALARM: Predictive Maintenance Required',
  metrics: { temperatureC: { value: 85, ts: '2026-01-01T00:05:00.000Z', readingId: 'r5' } },
  activeAlarms: [{ alarmId: 'a1', cause: 'THRESHOLD_EXCEEDED', severity: 'HIGH' }],
  sensorFault: null,
  lastReadingTs: '2026-01-01T00:05:00.000Z',
  profile: 'pump',
  version: 4,
};

/** A stand-in for twin-state and the other services: answers by path, records what it was asked. */
async function startFakeServices(): Promise<{ url: string; received: IncomingMessage[]; bodies: string[]; close(): Promise<void> }> {
  const received: IncomingMessage[] = [];
  const bodies: string[] = [];
  const json = (res: import('node:http').ServerResponse, status: number, body: unknown, type = 'application/json') => res.writeHead(status, { 'content-type': type }).end(JSON.stringify(body));
  const server: Server = createServer((req, res) => {
    received.push(req);
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'POST') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        bodies.push(body);
        json(res, 200, { echoed: url.pathname, body: JSON.parse(body) as unknown });
      });
      return;
    }
    if (url.pathname === '/v1/audit/verify') return json(res, 200, { valid: true, streamId: url.searchParams.get('streamId') });
    if (url.pathname === '/v1/alarm-kpis' || url.pathname === '/v1/alarms' || url.pathname.startsWith('/v1/profiles/')) return json(res, 200, { echoed: url.pathname, query: Object.fromEntries(url.searchParams) });
    if (req.headers.authorization === undefined) return json(res, 401, { status: 401, code: 'AUTH.UNAUTHENTICATED', detail: 'no token' }, 'application/problem+json');
    if (url.pathname === '/v1/assets') return json(res, 200, { items: [P101], nextAfter: null });
    if (url.pathname === '/v1/assets/P-101') return json(res, 200, P101);
    if (url.pathname === '/v1/profiles') return json(res, 200, { items: [{ assetClass: 'default', name: 'default', version: 1, limits: { temperatureC: { max: 80 } } }, { assetClass: 'pump', name: 'pump', version: 1, limits: { temperatureC: { max: 80 }, pressurePsi: { max: 1500 } } }], assetClasses: {} });
    if (url.pathname === '/v1/assets/P-101/events') {
      const readings = (from: number) => Array.from({ length: 3 }, (_, i) => ({ readingId: `r${from + i}`, ts: new Date(Date.UTC(2026, 0, 1, 0, from + i)).toISOString(), metrics: { temperatureC: 70 + from + i } }));
      const fromVersion = Number(url.searchParams.get('fromVersion'));
      return json(res, 200, fromVersion === 1 ? { items: [{ type: 'ReadingsApplied', data: { readings: readings(3) } }], nextFromVersion: 2 } : { items: [{ type: 'ReadingsApplied', data: { readings: readings(0) } }], nextFromVersion: null });
    }
    return json(res, 404, { type: 'https://twinline.dev/problems/twin-not-found', title: 'Not Found', status: 404, code: 'TWIN.NOT_FOUND', detail: `no twin at ${url.pathname}` }, 'application/problem+json');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    bodies,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** Reads server-sent events from a response body as they arrive. */
function sseReader(body: ReadableStream<Uint8Array>) {
  const events: Array<{ event: string; data: unknown }> = [];
  let text = '';
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const pump = (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) return;
      text += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = text.indexOf('\n\n')) >= 0) {
        const block = text.slice(0, end);
        text = text.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) as unknown });
      }
    }
  })();
  return { events, stop: async () => { await reader.cancel().catch(() => undefined); await pump; } };
}

describe('the console against services and NATS', () => {
  const id = uniqueName('console');
  const t = topology(id);
  let app: NestFastifyApplication;
  let base: string;
  let services: Awaited<ReturnType<typeof startFakeServices>>;
  let nc: NatsConnection;
  let site: string;

  beforeAll(async () => {
    services = await startFakeServices();
    nc = await connect({ servers: NATS_URL });
    site = mkdtempSync(join(tmpdir(), 'console-site-'));
    writeFileSync(join(site, 'index.html'), '<!doctype html><title>Twinline</title>');
    writeFileSync(join(site, 'app.js'), 'export {};');
    const config = loadConsoleConfig({ AUTH_SECRET: SECRET, NATS_URL, NATS_PREFIX: id, TWIN_URL: services.url, INTEGRITY_URL: services.url, SCHEDULER_URL: services.url, NOTIFICATION_URL: services.url, CONSOLE_PUBLIC_DIR: site, CONSOLE_LIVE_PING_MS: '200' });
    // The directory integrity publishes: the console reads class and site from it.
    await new AssetDirectoryPublisher(nc, t.buckets.assets).put({ assetId: 'P-101', assetClass: 'pump', site: 'north-field' });
    await new AssetDirectoryPublisher(nc, t.buckets.assets).put({ assetId: 'C-201', assetClass: 'compressor', site: 'south-field' });
    app = await createServiceApp({ name: 'console', module: ConsoleModule.forConfig(config) });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
    base = base.replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    await services?.close();
    if (nc) {
      await deleteStreams(await nc.jetstreamManager(), t);
      await nc.close();
    }
    if (site) rmSync(site, { recursive: true, force: true });
  });

  const get = async (path: string, bearer?: string) => {
    const response = await fetch(`${base}${path}`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
    const text = await response.text();
    return { status: response.status, type: response.headers.get('content-type') ?? '', body: /json/.test(response.headers.get('content-type') ?? '') ? (JSON.parse(text) as Record<string, unknown>) : text, headers: response.headers };
  };

  it('GET /api/session: 401 problem without a token or with a bad one, the claims with a good one', async () => {
    const missing = await get('/api/session');
    expect(missing).toMatchObject({ status: 401, body: { code: 'AUTH.UNAUTHENTICATED', reason: 'missing' } });
    expect(missing.type).toContain('application/problem+json');
    expect((await get('/api/session', issueToken({ sub: 'eve', roles: ['admin'], ttlSeconds: 60, nowSeconds: NOW() }, 'another-secret-that-is-32-characters-long'))).status).toBe(401);
    const ok = await get('/api/session', token(['operator', 'auditor']));
    expect(ok).toMatchObject({ status: 200, body: { sub: 'alice', roles: ['operator', 'auditor'] } });
    expect(Date.parse((ok.body as { expiresAt: string }).expiresAt)).toBeGreaterThan(Date.now());
  });

  it('GET /api/fleet: the twins with class and site from the directory, forwarding the caller\'s token', async () => {
    const bearer = token();
    const fleet = await waitFor(() => get('/api/fleet', bearer), { accept: (r) => (r.body as { items?: Array<{ assetId: string; site: string | null }> }).items?.find((i) => i.assetId === 'C-201')?.site === 'south-field', what: 'the fleet with the directory' });
    expect(fleet.status).toBe(200);
    expect(fleet.body).toEqual({
      items: [
        { assetId: 'C-201', assetClass: 'compressor', site: 'south-field', status: 'NO_DATA', label: 'No data yet', metrics: {}, activeAlarms: [], alarms: [], sensorFault: false, predictedBreachAt: null, prediction: NO_PREDICTION, updatedAt: null },
        { assetId: 'P-101', assetClass: 'pump', site: 'north-field', status: 'ALARM', label: P101.label, metrics: { temperatureC: { value: 85, ts: '2026-01-01T00:05:00.000Z' } }, activeAlarms: P101.activeAlarms, alarms: P101.activeAlarms, sensorFault: false, predictedBreachAt: null, prediction: NO_PREDICTION, updatedAt: '2026-01-01T00:05:00.000Z' },
      ],
      sites: ['north-field', 'south-field'],
      classes: ['compressor', 'pump'],
    });
    expect(services.received.some((r) => r.url?.startsWith('/v1/assets?') && r.headers.authorization === `Bearer ${bearer}`)).toBe(true);
    expect((await get('/api/fleet?site=north-field', bearer)).body).toMatchObject({ items: [{ assetId: 'P-101' }], sites: ['north-field', 'south-field'] });
  });

  it('GET /api/assets/:id: the twin, its limits and the vibration zones; a service\'s problem passes through', async () => {
    const r = await get('/api/assets/P-101', token());
    expect(r).toMatchObject({ status: 200, body: { twin: P101, assetClass: 'pump', site: 'north-field', limits: { temperatureC: { max: 80 }, pressurePsi: { max: 1500 } }, profile: { name: 'pump' } } });
    expect((r.body as { vibrationZones: unknown }).vibrationZones).toEqual([{ zone: 'A', max: 1.4 }, { zone: 'B', max: 2.8 }, { zone: 'C', max: 4.5 }, { zone: 'D', max: null }]);
    const missing = await get('/api/assets/NOPE-1', token());
    expect(missing).toMatchObject({ status: 404, body: { code: 'TWIN.NOT_FOUND', detail: 'no twin at /v1/assets/NOPE-1' } });
    expect(missing.type).toContain('application/problem+json');
    // An id that would move up the service's path never leaves the console.
    const before = services.received.length;
    const authorization = `Bearer ${token()}`;
    // (node:http sends the path as it is; fetch would resolve the dots first)
    const raw = (method: string, path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: new URL(base).port, path, method, headers: { authorization } }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });
    const up = await raw('GET', '/api/assets/%2E%2E/events');
    expect({ status: up.status, code: (JSON.parse(up.body) as { code: string }).code }).toEqual({ status: 400, code: 'CONTRACT.INVALID' });
    expect((await raw('POST', '/api/work-orders/%2E%2E/approve')).status).toBe(400);
    expect((await raw('POST', '/api/assets/P-101/alarms/%2E/acknowledge')).status).toBe(400);
    expect(services.received.length).toBe(before);
  });

  it('GET /api/assets/:id/series: the readings of every page, time-ordered', async () => {
    const r = await get('/api/assets/P-101/series', token());
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ points: [0, 1, 2, 3, 4, 5].map((m) => ({ ts: new Date(Date.UTC(2026, 0, 1, 0, m)).toISOString(), temperatureC: 70 + m })), truncated: false });
  });

  it('POST: acknowledges and moves work orders with the caller\'s token; the console checks the roles it declares', async () => {
    const operator = token(['operator']);
    const ack = await fetch(`${base}/api/assets/P-101/alarms/a1/acknowledge`, { method: 'POST', headers: { authorization: `Bearer ${operator}` } });
    expect(ack.status).toBe(200);
    expect(await ack.json()).toEqual({ echoed: '/v1/assets/P-101/alarms/a1/acknowledge', body: {} });
    const note = await fetch(`${base}/api/assets/P-101/alarms/a%2F1/acknowledge`, { method: 'POST', headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' }, body: JSON.stringify({ note: 'on it' }) });
    expect(await note.json()).toEqual({ echoed: '/v1/assets/P-101/alarms/a%2F1/acknowledge', body: { note: 'on it' } });
    const auditorAck = await fetch(`${base}/api/assets/P-101/alarms/a1/acknowledge`, { method: 'POST', headers: { authorization: `Bearer ${token(['auditor'])}` } });
    expect(auditorAck.status).toBe(403);
    const approve = await fetch(`${base}/api/work-orders/WO-1/approve`, { method: 'POST', headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' }, body: '{"note":"ok"}' });
    expect(await approve.json()).toEqual({ echoed: '/v1/work-orders/WO-1/approve', body: { note: 'ok' } });
    expect((await fetch(`${base}/api/work-orders/WO-1/explode`, { method: 'POST', headers: { authorization: `Bearer ${operator}` } })).status).toBe(404);
    expect(services.received.filter((r) => r.method === 'POST').every((r) => r.headers.authorization === `Bearer ${operator}`)).toBe(true);
    expect((await get('/api/audit/verify?assetId=P-101', operator)).status).toBe(403);
    expect(await get('/api/audit/verify?assetId=P-101', token(['auditor']))).toMatchObject({ status: 200, body: { valid: true, streamId: 'asset-P-101' } });
  });

  it('the alarm lifecycle (issue 5): shelve, unshelve, out of service and back forward with the caller\'s token (operators); KPIs, alarms and a class profile are read through', async () => {
    const operator = token(['operator']);
    const post = (path: string, bearer: string, body?: unknown) =>
      fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${bearer}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const shelve = await post('/api/assets/P-101/alarms/a1/shelve', operator, { durationMinutes: 30, reason: 'test run' });
    expect(shelve.status).toBe(200);
    expect(await shelve.json()).toEqual({ echoed: '/v1/assets/P-101/alarms/a1/shelve', body: { durationMinutes: 30, reason: 'test run' } });
    expect(await (await post('/api/assets/P-101/alarms/a1/unshelve', operator)).json()).toEqual({ echoed: '/v1/assets/P-101/alarms/a1/unshelve', body: {} });
    expect(await (await post('/api/assets/P-101/alarm-causes/VIBRATION_HIGH/out-of-service', operator, { reason: 'sensor swap' })).json()).toEqual({ echoed: '/v1/assets/P-101/alarm-causes/VIBRATION_HIGH/out-of-service', body: { reason: 'sensor swap' } });
    expect(await (await post('/api/assets/P-101/alarm-causes/VIBRATION_HIGH/in-service', operator)).json()).toEqual({ echoed: '/v1/assets/P-101/alarm-causes/VIBRATION_HIGH/in-service', body: {} });
    // Auditors (and planners) change nothing: the console refuses before twin-state is asked.
    const before = services.received.length;
    expect((await post('/api/assets/P-101/alarms/a1/shelve', token(['auditor']), { durationMinutes: 30, reason: 'x' })).status).toBe(403);
    expect((await post('/api/assets/P-101/alarm-causes/NO_DATA/out-of-service', token(['auditor']), { reason: 'x' })).status).toBe(403);
    expect(services.received.length).toBe(before);

    const auditor = token(['auditor']);
    expect(await get('/api/alarm-kpis?site=north-field&from=2026-01-01T00:00:00Z', auditor)).toMatchObject({ status: 200, body: { echoed: '/v1/alarm-kpis', query: { site: 'north-field', from: '2026-01-01T00:00:00Z' } } });
    expect((await get('/api/alarm-kpis?from=yesterday', auditor)).status).toBe(400);
    expect(await get('/api/alarms?state=shelved', auditor)).toMatchObject({ status: 200, body: { echoed: '/v1/alarms', query: { state: 'shelved' } } });
    expect(await get('/api/profiles/pump', auditor)).toMatchObject({ status: 200, body: { echoed: '/v1/profiles/pump' } });
    expect(services.received.slice(before).every((r) => r.headers.authorization === `Bearer ${auditor}`)).toBe(true);
  });

  it('GET /api/live: 401 without a token; with one, a published twin event arrives as event: twin', async () => {
    expect((await get('/api/live')).status).toBe(401);
    const controller = new AbortController();
    const response = await fetch(`${base}/api/live?token=${encodeURIComponent(token())}`, { signal: controller.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const sse = sseReader(response.body!);
    try {
      const js = nc.jetstream();
      const envelope = { eventId: 'e1', type: 'AlarmRaised', schemaVersion: 1, occurredAt: '2026-01-01T00:05:00.000Z', recordedAt: '2026-01-01T00:05:01.000Z', assetId: 'P-101', streamId: 'asset-P-101', streamVersion: 5, position: '5', correlationId: 'c', causationId: null, data: { alarmId: 'a1', severity: 'HIGH' }, metadata: { correlationId: 'c', causationId: null, actor: 'service:twin-state' } };
      await js.publish(t.twinEvent('P-101', 'AlarmRaised'), JSON.stringify(envelope));
      await js.publish(t.maintenanceEvent('P-101', 'WorkOrderOpened'), JSON.stringify({ ...envelope, type: 'WorkOrderOpened', data: { workOrderId: 'w1' } }));
      await waitFor(() => sse.events.length >= 2, { what: 'the live events' });
      expect(sse.events).toEqual([
        { event: 'twin', data: { assetId: 'P-101', type: 'AlarmRaised', occurredAt: '2026-01-01T00:05:00.000Z', version: 5, data: { alarmId: 'a1', severity: 'HIGH' } } },
        { event: 'workorder', data: { assetId: 'P-101', workOrderId: 'w1', type: 'WorkOrderOpened', occurredAt: '2026-01-01T00:05:00.000Z', data: { workOrderId: 'w1' } } },
      ]);
    } finally {
      controller.abort();
      await sse.stop();
    }
    const metrics = async () => (await get('/metrics')).body as string;
    await waitFor(async () => /twinline_console_live_clients 0\b/.test(await metrics()), { what: 'the closed feed to be removed' });
  });

  it('serves the web app: files with their type, index.html for deep links, 404 under /api', async () => {
    const index = await get('/');
    expect(index).toMatchObject({ status: 200, body: '<!doctype html><title>Twinline</title>' });
    expect(index.type).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await get('/assets/P-101')).body).toBe('<!doctype html><title>Twinline</title>');
    const js = await get('/app.js');
    expect(js.type).toBe('text/javascript; charset=utf-8');
    const again = await fetch(`${base}/app.js`, { headers: { 'if-none-match': js.headers.get('etag')! } });
    expect(again.status).toBe(304);
    expect((await get('/missing.js')).status).toBe(404);
    expect(await get('/api/nothing-here', token())).toMatchObject({ status: 404, body: { code: 'HTTP.404' } });
  });
});
