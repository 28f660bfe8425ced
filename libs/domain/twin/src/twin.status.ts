import type { Condition, TwinEvent, TwinStatus } from '@twinline/contracts';
import { describeConditions, type ThresholdProfile } from './twin.profiles';
import type { TwinState } from './twin.state';

/** The alarm id of the episode a reading started: stable, so a retried command yields the same id. */
export function alarmIdFor(readingId: string): string {
  return `ALM-${readingId}`;
}

/** The label of a twin that is blind: its readings keep failing the data rules. */
export const SENSOR_FAULT_LABEL = 'SENSOR FAULT: readings rejected by integrity checks';

/**
 * The status the twin shows. Precedence ALARM > SENSOR_FAULT > WARNING > OPERATIONAL: an active
 * alarm is never hidden by a sensor fault (the fault stays recorded in `sensorFault`).
 */
export function statusFor(conditions: readonly Condition[], state: Pick<TwinState, 'sensorFault'>): TwinStatus {
  if (conditions.length) return 'ALARM';
  return state.sensorFault ? 'SENSOR_FAULT' : 'OPERATIONAL';
}

function labelFor(status: TwinStatus, profile: ThresholdProfile): string {
  if (status === 'ALARM') return profile.alarmLabel;
  if (status === 'SENSOR_FAULT') return SENSOR_FAULT_LABEL;
  return profile.okLabel;
}

/**
 * The events of moving the twin to `to` because of reading `readingId` at `at`: TwinStatusChanged,
 * then AlarmRaised when entering ALARM without an active alarm, or AlarmCleared when leaving ALARM.
 * None when the status stays.
 */
export function statusChange(
  state: TwinState,
  to: TwinStatus,
  cause: { readonly assetId: string; readonly at: string; readonly readingId: string; readonly conditions: readonly Condition[]; readonly profile: ThresholdProfile },
): TwinEvent[] {
  if (to === state.status) return [];
  const { assetId, at, readingId, conditions, profile } = cause;
  const events: TwinEvent[] = [
    { type: 'TwinStatusChanged', data: { assetId, from: state.status, to, label: labelFor(to, profile), at, readingId, conditions: [...conditions], profile: profile.name } },
  ];
  if (to === 'ALARM' && state.activeAlarm === null) {
    events.push({
      type: 'AlarmRaised',
      data: {
        assetId,
        alarmId: alarmIdFor(readingId),
        cause: profile.cause,
        severity: profile.alarmSeverity,
        message: describeConditions(conditions),
        raisedAt: at,
        readingId,
        conditions: [...conditions],
        profile: profile.name,
      },
    });
  } else if (to !== 'ALARM' && state.activeAlarm !== null) {
    events.push({ type: 'AlarmCleared', data: { assetId, alarmId: state.activeAlarm.alarmId, cause: state.activeAlarm.cause, at, readingId } });
  }
  return events;
}
