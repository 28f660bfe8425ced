import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import { assetIdSchema, parseContract } from '@twinline/contracts';
import { NOTIFICATION_KINDS } from '@twinline/domain-notification';
import { Actor, DomainError, RequireRoles } from '@twinline/service-kit';
import { NotificationRuntime } from '../notification-runtime';
import { DeliveryStore } from './delivery-store';

const listQuery = z.object({
  status: z.enum(['PENDING', 'SENDING', 'DELIVERED', 'DEAD', 'UNROUTED', 'SUPPRESSED']).optional(),
  kind: z.enum(NOTIFICATION_KINDS).optional(),
  assetId: assetIdSchema.optional(),
  /** A recipient of NOTIFY_ROUTES. */
  recipient: z.string().min(1, 'recipient must not be empty').max(64, 'recipient must be at most 64 characters').optional(),
  after: z.string().regex(/^\d+$/, 'after must be a position returned as nextAfter').optional(),
  limit: z.coerce.number().int('limit must be an integer').min(1, 'limit must be >= 1').max(1000, 'limit must be <= 1000').default(100),
});

/**
 * GET /v1/deliveries?status=&kind=&assetId=&recipient=&after=&limit= — the delivery log with every attempt and
 * every admin retry; POST /v1/deliveries/:deliveryId/retry — an admin sends a dead letter again.
 */
@Controller('v1/deliveries')
export class DeliveriesController {
  constructor(
    @Inject(DeliveryStore) private readonly store: DeliveryStore,
    @Inject(NotificationRuntime) private readonly runtime: NotificationRuntime,
  ) {}

  @Get()
  async list(@Query() query: unknown) {
    const q = parseContract(listQuery, query, 'query');
    const items = await this.store.list(q);
    return { items, nextAfter: items.length === q.limit ? items[items.length - 1]!.position : null };
  }

  /**
   * A dead letter (status DEAD) goes back to PENDING, due now, attributed to the admin; its attempts
   * keep their numbers and it gets a fresh retry budget. 404 for an unknown delivery, 409 for any other status.
   */
  @Post(':deliveryId/retry')
  @HttpCode(200)
  @RequireRoles('admin')
  async retry(@Param('deliveryId') deliveryId: string, @Actor() actor: string) {
    const result = await this.store.retry(deliveryId, actor);
    if (result.kind === 'not-found') throw new DomainError('DELIVERY.NOT_FOUND', `no delivery ${deliveryId}`, 404, { deliveryId });
    if (result.kind === 'not-dead') {
      throw new DomainError('DELIVERY.NOT_DEAD_LETTER', `delivery ${deliveryId} is ${result.status}: only a dead letter (status DEAD) can be retried`, 409, { deliveryId, deliveryStatus: result.status });
    }
    this.runtime.wake();
    return (await this.store.get(deliveryId)) ?? result.delivery;
  }
}
