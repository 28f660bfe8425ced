import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { z } from 'zod';
import { assetIdSchema, historyQuerySchema, parseContract, timeTravelQuerySchema, twinStatusSchema } from '@twinline/contracts';
import { twinAt } from '@twinline/domain-twin';
import { EVENT_STORE, type EventStore } from '@twinline/event-store';
import { DomainError, historyPage } from '@twinline/service-kit';
import { foldTwin } from '../apply-readings/twin-repository';
import { twinStreamId } from '../streams';
import { currentTwinEvents } from '../twin-events';
import { TwinViewProjection } from '../twin-view/twin-view.projection';
import { toAssetView } from '../twin-view/twin-view';
import { AssetProfiles } from '../asset-profiles';

const listQuery = z.object({
  status: twinStatusSchema.optional(),
  after: assetIdSchema.optional(),
  limit: z.coerce.number().int('limit must be an integer').min(1, 'limit must be >= 1').max(1000, 'limit must be <= 1000').default(100),
});
const getQuery = timeTravelQuerySchema;
const eventsQuery = historyQuerySchema('AlarmRaised');

@Controller('v1/assets')
export class AssetsController {
  constructor(
    @Inject(TwinViewProjection) private readonly view: TwinViewProjection,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(AssetProfiles) private readonly profiles: AssetProfiles,
  ) {}

  /** GET /v1/assets?status=&after=&limit= — every twin, current state. */
  @Get()
  async list(@Query() query: unknown) {
    const q = parseContract(listQuery, query, 'query');
    const items = await this.view.list(q);
    return { items, nextAfter: items.length === q.limit ? items[items.length - 1]!.assetId : null };
  }

  /**
   * GET /v1/assets/:assetId — current twin; `?at=<ISO time>`: the twin as of that source time,
   * `?version=<n>`: as of that stream version; both folded from the stored events.
   */
  @Get(':assetId')
  async get(@Param('assetId') assetId: string, @Query() query: unknown) {
    const id = parseContract(assetIdSchema, assetId, 'assetId');
    const q = parseContract(getQuery, query, 'query');
    if (q.at === undefined && q.version === undefined) {
      const current = await this.view.get(id);
      if (current) return current;
    }
    const events = await currentTwinEvents(this.store).readStream(twinStreamId(id), q.version !== undefined ? { toVersion: q.version } : {});
    if (events.length === 0) throw new DomainError('TWIN.NOT_FOUND', `no twin for asset ${id}: it has not reported any accepted reading`, 404);
    if (q.at !== undefined) {
      const upTo = events.filter((e) => Date.parse(e.occurredAt) <= Date.parse(q.at!));
      const state = twinAt(events, q.at);
      return { ...toAssetView(id, state, upTo.length ? upTo[upTo.length - 1]!.streamVersion : 0, this.profiles.of(id)), asOf: q.at };
    }
    return toAssetView(id, foldTwin(events), events[events.length - 1]!.streamVersion, this.profiles.of(id));
  }

  /**
   * GET /v1/assets/:assetId/events?fromVersion=&limit=&type=&from=&to= — the asset's stored history,
   * paged by stream version. Unfiltered, a page is `limit` events from `fromVersion`. With `type`,
   * `from` or `to` (source time, ISO, inclusive), a page holds up to `limit` matching events, read
   * from at most 10,000 stored ones; `nextFromVersion` is where to go on (null at the end).
   */
  @Get(':assetId/events')
  async events(@Param('assetId') assetId: string, @Query() query: unknown) {
    const id = parseContract(assetIdSchema, assetId, 'assetId');
    const q = parseContract(eventsQuery, query, 'query');
    return historyPage(this.store, twinStreamId(id), q);
  }
}
