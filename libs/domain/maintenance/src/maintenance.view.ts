import type { MaintenanceState, WorkOrder } from './maintenance.state';

/** A work order as the API and the projection show it: the decider's work order and its asset. */
export type WorkOrderView = WorkOrder & { readonly assetId: string };

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
