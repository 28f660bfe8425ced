import type { AlarmSeverity } from '@twinline/contracts';

/** Handle an alarm raised on an asset: open a work order for its cause, or attach to the open one. */
export interface HandleAlarm {
  readonly type: 'HandleAlarm';
  readonly data: {
    readonly assetId: string;
    readonly alarmId: string;
    readonly cause: string;
    readonly severity: AlarmSeverity;
    readonly message: string;
    readonly raisedAt: string;
  };
}

export type MaintenanceCommand = HandleAlarm;
