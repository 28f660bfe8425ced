import type { AlarmSeverity, MaintenanceEvent, WorkOrderPriority } from '@twinline/contracts';
import type { HandleAlarm } from './maintenance.commands';
import { MaintenanceError } from './maintenance.errors';
import type { MaintenanceState } from './maintenance.state';

/**
 * Priority of the work order an alarm opens, by the alarm's severity:
 * CRITICAL → P1, HIGH → P2, MEDIUM → P3, LOW → P4.
 */
export function priorityForSeverity(severity: AlarmSeverity): WorkOrderPriority {
  switch (severity) {
    case 'CRITICAL':
      return 'P1';
    case 'HIGH':
      return 'P2';
    case 'MEDIUM':
      return 'P3';
    case 'LOW':
      return 'P4';
    default: {
      const unknown: never = severity;
      throw new Error(`unknown alarm severity ${JSON.stringify(unknown)}`);
    }
  }
}

/** `WO-P-101-0001`: the asset and the order's number on it, zero-padded to four digits. */
export function workOrderIdFor(assetId: string, number: number): string {
  return `WO-${assetId}-${String(number).padStart(4, '0')}`;
}

/**
 * An alarm seen before decides nothing (redelivery is harmless). An alarm whose cause already has an
 * open work order attaches to it; any other alarm opens a work order.
 */
export function decide(command: HandleAlarm, state: MaintenanceState): MaintenanceEvent[] {
  const { assetId, alarmId, cause, severity, message, raisedAt } = command.data;
  if (state.assetId !== null && state.assetId !== assetId) {
    throw new MaintenanceError('MAINTENANCE.ASSET_MISMATCH', `alarm ${alarmId} of asset ${assetId} was sent to the work orders of asset ${state.assetId}`);
  }
  if (state.seenAlarmIds[alarmId]) return [];
  const open = state.openByCause[cause];
  if (open !== undefined) {
    return [{ type: 'AlarmAttachedToWorkOrder', data: { workOrderId: open, assetId, alarmId, attachedAt: raisedAt } }];
  }
  return [
    {
      type: 'WorkOrderOpened',
      data: {
        workOrderId: workOrderIdFor(assetId, state.count + 1),
        assetId,
        cause,
        priority: priorityForSeverity(severity),
        title: `${assetId}: ${message}`,
        alarmId,
        openedAt: raisedAt,
      },
    },
  ];
}
