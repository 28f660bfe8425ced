import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import { assetIdSchema, ContractViolation, isoTimeSchema, parseContract } from '@twinline/contracts';
import { shelveWindow } from '@twinline/domain-twin';
import { EVENT_STORE, type EventStore } from '@twinline/event-store';
import { context, traceparentOf } from '@twinline/observability';
import { Actor, RequireRoles } from '@twinline/service-kit';
import { TwinRepository } from '../apply-readings/twin-repository';
import { AssetProfiles } from '../asset-profiles';
import { ALARM_FILTERS, TwinViewProjection } from '../twin-view/twin-view.projection';
import { acknowledgeAlarm } from './acknowledge-alarm';
import { alarmById, removeAlarmFromService, returnAlarmToService, shelveAlarm, unshelveAlarm } from './alarm-commands';

const alarmIdSchema = z.string().trim().min(1, 'alarmId must name the alarm').max(200, 'alarmId may be at most 200 characters');
const causeSchema = z.string().trim().min(1, 'cause must name the alarm cause, e.g. THRESHOLD_EXCEEDED').max(100, 'cause may be at most 100 characters');
const reasonSchema = z.string({ error: 'reason must be a string' }).trim().min(1, 'reason must say why (it is recorded)').max(2000, 'reason may be at most 2000 characters');
const acknowledgeSchema = z
  .object({ note: z.string({ error: 'note must be a string' }).trim().min(1, 'note must not be empty (leave it out instead)').max(2000, 'note may be at most 2000 characters').optional() })
  .strict();
const shelveSchema = z
  .object({
    durationMinutes: z.number({ error: 'durationMinutes must be a number of minutes' }).int('durationMinutes must be a whole number of minutes').min(1, 'durationMinutes must be >= 1').optional(),
    until: isoTimeSchema.optional(),
    reason: reasonSchema,
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.durationMinutes !== undefined && b.until !== undefined) ctx.addIssue({ code: 'custom', path: ['until'], message: 'give durationMinutes or until, not both' });
    if (b.durationMinutes === undefined && b.until === undefined) ctx.addIssue({ code: 'custom', path: ['durationMinutes'], message: 'give durationMinutes (or until): how long the alarm stays shelved' });
  });
const outOfServiceSchema = z.object({ reason: reasonSchema }).strict();
const emptySchema = z.object({}).strict();
const alarmsQuery = z.object({
  state: z
    .enum(ALARM_FILTERS, { error: `state must be one of ${ALARM_FILTERS.join(', ')}` })
    .default('active'),
  after: assetIdSchema.optional(),
  limit: z.coerce.number().int('limit must be an integer').min(1, 'limit must be >= 1').max(1000, 'limit must be <= 1000').default(100),
});

/**
 * The ISA-18.2 alarm lifecycle over HTTP (operators): acknowledge, shelve for at most the asset
 * profile's maxShelveSeconds, unshelve, take a cause out of service and back; and the alarms across
 * assets. Every change is an event on the asset's twin stream, attributed to the operator
 * (`user:<sub>`). Acknowledging tells everyone an operator has seen the alarm (the notification
 * service stops escalating it); it does not clear it: only the process returning to normal does.
 */
