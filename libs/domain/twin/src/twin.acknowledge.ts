import type { FieldError, TwinEvent } from '@twinline/contracts';
import type { AcknowledgeAlarm } from './twin.commands';
import { assertSameAsset, TwinError } from './twin.errors';
import { timeMs, type TwinState } from './twin.state';

/**
 * Acknowledges the active alarm (ISA-18.2: raised → acknowledged → cleared). Only the ACTIVE alarm
 * can be acknowledged, once: another alarm id (unknown, or an episode that has cleared) is
 * `TWIN.ALARM_NOT_ACTIVE`, a second acknowledgement `TWIN.ALARM_ALREADY_ACKNOWLEDGED` (so a retried
 * request never records two). Acknowledging does not clear the alarm and changes no status: the
 * alarm stays active until the readings return within limits.
 */
export function decideAcknowledge(command: AcknowledgeAlarm, state: TwinState): TwinEvent[] {
  const { assetId, alarmId, by, at, note } = command.data;
  assertSameAsset(state.assetId, assetId);
  const errors: FieldError[] = [];
  if (alarmId.trim() === '') errors.push({ field: 'alarmId', message: 'must name the alarm to acknowledge' });
  if (by.trim() === '') errors.push({ field: 'by', message: 'must name who acknowledges the alarm' });
  if (errors.length) throw new TwinError('TWIN.INVALID_INPUT', `the acknowledgement is invalid: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`, errors);
  if (Number.isNaN(timeMs(at))) throw new TwinError('TWIN.INVALID_TIME', `at "${at}" is not an ISO 8601 date-time, e.g. 2024-01-01T00:00:00Z`, [{ field: 'at', message: 'must be an ISO 8601 date-time' }]);

  const active = state.activeAlarm;
  if (active === null || active.alarmId !== alarmId) {
    const which = active === null ? 'it has no active alarm' : `its active alarm is ${active.alarmId}`;
    throw new TwinError('TWIN.ALARM_NOT_ACTIVE', `alarm ${alarmId} is not an active alarm of asset ${assetId} (${which}): only the active alarm can be acknowledged`, [
      { field: 'alarmId', message: 'must be the active alarm of the asset' },
    ]);
  }
  // `?? null`: a state stored before acknowledgements existed has neither field.
  if ((active.acknowledgedAt ?? null) !== null) {
    throw new TwinError('TWIN.ALARM_ALREADY_ACKNOWLEDGED', `alarm ${alarmId} of asset ${assetId} was acknowledged by ${active.acknowledgedBy ?? '?'} at ${active.acknowledgedAt}: an alarm is acknowledged once`, [
      { field: 'alarmId', message: 'is acknowledged already' },
    ]);
  }
  return [{ type: 'AlarmAcknowledged', data: { assetId, alarmId, by, at, ...(note !== undefined ? { note } : {}) } }];
}
