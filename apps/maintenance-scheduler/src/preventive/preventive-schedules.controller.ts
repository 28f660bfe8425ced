import { Body, Controller, Delete, Get, Inject, Param, Put, Query } from '@nestjs/common';
import { z } from 'zod';
import { assetIdSchema, parseContract } from '@twinline/contracts';
import { Actor, RequireRoles } from '@twinline/service-kit';
import { PreventiveSchedules } from './preventive-schedules';

const listQuery = z.object({
  assetId: assetIdSchema.optional(),
  includeRemoved: z.enum(['true', 'false'], { error: 'includeRemoved must be true or false' }).optional(),
});

/**
 * Preventive maintenance schedules: every N days (calendar) or every N running hours of the asset.
 * PUT /v1/preventive-schedules/:scheduleId (planner) creates or changes one, DELETE (planner) removes
 * it; GET lists them with their occurrences so far and the asset's running hours (any role).
 */
@Controller('v1/preventive-schedules')
export class PreventiveSchedulesController {
  constructor(@Inject(PreventiveSchedules) private readonly schedules: PreventiveSchedules) {}

  @Put(':scheduleId')
  @RequireRoles('planner')
  put(@Param('scheduleId') scheduleId: string, @Body() body: unknown, @Actor() actor: string) {
    return this.schedules.set(scheduleId, body, actor);
  }

  /** GET /v1/preventive-schedules?assetId=&includeRemoved= */
  @Get()
  async list(@Query() query: unknown) {
    const q = parseContract(listQuery, query, 'query');
    return { items: await this.schedules.list({ ...(q.assetId ? { assetId: q.assetId } : {}), includeRemoved: q.includeRemoved === 'true' }) };
  }

  @Get(':scheduleId')
  get(@Param('scheduleId') scheduleId: string) {
    return this.schedules.get(scheduleId);
  }

  @Delete(':scheduleId')
  @RequireRoles('planner')
  remove(@Param('scheduleId') scheduleId: string, @Actor() actor: string) {
    return this.schedules.remove(scheduleId, actor);
  }
}
