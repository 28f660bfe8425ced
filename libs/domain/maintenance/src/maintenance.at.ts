import type { MaintenanceEvent } from '@twinline/contracts';
import { MaintenanceError } from './maintenance.errors';
import { evolve } from './maintenance.evolve';
import { initialMaintenanceState, type MaintenanceState } from './maintenance.state';

/** A stored work-order event as the event store returns it. */
export interface TimedMaintenanceEvent {
  readonly type: string;
  readonly data: unknown;
  /** The source time of the event: the alarm, prediction or schedule behind it (`openedAt` / `attachedAt`), or the planner step's `at`. */
  readonly occurredAt: string;
}

/**
 * The work orders of an asset as of source time `at` (events in stream order, those with
 * `occurredAt <= at`; instants, not text). An `at` that is not a date-time throws MAINTENANCE.INVALID_TIME.
 */
export function workOrdersAt(events: readonly TimedMaintenanceEvent[], at: string): MaintenanceState {
  const atMs = Date.parse(at);
  if (Number.isNaN(atMs)) throw new MaintenanceError('MAINTENANCE.INVALID_TIME', `"${at}" is not an ISO 8601 date-time, e.g. 2024-01-01T00:00:00Z`);
  let state = initialMaintenanceState;
  for (const e of events) if (Date.parse(e.occurredAt) <= atMs) state = evolve(state, { type: e.type, data: e.data } as MaintenanceEvent);
  return state;
}

/** The asset a work-order id belongs to (`WO-<assetId>-<number>`), or null if it is not one. */
export function assetIdOfWorkOrder(workOrderId: string): string | null {
  const match = /^WO-(.+)-\d{4,}$/.exec(workOrderId);
  return match ? match[1]! : null;
}
