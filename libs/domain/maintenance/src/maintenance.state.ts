import type { Failure, PartUsed, WorkOrderPriority, WorkOrderStatus, WorkOrderType } from '@twinline/contracts';

export interface WorkOrder {
  readonly workOrderId: string;
  /** What the order is about: the alarm or prediction cause, or `preventive:<scheduleId>`. */
  readonly cause: string;
  readonly type: WorkOrderType;
  /** The most urgent priority of everything the order has seen. */
  readonly priority: WorkOrderPriority;
  readonly status: WorkOrderStatus;
  readonly title: string;
  /** The alarm that opened the order first (corrective), then every alarm attached to it. */
  readonly alarmIds: readonly string[];
  /** The prediction that opened the order first (predictive), then every prediction attached to it. */
  readonly predictionIds: readonly string[];
  readonly openedAt: string;
  /** When the work should be done by; attachments only ever move it earlier. */
  readonly dueAt: string | null;
  readonly approvedBy: string | null;
  readonly approvedAt: string | null;
  /** When the crew will do the work (the last schedule). */
  readonly scheduledFor: string | null;
  readonly crew: string | null;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
  readonly cancelledAt: string | null;
  readonly cancelReason: string | null;
  readonly findings: string | null;
  /** The failure the crew found (completed orders); null when none or not completed. */
  readonly failure: Failure | null;
  readonly parts: readonly PartUsed[];
  readonly labourHours: number | null;
  /** The failure time of the latest prediction the order has seen. */
  readonly predictedFailureAt: string | null;
  /** The earliest warning the order has seen: the earliest alarm `raisedAt` or prediction time; null for preventive orders. */
  readonly firstWarningAt: string | null;
  /** The preventive schedule and occurrence that opened the order (preventive). */
  readonly scheduleId: string | null;
  readonly occurrence: number | null;
}

/** Work orders of one asset: one decider state per asset (stream `workorders-<assetId>`). */
export interface MaintenanceState {
  readonly assetId: string | null;
  /** Every order, in the order opened. */
  readonly orders: Readonly<Record<string, WorkOrder>>;
  /** The open (not completed, not cancelled) work order per cause: a new alarm or prediction of that cause attaches to it. */
  readonly openByCause: Readonly<Record<string, string>>;
  /** Every alarm handled: a redelivered alarm changes nothing. */
  readonly seenAlarmIds: Readonly<Record<string, true>>;
  /** Every prediction handled: a redelivered prediction changes nothing. */
  readonly seenPredictionIds: Readonly<Record<string, true>>;
  /** Every preventive occurrence opened, as `<scheduleId>:<occurrence>`: opening it again changes nothing. */
  readonly seenOccurrences: Readonly<Record<string, true>>;
  /** The latest occurrence opened per preventive schedule (what the preventive planner counts from). */
  readonly lastOccurrenceBySchedule: Readonly<Record<string, { readonly occurrence: number; readonly openedAt: string; readonly workOrderId: string }>>;
  /** Work orders opened so far (numbers the next one). */
  readonly count: number;
}

export const initialMaintenanceState: MaintenanceState = Object.freeze({
  assetId: null,
  orders: Object.freeze({}),
  openByCause: Object.freeze({}),
  seenAlarmIds: Object.freeze({}),
  seenPredictionIds: Object.freeze({}),
  seenOccurrences: Object.freeze({}),
  lastOccurrenceBySchedule: Object.freeze({}),
  count: 0,
});

/** The key of a preventive occurrence in `seenOccurrences`: the occurrence is an integer, so the last `:` separates it. */
export function occurrenceKey(scheduleId: string, occurrence: number): string {
  return `${scheduleId}:${occurrence}`;
}

/** Completed and cancelled orders are terminal: nothing moves them any more, and they free their cause. */
export const TERMINAL_STATUSES: readonly WorkOrderStatus[] = Object.freeze(['COMPLETED', 'CANCELLED']);
export const isOpen = (order: Pick<WorkOrder, 'status'>): boolean => !TERMINAL_STATUSES.includes(order.status);
