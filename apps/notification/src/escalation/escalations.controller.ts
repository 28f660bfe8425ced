import { Controller, Get, Inject, Query } from '@nestjs/common';
import { z } from 'zod';
import { assetIdSchema, parseContract } from '@twinline/contracts';
import { EscalationStore } from './escalation-store';

const listQuery = z.object({
  assetId: assetIdSchema.optional(),
  alarmId: z.string().min(1, 'alarmId must not be empty').optional(),
  active: z.enum(['true', 'false'], { error: 'active must be true or false' }).transform((v) => v === 'true').optional(),
  after: z.string().regex(/^\d+$/, 'after must be a position returned as nextAfter').optional(),
  limit: z.coerce.number().int('limit must be an integer').min(1, 'limit must be >= 1').max(1000, 'limit must be <= 1000').default(100),
});

/**
 * GET /v1/escalations?assetId=&alarmId=&active=&after=&limit= — the escalations of routed alarms:
 * the level reached, when the next is due (`nextAt`, null once stopped or done), and what stopped
 * it (`stopReason`: "acknowledged by user:…" or "cleared"). Any role reads it.
 */
@Controller('v1/escalations')
export class EscalationsController {
  constructor(@Inject(EscalationStore) private readonly store: EscalationStore) {}

  @Get()
  async list(@Query() query: unknown) {
    const q = parseContract(listQuery, query, 'query');
    const items = await this.store.list(q);
    return { items, nextAfter: items.length === q.limit ? items[items.length - 1]!.position : null };
  }
}
