import { Controller, Get, Inject, Query } from '@nestjs/common';
import { z } from 'zod';
import { assetIdSchema, isoTimeSchema, parseContract, WORK_ORDER_PRIORITIES, WORK_ORDER_STATUSES, WORK_ORDER_TYPES } from '@twinline/contracts';
import { WorkOrdersProjection } from './work-orders.projection';

const listQuery = z.object({
  assetId: assetIdSchema.optional(),
  status: z.enum(WORK_ORDER_STATUSES, { error: `status must be one of ${WORK_ORDER_STATUSES.join(', ')}` }).optional(),
  type: z.enum(WORK_ORDER_TYPES, { error: `type must be one of ${WORK_ORDER_TYPES.join(', ')}` }).optional(),
  priority: z.enum(WORK_ORDER_PRIORITIES, { error: `priority must be one of ${WORK_ORDER_PRIORITIES.join(', ')}` }).optional(),
  cause: z.string().min(1, 'cause must not be empty').max(200, 'cause may be at most 200 characters').optional(),
  dueBefore: isoTimeSchema.optional(),
  after: z.string().max(200).optional(),
  limit: z.coerce.number().int('limit must be an integer').min(1, 'limit must be >= 1').max(1000, 'limit must be <= 1000').default(100),
});

/**
 * GET /v1/work-orders?assetId=&status=&type=&priority=&cause=&dueBefore=&after=&limit= — work orders
 * from the work_orders read model, by id; `nextAfter` is the cursor of the next page (null at the end).
 * Any role.
 */
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
