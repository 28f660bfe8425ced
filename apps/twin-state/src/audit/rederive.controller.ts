import { Controller, Get, Inject, Param } from '@nestjs/common';
import { assetIdSchema, parseContract } from '@twinline/contracts';
import { rederiveTwin } from '@twinline/domain-twin';
import { EVENT_STORE, type EventStore } from '@twinline/event-store';
import { DomainError } from '@twinline/service-kit';
import { recordedTwinRules } from '../rules';
import { twinStreamId } from '../streams';
import { currentTwinEvents } from '../twin-events';

/**
 * GET /v1/audit/rederive/:assetId — the re-derivation audit of a twin (read-only, any role): the
 * asset's stored readings run again through the twin's pure rules, with the rules recorded as in
 * force for each event (`config-twin-state`), compared with the stored decisions. `{ ok: true, ... }`
 * or `{ ok: false, divergence }` naming the first stored event that does not follow.
 */
@Controller('v1/audit/rederive')
export class RederiveController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get(':assetId')
  async rederive(@Param('assetId') assetId: string) {
    const id = parseContract(assetIdSchema, assetId, 'assetId');
    const streamId = twinStreamId(id);
    const events = await currentTwinEvents(this.store).readStream(streamId);
    if (events.length === 0) throw new DomainError('TWIN.NOT_FOUND', `no twin for asset ${id}: it has no stored events`, 404);
    const recorded = await recordedTwinRules(this.store);
    const result = rederiveTwin(id, events, recorded);
    return { assetId: id, streamId, version: events[events.length - 1]!.streamVersion, rulesRecorded: recorded.map((r) => ({ version: r.version, position: r.position })), ...result };
  }
}
