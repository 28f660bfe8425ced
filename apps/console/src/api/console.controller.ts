import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, UseFilters } from '@nestjs/common';
import { z } from 'zod';
import { assetIdSchema, isoTimeSchema, parseContract, ROLES, type AccessClaims } from '@twinline/contracts';
import { DEFAULT_PROFILES } from '@twinline/domain-twin';
import { ASSET_DIRECTORY, DomainError, RequireRoles, claimsOf, type AssetDirectory } from '@twinline/service-kit';
import { SeriesBuilder, SERIES_MAX_POINTS, type HistoryEvent } from '../series/series';
import { Upstream, UpstreamError, UpstreamErrorFilter, withQuery } from '../upstream/upstream';
import { buildFleet, profileOfAsset, type ProfileView, type TwinView } from './asset-views';
import { predictionOf } from './prediction-view';
import { vibrationZonesOf } from './vibration-zones';
import { authorizationOf, pathSegment, type ConsoleRequest } from './request';


const text = (max = 200) => z.string().min(1).max(max);
const fleetQuery = z.object({ site: text().optional(), assetClass: text().optional(), status: text(40).optional() });
const assetQuery = z.object({ at: isoTimeSchema.optional() });
const seriesQuery = z.object({ from: isoTimeSchema.optional(), to: isoTimeSchema.optional() });
const eventsQuery = z.object({ fromVersion: z.string().max(20).optional(), limit: z.string().max(10).optional(), type: z.string().max(100).optional(), from: z.string().max(40).optional(), to: z.string().max(40).optional() });
const workOrdersQuery = z.object({ status: z.string().max(40).optional(), assetId: z.string().max(200).optional() });
const auditQuery = z.object({ assetId: z.string().min(1).max(200).optional() });
const ackBody = z.object({ note: z.string().max(2000).optional() }).passthrough();
const WORK_ORDER_ACTIONS = ['approve', 'schedule', 'start', 'complete', 'cancel'] as const;

/** Twin-state lists at most this many twins per page (GET /v1/assets?limit=). */
const TWIN_PAGE = 1000;
/** The fleet reads at most this many twins. */
const FLEET_MAX = 50_000;
/** How long the threshold profiles read from twin-state are reused. */
const PROFILES_TTL_MS = 30_000;

const path = (assetId: string) => pathSegment(assetId, 'assetId');

/**
 * The console's API for its web app (the browser talks to nothing else): each route calls the
 * services with the caller's own token, so the services enforce roles as for any client, and
 * shapes their answers for the screens. Errors of the services pass through as they came.
 */
@Controller('api')
@UseFilters(UpstreamErrorFilter)
export class ConsoleController {
  private profiles: { at: number; value: Record<string, ProfileView> } | undefined;

  constructor(
    @Inject(Upstream) private readonly upstream: Upstream,
    @Inject(ASSET_DIRECTORY) private readonly directory: AssetDirectory,
  ) {}

  /** GET /api/session: who the token is (401 problem when missing or not valid). */
  @Get('session')
  session(@Req() request: ConsoleRequest) {
    const claims: AccessClaims = claimsOf(request);
    return { sub: claims.sub, roles: claims.roles, expiresAt: new Date(claims.exp * 1000).toISOString() };
  }

  /** GET /api/fleet?site=&assetClass=&status=: every asset with its class, site, status and latest metrics. */
  @Get('fleet')
  async fleet(@Req() request: ConsoleRequest, @Query() query: unknown) {
    const q = parseContract(fleetQuery, query, 'query');
    const twins: TwinView[] = [];
    let after: string | null = null;
    do {
      const page: { items: TwinView[]; nextAfter: string | null } = await this.upstream.json('twin-state', { path: withQuery('/v1/assets', { limit: TWIN_PAGE, after }), authorization: authorizationOf(request) });
      twins.push(...page.items);
      after = page.nextAfter;
    } while (after !== null && twins.length < FLEET_MAX);
    return buildFleet(twins, this.directory.all(), q, (id) => this.directory.describe(id));
  }

  /** GET /api/assets/:assetId?at=: the twin (as of `at`), its class, site, limits and the vibration zones. */
  @Get('assets/:assetId')
  async asset(@Req() request: ConsoleRequest, @Param('assetId') assetId: string, @Query() query: unknown) {
    const q = parseContract(assetQuery, query, 'query');
    const authorization = authorizationOf(request);
    const [twin, profiles] = await Promise.all([
      this.upstream.json<TwinView>('twin-state', { path: withQuery(`/v1/assets/${path(assetId)}`, { at: q.at }), authorization }),
      this.thresholdProfiles(authorization),
    ]);
    const description = this.directory.describe(assetId);
    const assetClass = description?.assetClass ?? null;
    const profile = profileOfAsset(profiles, twin.profile, assetClass);
    return {
      twin,
      assetClass,
      site: description?.site ?? null,
      limits: profile?.limits ?? {},
      profile,
      vibrationZones: vibrationZonesOf(profile),
      prediction: predictionOf(twin),
    };
  }

