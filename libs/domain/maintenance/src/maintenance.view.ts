import type { Failure, PartUsed, WorkOrderPriority, WorkOrderStatus, WorkOrderType } from '@twinline/contracts';
import type { MaintenanceState } from './maintenance.state';

/** A work order as the API and the projection show it. */
export interface WorkOrderView {
  readonly workOrderId: string;
  readonly assetId: string;
  readonly type: WorkOrderType;
  readonly cause: string;
  readonly priority: WorkOrderPriority;
  readonly status: WorkOrderStatus;
  readonly title: string;
  readonly alarmIds: readonly string[];
  readonly predictionIds: readonly string[];
  readonly openedAt: string;
  readonly dueAt: string | null;
  readonly approvedBy: string | null;
  readonly approvedAt: string | null;
  readonly scheduledFor: string | null;
  readonly crew: string | null;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
  readonly cancelledAt: string | null;
  readonly cancelReason: string | null;
  readonly findings: string | null;
  readonly failure: Failure | null;
  readonly parts: readonly PartUsed[];
  readonly labourHours: number | null;
  readonly scheduleId: string | null;
  readonly occurrence: number | null;
  readonly predictedFailureAt: string | null;
  readonly firstWarningAt: string | null;
}

/** The asset's work orders in the order they were opened. */
export function workOrdersView(state: MaintenanceState): WorkOrderView[] {
  if (state.assetId === null) return [];
  const assetId = state.assetId;
  return Object.values(state.orders).map((o) => ({
    workOrderId: o.workOrderId,
    assetId,
    type: o.type,
    cause: o.cause,
    priority: o.priority,
    status: o.status,
    title: o.title,
    alarmIds: [...o.alarmIds],
    predictionIds: [...o.predictionIds],
    openedAt: o.openedAt,
    dueAt: o.dueAt,
    approvedBy: o.approvedBy,
    approvedAt: o.approvedAt,
    scheduledFor: o.scheduledFor,
    crew: o.crew,
    startedAt: o.startedAt,
    completedAt: o.completedAt,
    cancelledAt: o.cancelledAt,
    cancelReason: o.cancelReason,
    findings: o.findings,
    failure: o.failure ? { ...o.failure } : null,
    parts: o.parts.map((p) => ({ ...p })),
    labourHours: o.labourHours,
    scheduleId: o.scheduleId,
    occurrence: o.occurrence,
    predictedFailureAt: o.predictedFailureAt,
    firstWarningAt: o.firstWarningAt,
  }));
}
