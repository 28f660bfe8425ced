import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, UseFilters } from '@nestjs/common';
import { z } from 'zod';
import { assetIdSchema, isoTimeSchema, parseContract } from '@twinline/contracts';
import { DomainError, RequireRoles, type AuthenticatedRequest } from '@twinline/service-kit';
import { Upstream, UpstreamErrorFilter, withQuery } from '../upstream/upstream';

interface Request extends AuthenticatedRequest {
  readonly headers: Record<string, string | string[] | undefined>;
}

const authorizationOf = (request: Request): string | undefined => {
  const h = request.headers.authorization;
  return Array.isArray(h) ? h[0] : h;
};

/** A path segment for twin-state: the asset id checked as the services check it; other ids 1-200 characters, never "." or "..". */
export function pathSegment(value: string, field: 'assetId' | 'alarmId' | 'cause' | 'assetClass'): string {
  if (field === 'assetId') return encodeURIComponent(parseContract(assetIdSchema, value, field));
  if (value === '' || value === '.' || value === '..' || value.length > 200) {
    throw new DomainError('CONTRACT.INVALID', `${field} must be an id of 1-200 characters, not "." or ".."`, 400, { errors: [{ field, message: 'must be an id' }] });
  }
  return encodeURIComponent(value);
}

/** The bodies are twin-state's to check (it names the field of a bad one); the console only bounds their size. */
const body = z.record(z.string(), z.unknown()).refine((b) => JSON.stringify(b).length <= 10_000, 'the body may be at most 10,000 characters of JSON');
const kpiQuery = z.object({ site: z.string().min(1).max(200).optional(), from: isoTimeSchema.optional(), to: isoTimeSchema.optional() });
const alarmsQuery = z.object({ state: z.string().max(40).optional(), after: z.string().max(200).optional(), limit: z.string().max(10).optional() });

/**
 * The ISA-18.2 alarm lifecycle for the web app (issue 5): shelve and unshelve an alarm, take an
 * alarm cause out of service and back (operators), the alarms across assets, the alarm KPIs per
 * site and a class's profile (its alarmPolicy gives the longest shelve). Each route calls
 * twin-state with the caller's own token: twin-state checks the role again and its answers
 * (problem details naming the field included) pass through as they came.
 */
@Controller('api')
@UseFilters(UpstreamErrorFilter)
export class AlarmConsoleController {
  constructor(@Inject(Upstream) private readonly upstream: Upstream) {}

  private post(request: Request, path: string, payload: unknown) {
    const b = parseContract(body, payload ?? {}, 'body');
    return this.upstream.json('twin-state', { method: 'POST', path, authorization: authorizationOf(request), body: b });
  }

  /** POST /api/assets/:assetId/alarms/:alarmId/shelve {durationMinutes | until, reason}: twin-state's answer (operator). */
  @Post('assets/:assetId/alarms/:alarmId/shelve')
  @RequireRoles('operator')
  @HttpCode(200)
  shelve(@Req() request: Request, @Param('assetId') assetId: string, @Param('alarmId') alarmId: string, @Body() payload: unknown) {
    return this.post(request, `/v1/assets/${pathSegment(assetId, 'assetId')}/alarms/${pathSegment(alarmId, 'alarmId')}/shelve`, payload);
  }

  /** POST /api/assets/:assetId/alarms/:alarmId/unshelve: twin-state's answer (operator). */
  @Post('assets/:assetId/alarms/:alarmId/unshelve')
  @RequireRoles('operator')
  @HttpCode(200)
  unshelve(@Req() request: Request, @Param('assetId') assetId: string, @Param('alarmId') alarmId: string, @Body() payload: unknown) {
    return this.post(request, `/v1/assets/${pathSegment(assetId, 'assetId')}/alarms/${pathSegment(alarmId, 'alarmId')}/unshelve`, payload);
  }

  /** POST /api/assets/:assetId/alarm-causes/:cause/out-of-service {reason}: twin-state's answer (operator). */
  @Post('assets/:assetId/alarm-causes/:cause/out-of-service')
  @RequireRoles('operator')
  @HttpCode(200)
  outOfService(@Req() request: Request, @Param('assetId') assetId: string, @Param('cause') cause: string, @Body() payload: unknown) {
    return this.post(request, `/v1/assets/${pathSegment(assetId, 'assetId')}/alarm-causes/${pathSegment(cause, 'cause')}/out-of-service`, payload);
  }

  /** POST /api/assets/:assetId/alarm-causes/:cause/in-service: twin-state's answer (operator). */
  @Post('assets/:assetId/alarm-causes/:cause/in-service')
  @RequireRoles('operator')
  @HttpCode(200)
  inService(@Req() request: Request, @Param('assetId') assetId: string, @Param('cause') cause: string, @Body() payload: unknown) {
    return this.post(request, `/v1/assets/${pathSegment(assetId, 'assetId')}/alarm-causes/${pathSegment(cause, 'cause')}/in-service`, payload);
  }

  /** GET /api/alarms?state=&after=&limit=: the alarms across assets (twin-state's answer). */
  @Get('alarms')
  alarms(@Req() request: Request, @Query() query: unknown) {
    const q = parseContract(alarmsQuery, query ?? {}, 'query');
    return this.upstream.json('twin-state', { path: withQuery('/v1/alarms', q), authorization: authorizationOf(request) });
  }

  /** GET /api/alarm-kpis?site=&from=&to=: the ISA-18.2 alarm KPIs per site with their targets (twin-state's answer). */
  @Get('alarm-kpis')
  alarmKpis(@Req() request: Request, @Query() query: unknown) {
    const q = parseContract(kpiQuery, query ?? {}, 'query');
    return this.upstream.json('twin-state', { path: withQuery('/v1/alarm-kpis', q), authorization: authorizationOf(request) });
  }

  /** GET /api/profiles/:assetClass: the profile of a class, alarmPolicy (maxShelveSeconds …) included (twin-state's answer). */
  @Get('profiles/:assetClass')
  profile(@Req() request: Request, @Param('assetClass') assetClass: string) {
    return this.upstream.json('twin-state', { path: `/v1/profiles/${pathSegment(assetClass, 'assetClass')}`, authorization: authorizationOf(request) });
  }
}
