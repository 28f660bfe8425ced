import type { Condition, TwinEvent, TwinStatus } from '@twinline/contracts';
import { DEFAULT_OFFLINE_LABEL, DEFAULT_WARNING_LABEL, type ThresholdProfile } from './twin.profiles';
import type { TwinState } from './twin.state';

export { alarmIdOf } from './alarms/lifecycle';

/** The alarm id of the limit alarm a reading started: stable, so a retried command yields the same id. */
export function alarmIdFor(readingId: string): string {
  return `ALM-${readingId}`;
}

/** The label of a twin that is blind: its readings keep failing the data rules. */
export const SENSOR_FAULT_LABEL = 'SENSOR FAULT: readings rejected by integrity checks';

export function labelFor(status: TwinStatus, profile: ThresholdProfile): string {
  switch (status) {
    case 'ALARM':
      return profile.alarmLabel;
    case 'SENSOR_FAULT':
      return SENSOR_FAULT_LABEL;
    case 'WARNING':
      return profile.warningLabel ?? DEFAULT_WARNING_LABEL;
    case 'OFFLINE':
      return profile.offlineLabel ?? DEFAULT_OFFLINE_LABEL;
    default:
      return profile.okLabel;
  }
}

/**
 * The TwinStatusChanged of moving the twin to `to` because of reading `readingId` at `at` (none when
 * the status stays). Alarms are decided apart, per cause (twin.alarming.ts).
 */
export function statusChange(
  state: TwinState,
  to: TwinStatus,
  cause: { readonly assetId: string; readonly at: string; readonly readingId: string; readonly conditions: readonly Condition[]; readonly profile: ThresholdProfile },
): TwinEvent[] {
  if (to === state.status) return [];
  const { assetId, at, readingId, conditions, profile } = cause;
  return [{ type: 'TwinStatusChanged', data: { assetId, from: state.status, to, label: labelFor(to, profile), at, readingId, conditions: [...conditions], profile: profile.name } }];
}
