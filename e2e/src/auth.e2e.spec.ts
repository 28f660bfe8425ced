import { randomUUID } from 'node:crypto';
import { ROLES, type Role } from '@twinline/contracts';
import type { ServiceName } from '@twinline/cli';
import { issueToken } from '@twinline/service-kit';
import { getJson, postJson, putJson, startHarness, type Harness, type HttpResult } from './harness';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  reason?: string;
  requiredRoles?: Role[];
  tokenRoles?: Role[];
}

/** A read API of each service that has one (ingestion has none: it only takes telemetry). */
const READS: ReadonlyArray<readonly [ServiceName, string]> = [
  ['integrity', '/v1/quarantine?limit=1'],
  ['integrity', '/v1/registry/assets'],
  ['twin-state', '/v1/assets?limit=1'],
  ['maintenance-scheduler', '/v1/work-orders?limit=1'],
  ['notification', '/v1/deliveries?limit=1'],
];
const SERVICES: readonly ServiceName[] = ['ingestion', 'integrity', 'twin-state', 'maintenance-scheduler', 'notification'];
const NON_ADMINS = ['auditor', 'operator', 'planner'] as const;

/**
 * Users, roles and tokens on every HTTP API, through the five services as processes: reads need a
 * valid token of any role, writes need their role (admin for the registry and quarantine reviews),
 * health and metrics stay open, and telemetry is the devices' channel, closed to user tokens.
 */
describe('users, roles and tokens on the HTTP APIs', () => {
  let h: Harness;
  const url = (service: ServiceName, path: string) => `${h.platform.urls[service]}${path}`;
  const expectUnauthenticated = (r: HttpResult<Problem>, reason: string) => {
    expect(r.status).toBe(401);
    expect(r.contentType).toContain('application/problem+json');
    expect(r.headers.get('www-authenticate')).toMatch(/^Bearer realm="twinline"/);
    expect(r.body).toMatchObject({ title: 'Unauthorized', status: 401, code: 'AUTH.UNAUTHENTICATED', reason });
  };

  beforeAll(async () => {
    h = await startHarness('e2e_auth');
  });
  afterAll(async () => {
    await h?.teardown();
  });

  it.each(READS)('%s %s: no token is 401 problem details with a Bearer challenge', async (service, path) => {
    const r = await getJson<Problem>(url(service, path), {});
    expectUnauthenticated(r, 'missing');
    expect(r.body.detail).toMatch(/needs an access token: send "Authorization: Bearer <token>"/);
  });

  it.each(READS)('%s %s: a malformed, a wrongly signed or an expired token is 401', async (service, path) => {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const wronglySigned = issueToken({ sub: 'mallory', roles: ['admin'], ttlSeconds: 3600, nowSeconds }, 'not-the-platform-secret-but-32-chars-long');
    const expired = issueToken({ sub: 'alice', roles: ['admin'], ttlSeconds: 3600, nowSeconds: nowSeconds - 7200 }, h.authSecret);
    expectUnauthenticated(await getJson<Problem>(url(service, path), { token: 'not-a-jwt' }), 'malformed');
    expectUnauthenticated(await getJson<Problem>(url(service, path), { token: wronglySigned }), 'bad-signature');
    const late = await getJson<Problem>(url(service, path), { token: expired });
    expectUnauthenticated(late, 'expired');
    expect(late.body.detail).toMatch(/the token expired at /);
  });

  it.each(READS)('%s %s: auditor, operator, planner and admin tokens read', async (service, path) => {
    const statuses = await Promise.all(ROLES.map(async (role) => [role, (await getJson(url(service, path), { token: h.tokens[role] })).status]));
    expect(Object.fromEntries(statuses)).toEqual({ operator: 200, planner: 200, auditor: 200, admin: 200 });
  });

  it.each(SERVICES)('%s: /health/ready and /metrics answer without a token', async (service) => {
    expect((await getJson(url(service, '/health/ready'), {})).status).toBe(200);
    const metrics = await getJson<string>(url(service, '/metrics'), {});
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('process_cpu_seconds_total');
  });

  it('POST /v1/telemetry is the devices\' channel: a user token is refused with 403, none is needed', async () => {
    const reading = { deviceId: 'A-1-edge', assetId: 'A-1', seq: 1, ts: new Date().toISOString(), metrics: { temperatureC: 40 } };
    for (const role of ROLES) {
      const r = await postJson<Problem>(url('ingestion', '/v1/telemetry'), reading, { token: h.tokens[role] });
      expect({ role, status: r.status, detail: r.body.detail }).toEqual({ role, status: 403, detail: 'telemetry is written by devices with signed readings; user tokens cannot write telemetry' });
    }
    expect((await postJson(url('ingestion', '/v1/telemetry'), reading)).status).toBe(202);
  });

  describe('writes that need admin', () => {
    const readingId = randomUUID();
    const WRITES: ReadonlyArray<readonly [string, (token: string | undefined) => Promise<HttpResult<Problem>>]> = [
      ['PUT /v1/registry/assets/X-1', (token) => putJson<Problem>(url('integrity', '/v1/registry/assets/X-1'), { assetClass: 'pump', site: 'north-field' }, { token })],
      ['PUT /v1/registry/devices/X-1-edge', (token) => putJson<Problem>(url('integrity', '/v1/registry/devices/X-1-edge'), { assetId: 'X-1' }, { token })],
      ['POST /v1/quarantine/:readingId/release', (token) => postJson<Problem>(url('integrity', `/v1/quarantine/${readingId}/release`), { note: 'looks fine' }, { token })],
      ['POST /v1/quarantine/:readingId/discard', (token) => postJson<Problem>(url('integrity', `/v1/quarantine/${readingId}/discard`), { note: 'sensor fault' }, { token })],
    ];

    it.each(WRITES)('%s: auditor, operator and planner get 403 naming the role admin and their own', async (_write, send) => {
      for (const role of NON_ADMINS) {
        const r = await send(h.tokens[role]);
        expect({ role, status: r.status, contentType: r.contentType }).toEqual({ role, status: 403, contentType: expect.stringContaining('application/problem+json') });
        expect(r.body).toMatchObject({ title: 'Forbidden', code: 'AUTH.FORBIDDEN', requiredRoles: ['admin'], tokenRoles: [role] });
        expect(r.body.detail).toContain(`needs the role admin; the token of ${role} has the role(s) ${role}`);
      }
    });

    it.each(WRITES)('%s: no token is 401; an admin token passes the guard', async (_write, send) => {
      expectUnauthenticated(await send(undefined), 'missing');
      const r = await send(h.tokens.admin);
      expect({ status: r.status, code: r.body?.code, passed: ![401, 403].includes(r.status) }).toMatchObject({ passed: true });
    });

    it('PUT /v1/registry/assets/X-1 with an admin token registers the asset', async () => {
      const r = await putJson(url('integrity', '/v1/registry/assets/X-1'), { assetClass: 'pump', site: 'north-field' }, { token: h.tokens.admin });
      expect(r.status).toBe(200);
      expect((await getJson<{ assetId: string }>(url('integrity', '/v1/registry/assets/X-1'), { token: h.tokens.auditor })).body).toMatchObject({ assetId: 'X-1' });
    });
  });
});
