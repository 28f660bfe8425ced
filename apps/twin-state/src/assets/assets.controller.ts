import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { z } from 'zod';
import { assetIdSchema, isoTimeSchema, parseContract, twinStatusSchema } from '@twinline/contracts';
import { twinAt } from '@twinline/domain-twin';
import { EVENT_STORE, type EventStore, type StoredEvent } from '@twinline/event-store';
import { DomainError } from '@twinline/service-kit';
import { foldTwin } from '../apply-readings/twin-repository';
import { twinStreamId } from '../streams';
import { currentTwinEvents } from '../twin-events';
import { TwinViewProjection } from '../twin-view/twin-view.projection';
import { toAssetView } from '../twin-view/twin-view';

const listQuery = z.object({
  status: twinStatusSchema.optional(),
  after: assetIdSchema.optional(),
  limit: z.coerce.number().int('limit must be an integer').min(1, 'limit must be >= 1').max(1000, 'limit must be <= 1000').default(100),
});
const getQuery = z.object({
  at: isoTimeSchema.optional(),
  version: z.coerce.number().int('version must be an integer').min(0, 'version must be >= 0').optional(),
});
const eventsQuery = z.object({
  fromVersion: z.coerce.number().int('fromVersion must be an integer').min(1, 'fromVersion must be >= 1').default(1),
  limit: z.coerce.number().int('limit must be an integer').min(1, 'limit must be >= 1').max(1000, 'limit must be <= 1000').default(100),
  type: z.string().regex(/^[A-Za-z]+$/, 'type must be an event type such as AlarmRaised').optional(),
  /** Source-time window (occurredAt, instants): from inclusive, to inclusive. */
  from: isoTimeSchema.optional(),
  to: isoTimeSchema.optional(),
});

/** How many stored events one request of the history reads at most while filtering (then it answers with what it found and where to go on). */
const EVENTS_SCAN_MAX = 10_000;

@Controller('v1/assets')
export class AssetsController {
  constructor(
    @Inject(TwinViewProjection) private readonly view: TwinViewProjection,
    @Inject(EVENT_STORE) private readonly store: EventStore,
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
      return { ...toAssetView(id, state, upTo.length ? upTo[upTo.length - 1]!.streamVersion : 0), asOf: q.at };
    }
    return toAssetView(id, foldTwin(events), events[events.length - 1]!.streamVersion);
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
    const fromMs = q.from === undefined ? -Infinity : Date.parse(q.from);
    const toMs = q.to === undefined ? Infinity : Date.parse(q.to);
    if (fromMs > toMs) throw new DomainError('CONTRACT.INVALID', `query.from (${q.from}) is after query.to (${q.to})`, 400, { errors: [{ field: 'query.from', message: 'must not be after to' }] });
    const filtered = q.type !== undefined || q.from !== undefined || q.to !== undefined;
    if (!filtered) {
      const page = await this.store.readStream(twinStreamId(id), { fromVersion: q.fromVersion, limit: q.limit });
      const last = page[page.length - 1];
      return { items: page, nextFromVersion: page.length === q.limit && last ? last.streamVersion + 1 : null };
    }
    const matches = (e: StoredEvent) => (q.type === undefined || e.type === q.type) && Date.parse(e.occurredAt) >= fromMs && Date.parse(e.occurredAt) <= toMs;
    const items: StoredEvent[] = [];
    let next: number | null = q.fromVersion;
    let scanned = 0;
    while (next !== null && items.length < q.limit && scanned < EVENTS_SCAN_MAX) {
      const size = Math.min(1000, EVENTS_SCAN_MAX - scanned);
      const chunk = await this.store.readStream(twinStreamId(id), { fromVersion: next, limit: size });
      scanned += chunk.length;
      next = chunk.length === 0 ? null : chunk[chunk.length - 1]!.streamVersion + 1;
      for (const e of chunk) {
        if (!matches(e)) continue;
        items.push(e);
        if (items.length === q.limit) {
          next = e.streamVersion + 1;
          break;
        }
      }
      if (chunk.length < size && items.length < q.limit) next = null;
    }
    return { items, nextFromVersion: next };
  }
}
