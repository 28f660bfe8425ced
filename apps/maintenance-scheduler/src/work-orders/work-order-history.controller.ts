import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { z } from 'zod';
import { historyQuerySchema, parseContract, timeTravelQuerySchema, type MaintenanceEvent } from '@twinline/contracts';
import { assetIdOfWorkOrder, evolve, initialMaintenanceState, workOrdersAt } from '@twinline/domain-maintenance';
import { EVENT_STORE, type EventStore, type StoredEvent } from '@twinline/event-store';
import { DomainError, historyPage } from '@twinline/service-kit';
import { workOrderStreamId } from '../streams';

const workOrderIdSchema = z.string().regex(/^WO-[A-Za-z0-9][A-Za-z0-9_-]{0,63}-\d{4,}$/, 'workOrderId must be a work-order id such as WO-P-101-0001');
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
    const id = parseContract(workOrderIdSchema, workOrderId, 'workOrderId');
    return { id, streamId: workOrderStreamId(assetIdOfWorkOrder(id)!) };
  }

  /**
   * The work order now, `?at=<ISO time>`: as of that source time (the alarms raised up to then), or
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
    const order = state.orders[id];
    const asOf = q.at !== undefined ? ` as of ${q.at}` : q.version !== undefined ? ` at version ${q.version}` : '';
    if (!order || state.assetId === null) throw new DomainError('WORK_ORDER.NOT_FOUND', `no work order ${id}${asOf}`, 404);
    const mine = included.filter(isOf(id));
    return {
      ...order,
      assetId: state.assetId,
      alarmIds: [...order.alarmIds],
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
