import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import { assetIdSchema, parseContract } from '@twinline/contracts';
import { EVENT_STORE, type EventStore } from '@twinline/event-store';
import { context, traceparentOf } from '@twinline/observability';
import { Actor, RequireRoles } from '@twinline/service-kit';
import { TwinRepository } from '../apply-readings/twin-repository';
import { TwinViewProjection } from '../twin-view/twin-view.projection';
import { acknowledgeAlarm } from './acknowledge-alarm';

const alarmIdSchema = z.string().trim().min(1, 'alarmId must name the alarm').max(200, 'alarmId may be at most 200 characters');
const acknowledgeSchema = z
  .object({ note: z.string({ error: 'note must be a string' }).trim().min(1, 'note must not be empty (leave it out instead)').max(2000, 'note may be at most 2000 characters').optional() })
  .strict();
const STATES = ['active', 'unacknowledged'] as const;
const alarmsQuery = z.object({
  state: z.enum(STATES, { error: `state must be one of ${STATES.join(', ')}` }).default('active'),
  after: assetIdSchema.optional(),
  limit: z.coerce.number().int('limit must be an integer').min(1, 'limit must be >= 1').max(1000, 'limit must be <= 1000').default(100),
});

/**
 * Alarm acknowledgement (ISA-18.2: raised → acknowledged → cleared) and the active alarms across
 * assets. Acknowledging tells everyone an operator has seen the alarm (the notification service
 * stops escalating it); it does not clear it: only the readings returning within limits do.
 */
@Controller('v1')
export class AlarmsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(TwinRepository) private readonly twins: TwinRepository,
    @Inject(TwinViewProjection) private readonly view: TwinViewProjection,
  ) {}

  /**
   * POST /v1/assets/:assetId/alarms/:alarmId/acknowledge {note?} — an operator (or admin)
   * acknowledges the asset's ACTIVE alarm, once: 404 TWIN.NOT_FOUND (no twin) or
   * TWIN.ALARM_NOT_ACTIVE (not its active alarm: unknown or cleared), 409
   * TWIN.ALARM_ALREADY_ACKNOWLEDGED, 400 naming the field of a bad body.
   */
  @Post('assets/:assetId/alarms/:alarmId/acknowledge')
  @HttpCode(200)
  @RequireRoles('operator')
  async acknowledge(@Param('assetId') assetId: string, @Param('alarmId') alarmId: string, @Body() body: unknown, @Actor() actor: string) {
    const id = parseContract(assetIdSchema, assetId, 'assetId');
    const alarm = parseContract(alarmIdSchema, alarmId, 'alarmId');
    const { note } = parseContract(acknowledgeSchema, body ?? {}, 'acknowledge');
    const traceparent = traceparentOf(context.active());
    const done = await acknowledgeAlarm(
      { assetId: id, alarmId: alarm, by: actor, at: new Date().toISOString(), ...(note !== undefined ? { note } : {}) },
      { store: this.store, twins: this.twins },
      { correlationId: randomUUID(), ...(traceparent ? { traceparent } : {}) },
    );
    return { assetId: id, alarm: done.alarm, ...(note !== undefined ? { note } : {}), version: done.version };
  }

  /** GET /v1/alarms?state=active|unacknowledged&after=&limit= — the active alarm of every twin that has one, by asset id. */
  @Get('alarms')
  async alarms(@Query() query: unknown) {
    const q = parseContract(alarmsQuery, query, 'query');
    const items = await this.view.alarms(q);
    return { items, nextAfter: items.length === q.limit ? items[items.length - 1]!.assetId : null };
  }
}