@Controller('v1')
export class AlarmsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(TwinRepository) private readonly twins: TwinRepository,
    @Inject(TwinViewProjection) private readonly view: TwinViewProjection,
    @Inject(AssetProfiles) private readonly profiles: AssetProfiles,
  ) {}

  private meta(actor: string) {
    const traceparent = traceparentOf(context.active());
    return { correlationId: randomUUID(), actor, ...(traceparent ? { traceparent } : {}) };
  }

  private get deps() {
    return { store: this.store, twins: this.twins };
  }

  /**
   * POST /v1/assets/:assetId/alarms/:alarmId/acknowledge {note?} — an operator (or admin)
   * acknowledges an alarm that needs it (ACTIVE_UNACKED or RETURNED_UNACKED), once: 404
   * TWIN.NOT_FOUND (no twin) or TWIN.ALARM_NOT_ACTIVE (no such alarm), 409
   * TWIN.ALARM_ALREADY_ACKNOWLEDGED, 400 naming the field of a bad body.
   */
  @Post('assets/:assetId/alarms/:alarmId/acknowledge')
  @HttpCode(200)
  @RequireRoles('operator')
  async acknowledge(@Param('assetId') assetId: string, @Param('alarmId') alarmId: string, @Body() body: unknown, @Actor() actor: string) {
    const id = parseContract(assetIdSchema, assetId, 'assetId');
    const alarm = parseContract(alarmIdSchema, alarmId, 'alarmId');
    const { note } = parseContract(acknowledgeSchema, body ?? {}, 'acknowledge');
    const { correlationId, traceparent } = this.meta(actor);
    const done = await acknowledgeAlarm(
      { assetId: id, alarmId: alarm, by: actor, at: new Date().toISOString(), ...(note !== undefined ? { note } : {}) },
      this.deps,
      { correlationId, ...(traceparent ? { traceparent } : {}) },
    );
    return { assetId: id, alarm: done.alarm, ...(note !== undefined ? { note } : {}), version: done.version };
  }

  /**
   * POST /v1/assets/:assetId/alarms/:alarmId/shelve {durationMinutes | until, reason} — shelves
   * the alarm's cause (announced no more; new episodes are recorded, not announced) until then,
   * at most the profile's maxShelveSeconds ahead: 400 naming `durationMinutes` or `until` when longer,
   * in the past or both given. 404 for an alarm the asset does not have, 409 already shelved.
   */
  @Post('assets/:assetId/alarms/:alarmId/shelve')
  @HttpCode(200)
  @RequireRoles('operator')
  async shelve(@Param('assetId') assetId: string, @Param('alarmId') alarmId: string, @Body() body: unknown, @Actor() actor: string) {
    const id = parseContract(assetIdSchema, assetId, 'assetId');
    const alarm = parseContract(alarmIdSchema, alarmId, 'alarmId');
    const b = parseContract(shelveSchema, body ?? {}, 'shelve');
    const now = new Date();
    const at = now.toISOString();
    const field = b.until !== undefined ? 'until' : 'durationMinutes';
    const until = new Date(b.until !== undefined ? Date.parse(b.until) : now.getTime() + b.durationMinutes! * 60_000).toISOString();
    const profile = this.profiles.of(id);
    // The domain's shelving rule, checked here first to name the field the operator sent.
    const window = shelveWindow(at, until, profile);
    if (window.problem === 'NOT_AFTER') throw new ContractViolation('shelve', [{ field, message: 'must be in the future' }]);
    if (window.problem === 'TOO_LONG') {
      const max = window.maxSeconds % 60 === 0 ? `${window.maxSeconds / 60} minutes` : `${window.maxSeconds} s`;
      throw new ContractViolation('shelve', [{ field, message: `may be at most ${max} ahead (maxShelveSeconds ${window.maxSeconds} of profile ${profile.name}): shelve for less, or take the cause out of service` }]);
    }
    const done = await shelveAlarm({ assetId: id, alarmId: alarm, by: actor, at, until, reason: b.reason, profile }, this.deps, this.meta(actor));
    const shelved = done.events.find((e) => e.type === 'AlarmShelved');
    return { assetId: id, alarmId: alarm, shelved: shelved?.data ?? null, alarm: alarmById(done.state, alarm), version: done.version };
  }

  /** POST /v1/assets/:assetId/alarms/:alarmId/unshelve — lifts the shelve of the alarm's cause (404 no such alarm, 409 not shelved). */
  @Post('assets/:assetId/alarms/:alarmId/unshelve')
  @HttpCode(200)
  @RequireRoles('operator')
  async unshelve(@Param('assetId') assetId: string, @Param('alarmId') alarmId: string, @Body() body: unknown, @Actor() actor: string) {
    const id = parseContract(assetIdSchema, assetId, 'assetId');
    const alarm = parseContract(alarmIdSchema, alarmId, 'alarmId');
    parseContract(emptySchema, body ?? {}, 'unshelve');
    const done = await unshelveAlarm({ assetId: id, alarmId: alarm, by: actor, at: new Date().toISOString() }, this.deps, this.meta(actor));
    return { assetId: id, alarmId: alarm, events: done.events.map((e) => e.type), alarm: alarmById(done.state, alarm), version: done.version };
  }

  /**
   * POST /v1/assets/:assetId/alarm-causes/:cause/out-of-service {reason} — no alarm is raised for
   * the cause until it returns to service (its open alarm is dropped). 409 when it is out already.
   */
  @Post('assets/:assetId/alarm-causes/:cause/out-of-service')
  @HttpCode(200)
  @RequireRoles('operator')
  async outOfService(@Param('assetId') assetId: string, @Param('cause') cause: string, @Body() body: unknown, @Actor() actor: string) {
    const id = parseContract(assetIdSchema, assetId, 'assetId');
    const c = parseContract(causeSchema, cause, 'cause');
    const { reason } = parseContract(outOfServiceSchema, body ?? {}, 'out-of-service');
    const done = await removeAlarmFromService({ assetId: id, cause: c, by: actor, at: new Date().toISOString(), reason }, this.deps, this.meta(actor));
    return { assetId: id, cause: c, outOfService: Object.hasOwn(done.state.outOfService, c) ? done.state.outOfService[c] : null, events: done.events.map((e) => e.type), version: done.version };
  }

  /** POST /v1/assets/:assetId/alarm-causes/:cause/in-service — the cause alarms again (409 when it is not out of service). */
  @Post('assets/:assetId/alarm-causes/:cause/in-service')
  @HttpCode(200)
  @RequireRoles('operator')
  async inService(@Param('assetId') assetId: string, @Param('cause') cause: string, @Body() body: unknown, @Actor() actor: string) {
    const id = parseContract(assetIdSchema, assetId, 'assetId');
    const c = parseContract(causeSchema, cause, 'cause');
    parseContract(emptySchema, body ?? {}, 'in-service');
    const done = await returnAlarmToService({ assetId: id, cause: c, by: actor, at: new Date().toISOString() }, this.deps, this.meta(actor));
    return { assetId: id, cause: c, outOfService: null, events: done.events.map((e) => e.type), version: done.version };
  }

  /**
   * GET /v1/alarms?state=&after=&limit= — alarms across assets with their ISA-18.2 state, shelve
   * and out-of-service, by asset id then cause, in pages of `limit` twins. state: active (default),
   * unacknowledged, ACTIVE_UNACKED, ACTIVE_ACKED, RETURNED_UNACKED, shelved, out-of-service, all.
   */
  @Get('alarms')
  async alarms(@Query() query: unknown) {
    const q = parseContract(alarmsQuery, query, 'query');
    return this.view.alarms(q);
  }
}
