import { WORK_ORDER_STATUSES } from '@twinline/contracts';
import type { AppendRequest } from '@twinline/event-store';
import { metrics } from '@twinline/observability';
import type { WorkOrdersProjection } from './work-orders.projection';

const opened = metrics.counter('twinline_work_orders_opened_total', 'WorkOrderOpened events appended by the scheduler.');
opened.inc(0);

/** Counts the work orders an append that committed opened. */
export function countOpenedWorkOrders(requests: readonly AppendRequest[]): void {
  for (const { events } of requests) for (const { type } of events) if (type === 'WorkOrderOpened') opened.inc();
}

/** twinline_work_orders{status}: work orders per status (REQUESTED ... CANCELLED, each reported, 0 when none), counted in work_orders when scraped (at most every 5 s). Returns its remover. */
export function workOrdersGauge(view: Pick<WorkOrdersProjection, 'countByStatus'>): () => void {
  return metrics.sampledGauge({ name: 'twinline_work_orders', help: 'Work orders per status, from the work_orders read model (read at most every 5 s).', labelNames: ['status'] }, async () =>
    metrics.perStatus(await view.countByStatus(), WORK_ORDER_STATUSES),
  );
}
