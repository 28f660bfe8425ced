import type { WorkOrderPriority } from '@twinline/contracts';
import type { MaintenanceState } from './maintenance.state';

export interface WorkOrderView {
  readonly workOrderId: string;
  readonly assetId: string;
  readonly cause: string;
  readonly priority: WorkOrderPriority;
  readonly status: 'OPEN';
  readonly title: string;
  readonly alarmIds: readonly string[];
  readonly openedAt: string;
}

/** The asset's work orders in the order they were opened. */
export function workOrdersView(state: MaintenanceState): WorkOrderView[] {
  if (state.assetId === null) return [];
  const assetId = state.assetId;
  return Object.values(state.orders).map((o) => ({ ...o, assetId, alarmIds: [...o.alarmIds] }));
}
