import type { FieldError, TwinEvent } from '@twinline/contracts';
import type { AcknowledgeAlarm } from './twin.commands';
import { assertSameAsset, TwinError } from './twin.errors';
import { timeMs, type TwinState } from './twin.state';

/**
 * Acknowledges an alarm (ISA-18.2): ACTIVE_UNACKED → ACTIVE_ACKED (it stays until the process
 * returns to normal), RETURNED_UNACKED → NORMAL (the record goes). An alarm id the twin does not
 * hold (unknown, or back to normal already) is `TWIN.ALARM_NOT_ACTIVE`; an ACTIVE_ACKED one
 * `TWIN.ALARM_ALREADY_ACKNOWLEDGED` (so a retried request never records two). Changes no status.
 */
export function decideAcknowledge(command: AcknowledgeAlarm, state: TwinState): TwinEvent[] {
  const { assetId, alarmId, by, at, note } = command.data;
  assertSameAsset(state.assetId, assetId);
  const errors: FieldError[] = [];
  if (alarmId.trim() === '') errors.push({ field: 'alarmId', message: 'must name the alarm to acknowledge' });
  if (by.trim() === '') errors.push({ field: 'by', message: 'must name who acknowledges the alarm' });
  if (errors.length) throw new TwinError('TWIN.INVALID_INPUT', `the acknowledgement is invalid: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`, errors);
  if (Number.isNaN(timeMs(at))) throw new TwinError('TWIN.INVALID_TIME', `at "${at}" is not an ISO 8601 date-time, e.g. 2024-01-01T00:00:00Z`, [{ field: 'at', message: 'must be an ISO 8601 date-time' }]);

  const record = Object.values(state.alarms).find((a) => a.alarmId === alarmId);
  if (record === undefined) {
    const known = Object.values(state.alarms).map((a) => `${a.alarmId} (${a.state})`);
    const which = known.length === 0 ? 'it has no alarm to acknowledge' : `its alarms are ${known.join(', ')}`;
    throw new TwinError('TWIN.ALARM_NOT_ACTIVE', `alarm ${alarmId} is not an alarm of asset ${assetId} to acknowledge (${which})`, [
      { field: 'alarmId', message: 'must be an unacknowledged alarm of the asset' },
    ]);
  }
  if (record.state === 'ACTIVE_ACKED') {
    throw new TwinError('TWIN.ALARM_ALREADY_ACKNOWLEDGED', `alarm ${alarmId} of asset ${assetId} was acknowledged by ${record.acknowledgedBy ?? '?'} at ${record.acknowledgedAt}: an alarm is acknowledged once`, [
      { field: 'alarmId', message: 'is acknowledged already' },
    ]);
  }
  return [{ type: 'AlarmAcknowledged', data: { assetId, alarmId, by, at, ...(note !== undefined ? { note } : {}) } }];
}
