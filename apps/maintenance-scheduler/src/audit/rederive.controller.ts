import { Controller, Get, Inject, Param } from '@nestjs/common';
import { assetIdSchema, parseContract } from '@twinline/contracts';
import { rederiveWorkOrders } from '@twinline/domain-maintenance';
import { EVENT_STORE, type EventStore } from '@twinline/event-store';
import { DomainError } from '@twinline/service-kit';
import { MAINTENANCE_RULES_VERSION } from '../rules';
import { workOrderStreamId } from '../streams';

/**
 * GET /v1/audit/rederive/work-orders/:assetId — the re-derivation audit of an asset's work orders
 * (read-only, any role): the maintenance rules run again over the alarms the scheduler consumed,
 * as its own events record them, compared with the stored work-order events.
 */
@Controller('v1/audit/rederive/work-orders')
export class WorkOrdersRederiveController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get(':assetId')
  async rederive(@Param('assetId') assetId: string) {
    const id = parseContract(assetIdSchema, assetId, 'assetId');
    const streamId = workOrderStreamId(id);
    const events = await this.store.readStream(streamId);
    if (events.length === 0) throw new DomainError('WORK_ORDER.NOT_FOUND', `no work orders for asset ${id}`, 404);
    const result = rederiveWorkOrders(id, events);
    const warnings = result.rulesVersions.filter((v) => v !== MAINTENANCE_RULES_VERSION).map((v) => `events were decided by rules ${v}; they are re-derived with the rules of this version of the scheduler (${MAINTENANCE_RULES_VERSION})`);
    return { assetId: id, streamId, version: events[events.length - 1]!.streamVersion, rulesVersion: MAINTENANCE_RULES_VERSION, warnings, ...result };
  }
}
