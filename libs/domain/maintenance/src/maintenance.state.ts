import type { WorkOrderPriority } from '@twinline/contracts';

export interface WorkOrder {
  readonly workOrderId: string;
  readonly cause: string;
  readonly priority: WorkOrderPriority;
  readonly status: 'OPEN';
  readonly title: string;
  /** The alarm that opened the order first, then every alarm attached to it. */
  readonly alarmIds: readonly string[];
  readonly openedAt: string;
}

/** Work orders of one asset: one decider state per asset. */
export interface MaintenanceState {
  readonly assetId: string | null;
  readonly orders: Readonly<Record<string, WorkOrder>>;
  /** The open work order per cause: a new alarm of that cause attaches to it. */
  readonly openByCause: Readonly<Record<string, string>>;
  /** Every alarm handled: a redelivered alarm changes nothing. */
  readonly seenAlarmIds: Readonly<Record<string, true>>;
  /** Work orders opened so far (numbers the next one). */
  readonly count: number;
}

export const initialMaintenanceState: MaintenanceState = Object.freeze({
  assetId: null,
  orders: Object.freeze({}),
  openByCause: Object.freeze({}),
  seenAlarmIds: Object.freeze({}),
  count: 0,
});
