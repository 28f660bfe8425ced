import type { FieldError, TwinEvent } from '@twinline/contracts';
import type { RecordMaintenance } from './twin.commands';
import { assertSameAsset, TwinError } from './twin.errors';
import { timeMs, wasSeen, type TwinState } from './twin.state';
import { union } from './twin.violations';

/**
 * Records maintenance completed on the asset: `MaintenanceCompleted`, once per work order. A work
 * order the twin recorded before (a redelivered message, or the scheduler sending it again under
 * another event id) decides to nothing. What the repair resets is recorded as sent (`resets`); the
 * twin starts its baseline and health index from the completion time (`maintainedSince`).
 */
export function decideMaintenance(command: RecordMaintenance, state: TwinState): TwinEvent[] {
  const { assetId, workOrderId, type, cause, completedAt, failure, resets } = command.data;
  assertSameAsset(state.assetId, assetId);
  if (workOrderId.trim() === '') throw new TwinError('TWIN.INVALID_INPUT', 'workOrderId must name the completed work order', [{ field: 'workOrderId', message: 'must not be empty' }]);
  const times: FieldError[] = [];
  if (Number.isNaN(timeMs(completedAt))) times.push({ field: 'completedAt', message: `"${completedAt}" is not an ISO 8601 date-time` });
  if (failure !== null && Number.isNaN(timeMs(failure.failedAt))) times.push({ field: 'failure.failedAt', message: `"${failure.failedAt}" is not an ISO 8601 date-time` });
  if (times.length) throw new TwinError('TWIN.INVALID_TIME', `maintenance of work order ${workOrderId}: ${times.map((e) => `${e.field} ${e.message}`).join('; ')}`, times);

  if (wasSeen(state.recentWorkOrders, workOrderId, completedAt)) return [];
  return [
    {
      type: 'MaintenanceCompleted',
      data: { assetId, workOrderId, type, cause, completedAt, failure: failure === null ? null : { mode: failure.mode, failedAt: failure.failedAt }, resets: union([], resets) as typeof resets },
    },
  ];
}
