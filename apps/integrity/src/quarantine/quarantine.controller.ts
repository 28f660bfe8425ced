import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import { assetIdSchema, deviceIdSchema, INTEGRITY_RULE_NAMES, parseContract, type Topology } from '@twinline/contracts';
import { Messaging } from '@twinline/messaging';
import { Actor, DomainError, RequireRoles, TOPOLOGY } from '@twinline/service-kit';
import { IntegrityStore, QUARANTINE_STATUSES } from '../store/integrity-store';
import { releasedMessage } from './release';

const querySchema = z.object({
  assetId: assetIdSchema.optional(),
  deviceId: deviceIdSchema.optional(),
  rule: z.enum(INTEGRITY_RULE_NAMES, { error: `rule must be one of ${INTEGRITY_RULE_NAMES.join(', ')}` }).optional(),
  status: z.enum(QUARANTINE_STATUSES, { error: `status must be one of ${QUARANTINE_STATUSES.join(', ')}` }).optional(),
  after: z.string().regex(/^\d+$/, 'after must be a position returned as nextAfter').optional(),
  limit: z.coerce.number().int('limit must be an integer').min(1, 'limit must be >= 1').max(1000, 'limit must be <= 1000').default(100),
});

const reviewSchema = z.object({ note: z.string({ error: 'note must say why (a string)' }).trim().min(1, 'note must say why').max(2000, 'note may be at most 2000 characters') }).strict();

/**
 * GET /v1/quarantine — rejected readings with their reasons, oldest first; and the admin's review:
 * release (the reading flows on as if accepted, attributed to the admin) or discard (kept, marked).
 */
@Controller('v1/quarantine')
export class QuarantineController {
  constructor(
    @Inject(IntegrityStore) private readonly store: IntegrityStore,
    @Inject(Messaging) private readonly bus: Messaging,
    @Inject(TOPOLOGY) private readonly topology: Topology,
  ) {}

  @Get()
  async list(@Query() query: unknown) {
    const q = parseContract(querySchema, query, 'query');
    const items = await this.store.listQuarantine(q);
    return { items, nextAfter: items.length === q.limit ? items[items.length - 1]!.position : null };
  }

  @Get(':readingId')
  async get(@Param('readingId') readingId: string) {
    return this.pending(readingId, false);
  }

  @Post(':readingId/release')
  @HttpCode(200)
  @RequireRoles('admin')
  async release(@Param('readingId') readingId: string, @Body() body: unknown, @Actor() actor: string) {
    const { note } = parseContract(reviewSchema, body ?? {}, 'release');
    const record = await this.pending(readingId, true);
    const message = releasedMessage(record, { by: actor, at: new Date().toISOString(), note }, this.topology);
    // Published first, with an id derived from the reading: a retry after a failure republishes the
    // same message (deduplicated by JetStream) instead of losing the release.
    await this.bus.publishMany([message]);
    return this.reviewed(readingId, 'released', actor, note);
  }

  @Post(':readingId/discard')
  @HttpCode(200)
  @RequireRoles('admin')
  async discard(@Param('readingId') readingId: string, @Body() body: unknown, @Actor() actor: string) {
    const { note } = parseContract(reviewSchema, body ?? {}, 'discard');
    await this.pending(readingId, true);
    return this.reviewed(readingId, 'discarded', actor, note);
  }

  private async pending(readingId: string, mustBePending: boolean) {
    const record = await this.store.quarantined(readingId);
    if (!record) throw new DomainError('QUARANTINE.NOT_FOUND', `no quarantined reading ${readingId}`, 404);
    if (mustBePending && record.status !== 'pending') {
      throw new DomainError('QUARANTINE.REVIEWED', `reading ${readingId} was ${record.status} by ${record.review?.by} at ${record.review?.at}: it can be reviewed once`, 409);
    }
    return record;
  }

  private async reviewed(readingId: string, status: 'released' | 'discarded', actor: string, note: string) {
    const record = await this.store.review(readingId, status, actor, note);
    if (!record) return this.pending(readingId, true);
    return record;
  }
}
