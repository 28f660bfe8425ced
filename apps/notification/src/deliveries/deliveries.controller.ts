import { Controller, Get, Inject, Query } from '@nestjs/common';
import { z } from 'zod';
import { assetIdSchema, parseContract } from '@twinline/contracts';
import { NOTIFICATION_KINDS } from '@twinline/domain-notification';
import { DeliveryStore } from './delivery-store';

const listQuery = z.object({
  status: z.enum(['PENDING', 'SENDING', 'DELIVERED', 'DEAD', 'UNROUTED']).optional(),
  kind: z.enum(NOTIFICATION_KINDS).optional(),
  assetId: assetIdSchema.optional(),
  after: z.string().regex(/^\d+$/, 'after must be a position returned as nextAfter').optional(),
  limit: z.coerce.number().int('limit must be an integer').min(1, 'limit must be >= 1').max(1000, 'limit must be <= 1000').default(100),
});

/** GET /v1/deliveries?status=&kind=&assetId=&after=&limit= — the delivery log with every attempt. */
@Controller('v1/deliveries')
export class DeliveriesController {
  constructor(@Inject(DeliveryStore) private readonly store: DeliveryStore) {}

  @Get()
  async list(@Query() query: unknown) {
    const q = parseContract(listQuery, query, 'query');
    const items = await this.store.list(q);
    return { items, nextAfter: items.length === q.limit ? items[items.length - 1]!.position : null };
  }
}
