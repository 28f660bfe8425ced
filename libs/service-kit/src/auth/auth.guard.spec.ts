import 'reflect-metadata';
import { Body, Controller, Get, HttpCode, Post, Put, Req } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Role } from '@twinline/contracts';
import { HealthController, Readiness } from '../health';
import { MetricsController } from '../metrics';
import { ProblemDetailsFilter } from '../problem-details';
import { Actor, authProviders, DeviceChannel, RequireRoles, type AuthenticatedRequest } from './auth.guard';
import { issueToken } from './token';

const SECRET = 'a-guard-test-secret-of-32-characters-or-more';
const NOW = 1_704_067_200;
const tokenFor = (roles: Role[], o: { nowSeconds?: number; secret?: string } = {}) =>
  issueToken({ sub: 'alice', roles, ttlSeconds: 3600, nowSeconds: o.nowSeconds ?? NOW }, o.secret ?? SECRET);

@Controller('v1/things')
class ThingsController {
  @Get()
  list(@Actor() actor: string, @Req() request: AuthenticatedRequest) {
    return { actor, roles: request.user?.roles };
  }

  @Put(':id')
  @RequireRoles('planner')
  put(@Actor() actor: string) {
    return { by: actor };
  }

  /** A write nobody declared a role for: denied by default. */
  @Post('undeclared')
  undeclared() {
    return { ok: true };
  }
}

@Controller('v1/admin-things')
@RequireRoles('admin')
class AdminThingsController {
  @Post()
  create() {
    return { ok: true };
  }

  @Post('operated')
  @RequireRoles('operator')
  operated() {
    return { ok: true };
  }
}

@Controller('v1/telemetry')
class TelemetryController {
  @Post()
  @HttpCode(202)
  @DeviceChannel()
  receive(@Body() body: unknown) {
    return { accepted: body ? 1 : 0 };
  }
}

