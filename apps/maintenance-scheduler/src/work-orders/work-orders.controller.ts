import { Controller, Get, Inject, Query } from '@nestjs/common';
import { z } from 'zod';
import { assetIdSchema, parseContract } from '@twinline/contracts';
import { WorkOrdersProjection } from './work-orders.projection';

const listQuery = z.object({
  assetId: assetIdSchema.optional(),
  status: z.enum(['OPEN']).optional(),
  after: z.string().max(200).optional(),
  limit: z.coerce.number().int('limit must be an integer').min(1, 'limit must be >= 1').max(1000, 'limit must be <= 1000').default(100),
});

/** GET /v1/work-orders?assetId=&status=&after=&limit= */
@Controller('v1/work-orders')
export class WorkOrdersController {
  constructor(@Inject(WorkOrdersProjection) private readonly view: WorkOrdersProjection) {}

  @Get()
  async list(@Query() query: unknown) {
    const q = parseContract(listQuery, query, 'query');
    const items = await this.view.list(q);
    return { items, nextAfter: items.length === q.limit ? items[items.length - 1]!.workOrderId : null };
  }
}
