import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { historyQuerySchema, parseContract, timeTravelQuerySchema, type MaintenanceEvent } from '@twinline/contracts';
import { evolve, initialMaintenanceState, workOrdersAt, workOrdersView } from '@twinline/domain-maintenance';
import { EVENT_STORE, type EventStore, type StoredEvent } from '@twinline/event-store';
import { DomainError, historyPage } from '@twinline/service-kit';
import { workOrderOf } from './work-order-id';
const getQuery = timeTravelQuerySchema;
const eventsQuery = historyQuerySchema('WorkOrderOpened');

const isOf = (workOrderId: string) => (e: StoredEvent) => (e.data as { workOrderId?: unknown }).workOrderId === workOrderId;

/**
 * A work order's history, folded from the scheduler's event store (stream `workorders-<assetId>`):
 * GET /v1/work-orders/:workOrderId[?at=<ISO>|?version=<n>] and GET /v1/work-orders/:workOrderId/events.
 */
@Controller('v1/work-orders')
export class WorkOrderHistoryController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  private streamOf(workOrderId: string): { id: string; streamId: string } {
    const { workOrderId: id, streamId } = workOrderOf(workOrderId);
    return { id, streamId };
  }

  /**
   * The work order (the domain's full view: alarms, predictions, due date, lifecycle times, crew,
   * findings, failure, parts, labour) now, `?at=<ISO time>`: as of that source time (the alarms raised up to then), or
   * `?version=<n>`: as of that version of its asset's work-order stream. `version` in the answer is
   * the stream version of the last event of this work order included.
   */
  @Get(':workOrderId')
  async get(@Param('workOrderId') workOrderId: string, @Query() query: unknown) {
    const { id, streamId } = this.streamOf(workOrderId);
    const q = parseContract(getQuery, query, 'query');
    const events = await this.store.readStream(streamId, q.version !== undefined ? { toVersion: q.version } : {});
    const included = q.at !== undefined ? events.filter((e) => Date.parse(e.occurredAt) <= Date.parse(q.at!)) : events;
    const state = q.at !== undefined ? workOrdersAt(events, q.at) : included.reduce((s, e) => evolve(s, { type: e.type, data: e.data } as MaintenanceEvent), initialMaintenanceState);
    const order = workOrdersView(state).find((o) => o.workOrderId === id);
    const asOf = q.at !== undefined ? ` as of ${q.at}` : q.version !== undefined ? ` at version ${q.version}` : '';
    if (!order) throw new DomainError('MAINTENANCE.UNKNOWN_WORK_ORDER', `no work order ${id}${asOf}`, 404);
    const mine = included.filter(isOf(id));
    return {
      ...order,
      version: mine[mine.length - 1]!.streamVersion,
      ...(q.at !== undefined ? { asOf: q.at } : {}),
    };
  }

  /**
   * GET /v1/work-orders/:workOrderId/events?fromVersion=&limit=&type=&from=&to= — the events of one
   * work order (stream versions of its asset's stream), up to `limit` per page, read from at most
   * 10,000 stored events; `nextFromVersion` is where to go on (null at the end).
   */
  @Get(':workOrderId/events')
  async events(@Param('workOrderId') workOrderId: string, @Query() query: unknown) {
    const { id, streamId } = this.streamOf(workOrderId);
    const q = parseContract(eventsQuery, query, 'query');
    return historyPage(this.store, streamId, q, isOf(id));
  }
}