describe('AuthGuard', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const module = await Test.createTestingModule({
      controllers: [HealthController, MetricsController, ThingsController, AdminThingsController, TelemetryController],
      providers: [Readiness, ...authProviders(SECRET, () => NOW + 60)],
    }).compile();
    app = module.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    app.useGlobalFilters(new ProblemDetailsFilter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(async () => {
    await app?.close();
  });

  const call = async (method: 'GET' | 'HEAD' | 'POST' | 'PUT', url: string, o: { token?: string; authorization?: string; body?: unknown } = {}) => {
    const authorization = o.authorization ?? (o.token ? `Bearer ${o.token}` : undefined);
    const response = await app.inject({ method, url, headers: authorization ? { authorization } : {}, ...(o.body !== undefined ? { payload: o.body as Record<string, unknown> } : {}) });
    return { status: response.statusCode, headers: response.headers, body: response.body ? (JSON.parse(response.body) as Record<string, unknown>) : undefined };
  };

  describe('reads (GET, HEAD)', () => {
    it('given no token, then 401 problem details with a Bearer challenge saying how to get one', async () => {
      const r = await call('GET', '/v1/things?limit=5');
      expect(r.status).toBe(401);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.headers['www-authenticate']).toBe('Bearer realm="twinline"');
      expect(r.body).toMatchObject({ type: 'https://twinline.dev/problems/auth-unauthenticated', title: 'Unauthorized', status: 401, code: 'AUTH.UNAUTHENTICATED', reason: 'missing', instance: '/v1/things?limit=5' });
      expect(r.body!.detail).toMatch(/^GET \/v1\/things needs an access token: send "Authorization: Bearer <token>" \(create one with: npx twinline token create/);
    });

    it.each([
      ['another scheme', 'Basic YWxpY2U6cHc=', 'malformed'],
      ['a token that is not a JWT', 'Bearer not-a-jwt', 'malformed'],
      ['a token signed with another secret', `Bearer ${tokenFor(['admin'], { secret: 'another-secret-of-at-least-32-characters' })}`, 'bad-signature'],
      ['an expired token', `Bearer ${tokenFor(['admin'], { nowSeconds: NOW - 7200 })}`, 'expired'],
    ])('given %s, then 401 with an invalid_token challenge and the reason', async (_what, authorization, reason) => {
      const r = await call('GET', '/v1/things', { authorization });
      expect(r.status).toBe(401);
      expect(r.headers['www-authenticate']).toMatch(/^Bearer realm="twinline", error="invalid_token", error_description="[^"]+"$/);
      expect(r.body).toMatchObject({ status: 401, code: 'AUTH.UNAUTHENTICATED', reason });
    });

    it.each<Role>(['operator', 'planner', 'auditor', 'admin'])('given a %s token, then it reads, with the actor and the claims on the request', async (role) => {
      const r = await call('GET', '/v1/things', { token: tokenFor([role]) });
      expect(r).toMatchObject({ status: 200, body: { actor: 'user:alice', roles: [role] } });
      expect((await call('HEAD', '/v1/things', { token: tokenFor([role]) })).status).toBe(200);
    });

    it('given no token, then health and metrics still answer', async () => {
      expect((await call('GET', '/health/live')).status).toBe(200);
      expect((await call('GET', '/health/ready')).status).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    });
  });

  describe('writes', () => {
    it('given the required role, or admin, then it writes, attributed to the token subject', async () => {
      expect(await call('PUT', '/v1/things/7', { token: tokenFor(['planner']), body: {} })).toMatchObject({ status: 200, body: { by: 'user:alice' } });
      expect((await call('PUT', '/v1/things/7', { token: tokenFor(['admin']), body: {} })).status).toBe(200);
      expect((await call('PUT', '/v1/things/7', { token: tokenFor(['auditor', 'planner']), body: {} })).status).toBe(200);
    });

    it.each<Role>(['auditor', 'operator'])('given a %s token without the required role, then 403 naming the required and the given roles', async (role) => {
      const r = await call('PUT', '/v1/things/7', { token: tokenFor([role]), body: {} });
      expect(r.status).toBe(403);
      expect(r.headers['www-authenticate']).toBeUndefined();
      expect(r.body).toMatchObject({ title: 'Forbidden', status: 403, code: 'AUTH.FORBIDDEN', requiredRoles: ['planner'], tokenRoles: [role] });
      expect(r.body!.detail).toBe(`PUT /v1/things/7 needs the role planner (or admin); the token of alice has the role(s) ${role}`);
    });

    it('given no token, then 401 before any role is considered', async () => {
      expect((await call('PUT', '/v1/things/7', { body: {} })).status).toBe(401);
    });

    it('given a write that declares no role, then 403 for every token, admin too (deny by default)', async () => {
      for (const role of ['operator', 'admin'] as const) {
        const r = await call('POST', '/v1/things/undeclared', { token: tokenFor([role]), body: {} });
        expect(r).toMatchObject({ status: 403, body: { code: 'AUTH.NO_ROLE_DECLARED', requiredRoles: [] } });
      }
    });

    it('given roles on the controller and on a route, then the route wins', async () => {
      expect((await call('POST', '/v1/admin-things', { token: tokenFor(['operator']), body: {} })).body).toMatchObject({
        status: 403,
        requiredRoles: ['admin'],
        detail: 'POST /v1/admin-things needs the role admin; the token of alice has the role(s) operator',
      });
      expect((await call('POST', '/v1/admin-things', { token: tokenFor(['admin']), body: {} })).status).toBe(201);
      expect((await call('POST', '/v1/admin-things/operated', { token: tokenFor(['operator']), body: {} })).status).toBe(201);
    });
  });

  describe('the device channel', () => {
    it('given no Authorization header, then devices write without a user token', async () => {
      expect(await call('POST', '/v1/telemetry', { body: { deviceId: 'd' } })).toMatchObject({ status: 202, body: { accepted: 1 } });
    });

    it.each<Role>(['operator', 'admin'])('given a %s token, then 403: user tokens cannot write telemetry', async (role) => {
      const r = await call('POST', '/v1/telemetry', { token: tokenFor([role]), body: { deviceId: 'd' } });
      expect(r.status).toBe(403);
      expect(r.body).toMatchObject({ code: 'AUTH.DEVICE_CHANNEL', detail: 'telemetry is written by devices with signed readings; user tokens cannot write telemetry' });
    });
  });
});
