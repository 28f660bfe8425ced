import type { MaintenanceEvent } from '@twinline/contracts';
import { MaintenanceError } from './maintenance.errors';
import type { MaintenanceState, WorkOrder } from './maintenance.state';

export function evolve(state: MaintenanceState, event: MaintenanceEvent): MaintenanceState {
  switch (event.type) {
    case 'WorkOrderOpened': {
      const { workOrderId, assetId, cause, priority, title, alarmId, openedAt } = event.data;
      const order: WorkOrder = { workOrderId, cause, priority, status: 'OPEN', title, alarmIds: [alarmId], openedAt };
      return {
        assetId,
        orders: { ...state.orders, [workOrderId]: order },
        openByCause: { ...state.openByCause, [cause]: workOrderId },
        seenAlarmIds: { ...state.seenAlarmIds, [alarmId]: true },
        count: state.count + 1,
      };
    }
    case 'AlarmAttachedToWorkOrder': {
      const { workOrderId, assetId, alarmId } = event.data;
      const order = state.orders[workOrderId];
      return {
        ...state,
        assetId,
        orders: order ? { ...state.orders, [workOrderId]: { ...order, alarmIds: [...order.alarmIds, alarmId] } } : state.orders,
        seenAlarmIds: { ...state.seenAlarmIds, [alarmId]: true },
      };
    }
    default: {
      const unknown: never = event;
      throw new MaintenanceError('MAINTENANCE.UNKNOWN_EVENT', `unknown maintenance event type ${JSON.stringify((unknown as { type?: unknown }).type)}: add it to evolve or an upcaster`);
    }
  }
}