  /** GET /api/assets/:assetId/series?from=&to=: the readings as chart points, time-ordered, the last 20,000 at most. */
  @Get('assets/:assetId/series')
  async series(@Req() request: ConsoleRequest, @Param('assetId') assetId: string, @Query() query: unknown) {
    const q = parseContract(seriesQuery, query, 'query');
    if (q.from !== undefined && q.to !== undefined && Date.parse(q.from) > Date.parse(q.to)) {
      throw new DomainError('CONTRACT.INVALID', `query.from (${q.from}) is after query.to (${q.to})`, 400, { errors: [{ field: 'query.from', message: 'must not be after to' }] });
    }
    const builder = new SeriesBuilder({ ...q, max: SERIES_MAX_POINTS });
    const authorization = authorizationOf(request);
    let fromVersion: number | null = 1;
    while (fromVersion !== null) {
      // ReadingsApplied occurs at its last reading's time: events before `from` hold no reading in range.
      const page: { items: HistoryEvent[]; nextFromVersion: number | null } = await this.upstream.json('twin-state', {
        path: withQuery(`/v1/assets/${path(assetId)}/events`, { type: 'ReadingsApplied', limit: 1000, fromVersion, from: q.from }),
        authorization,
      });
      const more = builder.add(page.items);
      fromVersion = more ? page.nextFromVersion : null;
    }
    return builder.build();
  }

  /** GET /api/assets/:assetId/events?fromVersion=&limit=&type=&from=&to=: the twin's history, a page (twin-state's answer). */
  @Get('assets/:assetId/events')
  events(@Req() request: ConsoleRequest, @Param('assetId') assetId: string, @Query() query: unknown) {
    const q = parseContract(eventsQuery, query, 'query');
    return this.upstream.json('twin-state', { path: withQuery(`/v1/assets/${path(assetId)}/events`, q), authorization: authorizationOf(request) });
  }

  /** GET /api/assets/:assetId/quarantine: the asset's latest quarantined readings (integrity's answer, 100 at most). */
  @Get('assets/:assetId/quarantine')
  quarantine(@Req() request: ConsoleRequest, @Param('assetId') assetId: string) {
    const id = parseContract(assetIdSchema, assetId, 'assetId');
    return this.upstream.json('integrity', { path: withQuery('/v1/quarantine', { assetId: id, limit: 100 }), authorization: authorizationOf(request) });
  }

  /** POST /api/assets/:assetId/alarms/:alarmId/acknowledge {note?}: twin-state's answer (operator). */
  @Post('assets/:assetId/alarms/:alarmId/acknowledge')
  @RequireRoles('operator')
  @HttpCode(200)
  acknowledge(@Req() request: ConsoleRequest, @Param('assetId') assetId: string, @Param('alarmId') alarmId: string, @Body() body: unknown) {
    const b = parseContract(ackBody, body ?? {}, 'body');
    return this.upstream.json('twin-state', { method: 'POST', path: `/v1/assets/${path(assetId)}/alarms/${pathSegment(alarmId, 'alarmId')}/acknowledge`, authorization: authorizationOf(request), body: b });
  }

  /** GET /api/work-orders?status=&assetId=: the scheduler's work orders (500 at most). */
  @Get('work-orders')
  workOrders(@Req() request: ConsoleRequest, @Query() query: unknown) {
    const q = parseContract(workOrdersQuery, query, 'query');
    return this.upstream.json('maintenance-scheduler', { path: withQuery('/v1/work-orders', { ...q, limit: 500 }), authorization: authorizationOf(request) });
  }

  /** POST /api/work-orders/:workOrderId/:action {body}: approve, schedule, start, complete or cancel (the scheduler checks the role). */
  @Post('work-orders/:workOrderId/:action')
  @RequireRoles(...ROLES)
  @HttpCode(200)
  workOrderAction(@Req() request: ConsoleRequest, @Param('workOrderId') workOrderId: string, @Param('action') action: string, @Body() body: unknown) {
    if (!(WORK_ORDER_ACTIONS as readonly string[]).includes(action)) {
      throw new DomainError('HTTP.404', `no work-order action "${action.slice(0, 40)}": use ${WORK_ORDER_ACTIONS.join(', ')}`, 404);
    }
    return this.upstream.json('maintenance-scheduler', { method: 'POST', path: `/v1/work-orders/${pathSegment(workOrderId, 'workOrderId')}/${action}`, authorization: authorizationOf(request), body: body ?? {} });
  }

  /** GET /api/audit/verify?assetId=: twin-state's hash-chain verification, of one asset's twin or of all (auditor). */
  @Get('audit/verify')
  @RequireRoles('auditor')
  auditVerify(@Req() request: ConsoleRequest, @Query() query: unknown) {
    const q = parseContract(auditQuery, query, 'query');
    if (q.assetId !== undefined) parseContract(assetIdSchema, q.assetId, 'query.assetId');
    return this.upstream.json('twin-state', { path: withQuery('/v1/audit/verify', { streamId: q.assetId === undefined ? undefined : `asset-${q.assetId}` }), authorization: authorizationOf(request) });
  }

  /** Twin-state's threshold profiles by class (GET /v1/profiles); the built-in ones when it has no such route. */
  private async thresholdProfiles(authorization: string | undefined): Promise<Record<string, ProfileView>> {
    if (this.profiles && Date.now() - this.profiles.at < PROFILES_TTL_MS) return this.profiles.value;
    let value: Record<string, ProfileView>;
    try {
      const answer = await this.upstream.json<{ items: Array<ProfileView & { assetClass: string }> }>('twin-state', { path: '/v1/profiles', authorization });
      value = Object.fromEntries(answer.items.map(({ assetClass, ...p }) => [assetClass, p]));
    } catch (error) {
      if (!(error instanceof UpstreamError) || error.status !== 404) throw error;
      value = { ...DEFAULT_PROFILES };
    }
    this.profiles = { at: Date.now(), value };
    return value;
  }
}

