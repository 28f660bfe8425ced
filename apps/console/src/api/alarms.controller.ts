import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, UseFilters } from '@nestjs/common';
import { z } from 'zod';
import { isoTimeSchema, parseContract } from '@twinline/contracts';
import { RequireRoles } from '@twinline/service-kit';
import { Upstream, UpstreamErrorFilter, withQuery } from '../upstream/upstream';
import { authorizationOf, pathSegment, type ConsoleRequest } from './request';


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

  private post(request: ConsoleRequest, path: string, payload: unknown) {
    const b = parseContract(body, payload ?? {}, 'body');
    return this.upstream.json('twin-state', { method: 'POST', path, authorization: authorizationOf(request), body: b });
  }

  /** POST /api/assets/:assetId/alarms/:alarmId/shelve {durationMinutes | until, reason}: twin-state's answer (operator). */
  @Post('assets/:assetId/alarms/:alarmId/shelve')
  @RequireRoles('operator')
  @HttpCode(200)
  shelve(@Req() request: ConsoleRequest, @Param('assetId') assetId: string, @Param('alarmId') alarmId: string, @Body() payload: unknown) {
    return this.post(request, `/v1/assets/${pathSegment(assetId, 'assetId')}/alarms/${pathSegment(alarmId, 'alarmId')}/shelve`, payload);
  }

  /** POST /api/assets/:assetId/alarms/:alarmId/unshelve: twin-state's answer (operator). */
  @Post('assets/:assetId/alarms/:alarmId/unshelve')
  @RequireRoles('operator')
  @HttpCode(200)
  unshelve(@Req() request: ConsoleRequest, @Param('assetId') assetId: string, @Param('alarmId') alarmId: string, @Body() payload: unknown) {
    return this.post(request, `/v1/assets/${pathSegment(assetId, 'assetId')}/alarms/${pathSegment(alarmId, 'alarmId')}/unshelve`, payload);
  }

  /** POST /api/assets/:assetId/alarm-causes/:cause/out-of-service {reason}: twin-state's answer (operator). */
  @Post('assets/:assetId/alarm-causes/:cause/out-of-service')
  @RequireRoles('operator')
  @HttpCode(200)
  outOfService(@Req() request: ConsoleRequest, @Param('assetId') assetId: string, @Param('cause') cause: string, @Body() payload: unknown) {
    return this.post(request, `/v1/assets/${pathSegment(assetId, 'assetId')}/alarm-causes/${pathSegment(cause, 'cause')}/out-of-service`, payload);
  }

  /** POST /api/assets/:assetId/alarm-causes/:cause/in-service: twin-state's answer (operator). */
  @Post('assets/:assetId/alarm-causes/:cause/in-service')
  @RequireRoles('operator')
  @HttpCode(200)
  inService(@Req() request: ConsoleRequest, @Param('assetId') assetId: string, @Param('cause') cause: string, @Body() payload: unknown) {
    return this.post(request, `/v1/assets/${pathSegment(assetId, 'assetId')}/alarm-causes/${pathSegment(cause, 'cause')}/in-service`, payload);
  }

  /** GET /api/alarms?state=&after=&limit=: the alarms across assets (twin-state's answer). */
  @Get('alarms')
  alarms(@Req() request: ConsoleRequest, @Query() query: unknown) {
    const q = parseContract(alarmsQuery, query ?? {}, 'query');
    return this.upstream.json('twin-state', { path: withQuery('/v1/alarms', q), authorization: authorizationOf(request) });
  }

  /** GET /api/alarm-kpis?site=&from=&to=: the ISA-18.2 alarm KPIs per site with their targets (twin-state's answer). */
  @Get('alarm-kpis')
  alarmKpis(@Req() request: ConsoleRequest, @Query() query: unknown) {
    const q = parseContract(kpiQuery, query ?? {}, 'query');
    return this.upstream.json('twin-state', { path: withQuery('/v1/alarm-kpis', q), authorization: authorizationOf(request) });
  }

  /** GET /api/profiles/:assetClass: the profile of a class, alarmPolicy (maxShelveSeconds …) included (twin-state's answer). */
  @Get('profiles/:assetClass')
  profile(@Req() request: ConsoleRequest, @Param('assetClass') assetClass: string) {
    return this.upstream.json('twin-state', { path: `/v1/profiles/${pathSegment(assetClass, 'assetClass')}`, authorization: authorizationOf(request) });
  }
}
