import type { MaintenanceEvent } from '@twinline/contracts';
import { MaintenanceError } from './maintenance.errors';
import { dueAtForPriority } from './maintenance.priority';
import { occurrenceKey, type MaintenanceState, type WorkOrder } from './maintenance.state';

/** The earlier of two instants, as given (null when neither). */
function earliest(a: string | null, b: string): string {
  return a === null || Date.parse(b) < Date.parse(a) ? b : a;
}

function update(state: MaintenanceState, workOrderId: string, change: (order: WorkOrder) => WorkOrder): MaintenanceState {
  const order = state.orders[workOrderId];
  return order ? { ...state, orders: { ...state.orders, [workOrderId]: change(order) } } : state;
}

/** A completed or cancelled order frees its cause: the next alarm or prediction of it opens a new order. */
function free(state: MaintenanceState, workOrderId: string): MaintenanceState {
  const order = state.orders[workOrderId];
  if (!order || state.openByCause[order.cause] !== workOrderId) return state;
  const openByCause = { ...state.openByCause };
  delete openByCause[order.cause];
  return { ...state, openByCause };
}

/**
 * Folds a work-order event into the asset's work orders. v1 WorkOrderOpened events (written before
 * the lifecycle: no `type`, no `dueAt`, an `alarmId`) read as corrective REQUESTED orders due by their
 * priority from their opening.
 */
export function evolve(state: MaintenanceState, event: MaintenanceEvent): MaintenanceState {
  switch (event.type) {
    case 'WorkOrderOpened': {
      const { workOrderId, assetId, cause, priority, title, alarmId, openedAt, predictionId, predictedFailureAt, scheduleId, occurrence } = event.data;
      const type = event.data.type ?? 'corrective';
      const order: WorkOrder = {
        workOrderId,
        cause,
        type,
        priority,
        status: 'REQUESTED',
        title,
        alarmIds: alarmId !== undefined ? [alarmId] : [],
        predictionIds: predictionId !== undefined ? [predictionId] : [],
        openedAt,
        dueAt: event.data.dueAt ?? dueAtForPriority(openedAt, priority),
        approvedBy: null,
        approvedAt: null,
        scheduledFor: null,
        crew: null,
        startedAt: null,
        completedAt: null,
        cancelledAt: null,
        cancelReason: null,
        findings: null,
        failure: null,
        parts: [],
        labourHours: null,
        predictedFailureAt: predictedFailureAt ?? null,
        firstWarningAt: type === 'preventive' ? null : openedAt,
        scheduleId: scheduleId ?? null,
        occurrence: occurrence ?? null,
      };
      return {
        ...state,
        assetId,
        orders: { ...state.orders, [workOrderId]: order },
        openByCause: { ...state.openByCause, [cause]: workOrderId },
        seenAlarmIds: alarmId !== undefined ? { ...state.seenAlarmIds, [alarmId]: true } : state.seenAlarmIds,
        seenPredictionIds: predictionId !== undefined ? { ...state.seenPredictionIds, [predictionId]: true } : state.seenPredictionIds,
        seenOccurrences: scheduleId !== undefined && occurrence !== undefined ? { ...state.seenOccurrences, [occurrenceKey(scheduleId, occurrence)]: true } : state.seenOccurrences,
        lastOccurrenceBySchedule:
          scheduleId !== undefined && occurrence !== undefined && occurrence > (state.lastOccurrenceBySchedule[scheduleId]?.occurrence ?? 0)
            ? { ...state.lastOccurrenceBySchedule, [scheduleId]: { occurrence, openedAt, workOrderId } }
            : state.lastOccurrenceBySchedule,
        count: state.count + 1,
      };
    }
    case 'AlarmAttachedToWorkOrder': {
      const { workOrderId, assetId, alarmId, attachedAt } = event.data;
      const next = update(state, workOrderId, (o) => ({ ...o, alarmIds: [...o.alarmIds, alarmId], firstWarningAt: earliest(o.firstWarningAt, attachedAt) }));
      return { ...next, assetId, seenAlarmIds: { ...state.seenAlarmIds, [alarmId]: true } };
    }
    case 'PredictionAttachedToWorkOrder': {
      const { workOrderId, assetId, predictionId, predictedFailureAt, attachedAt } = event.data;
      const next = update(state, workOrderId, (o) => ({ ...o, predictionIds: [...o.predictionIds, predictionId], predictedFailureAt, firstWarningAt: earliest(o.firstWarningAt, attachedAt) }));
      return { ...next, assetId, seenPredictionIds: { ...state.seenPredictionIds, [predictionId]: true } };
    }
    case 'WorkOrderPriorityRaised': {
      const { workOrderId, to, dueAt } = event.data;
      return update(state, workOrderId, (o) => ({ ...o, priority: to, dueAt }));
    }
    case 'WorkOrderApproved': {
      const { workOrderId, by, at } = event.data;
      return update(state, workOrderId, (o) => ({ ...o, status: 'APPROVED', approvedBy: by, approvedAt: at }));
    }
    case 'WorkOrderScheduled': {
      const { workOrderId, scheduledFor, crew } = event.data;
      return update(state, workOrderId, (o) => ({ ...o, status: 'SCHEDULED', scheduledFor, crew }));
    }
    case 'WorkOrderStarted': {
      const { workOrderId, at } = event.data;
      return update(state, workOrderId, (o) => ({ ...o, status: 'IN_PROGRESS', startedAt: at }));
    }
    case 'WorkOrderCompleted': {
      const { workOrderId, at, findings, failure, parts, labourHours } = event.data;
      return free(update(state, workOrderId, (o) => ({ ...o, status: 'COMPLETED', completedAt: at, findings, failure, parts: [...parts], labourHours })), workOrderId);
    }
    case 'WorkOrderCancelled': {
      const { workOrderId, at, reason } = event.data;
      return free(update(state, workOrderId, (o) => ({ ...o, status: 'CANCELLED', cancelledAt: at, cancelReason: reason })), workOrderId);
    }
    case 'MaintenanceCompleted':
      // The twin's copy of WorkOrderCompleted: the order already reads completed.
      return state;
    default: {
      const unknown: never = event;
      throw new MaintenanceError('MAINTENANCE.UNKNOWN_EVENT', `unknown maintenance event type ${JSON.stringify((unknown as { type?: unknown }).type)}: add it to evolve or an upcaster`);
    }
  }
}
