import { Controller, Get, Inject, Query } from '@nestjs/common';
import { z } from 'zod';
import { assetIdSchema, parseContract } from '@twinline/contracts';
import { IntegrityStore } from '../store/integrity-store';

const querySchema = z.object({
  assetId: assetIdSchema.optional(),
  rule: z.string().regex(/^[a-z-]+$/, 'rule must be a rule name such as "range" or "sequence"').optional(),
  after: z.string().regex(/^\d+$/, 'after must be a position returned as nextAfter').optional(),
  limit: z.coerce.number().int('limit must be an integer').min(1, 'limit must be >= 1').max(1000, 'limit must be <= 1000').default(100),
});

/** GET /v1/quarantine?assetId=&rule=&after=&limit= — rejected readings with their reasons, oldest first. */
@Controller('v1/quarantine')
export class QuarantineController {
  constructor(@Inject(IntegrityStore) private readonly store: IntegrityStore) {}

  @Get()
  async list(@Query() query: unknown) {
    const q = parseContract(querySchema, query, 'query');
    const items = await this.store.listQuarantine(q);
    return { items, nextAfter: items.length === q.limit ? items[items.length - 1]!.position : null };
  }
}
