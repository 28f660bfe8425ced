import type { TrustedReading, TwinMaintenanceCompletedData } from '@twinline/contracts';
import type { ThresholdProfile } from './twin.profiles';

/** Apply validated readings (in arrival order) to the twin of `assetId`, judged by `profile`. */
export interface ApplyReadings {
  readonly type: 'ApplyReadings';
  readonly data: {
    readonly assetId: string;
    readonly readings: readonly TrustedReading[];
    readonly profile: ThresholdProfile;
  };
}

/** What the twin reads of a reading integrity quarantined. */
export interface QuarantinedItemInput {
  readonly readingId: string;
  readonly deviceId: string | null;
  readonly receivedAt: string;
  readonly reasons: ReadonlyArray<{ readonly rule: string }>;
}

/** When quarantined readings make the twin blind, and how often a security alert may repeat. */
export interface QuarantinePolicy {
  /** Data violations in a row (since the last applied reading) that open a sensor fault. */
  readonly sensorFaultAfter: number;
  /** At most one SecurityViolationDetected per asset within this many seconds (receipt time). */
  readonly securityCooldownSeconds: number;
}

export const DEFAULT_QUARANTINE_POLICY: QuarantinePolicy = Object.freeze({ sensorFaultAfter: 5, securityCooldownSeconds: 900 });

/**
 * Record readings integrity quarantined for `assetId` (one quarantined message, items in arrival
 * order). `at` is when they were received (the message's time): the domain has no clock.
 * `profile` names the profile of a status change it causes.
 */
export interface RecordQuarantine {
  readonly type: 'RecordQuarantine';
  readonly data: {
    readonly assetId: string;
    readonly items: readonly QuarantinedItemInput[];
    readonly at: string;
    readonly policy: QuarantinePolicy;
    readonly profile: ThresholdProfile;
  };
}

/**
 * An operator acknowledges the ACTIVE alarm `alarmId` of `assetId` (ISA-18.2: raised → acknowledged
 * → cleared): it stays active until the process clears it. `by` is the operator, `at` when (the
 * domain has no clock).
 */
export interface AcknowledgeAlarm {
  readonly type: 'AcknowledgeAlarm';
  readonly data: {
    readonly assetId: string;
    readonly alarmId: string;
    readonly by: string;
    readonly at: string;
    readonly note?: string;
  };
}

/**
 * Record maintenance completed on `assetId` (the scheduler's MaintenanceCompleted for a corrective
 * or predictive work order): which order, the failure the crew found, and what the repair resets.
 */
export interface RecordMaintenance {
  readonly type: 'RecordMaintenance';
  readonly data: TwinMaintenanceCompletedData;
}

/**
 * An operator shelves the alarm `alarmId` until `until` (at most alarmPolicy.maxShelveSeconds of
 * `profile` after `at`): its cause stays quiet until then (ISA-18.2 shelving).
 */
export interface ShelveAlarm {
  readonly type: 'ShelveAlarm';
  readonly data: {
    readonly assetId: string;
    readonly alarmId: string;
    readonly by: string;
    readonly at: string;
    readonly until: string;
    readonly reason: string;
    /** The asset's profile: its alarmPolicy.maxShelveSeconds bounds the shelve. */
    readonly profile: ThresholdProfile;
  };
}

/** An operator lifts the shelve of the alarm `alarmId` (the alarm shelved, or its cause's current alarm). */
export interface UnshelveAlarm {
  readonly type: 'UnshelveAlarm';
  readonly data: { readonly assetId: string; readonly alarmId: string; readonly by: string; readonly at: string };
}

/** Take the alarms of `cause` out of service (e.g. THRESHOLD_EXCEEDED, VIBRATION_HIGH, NO_DATA). */
export interface RemoveAlarmFromService {
  readonly type: 'RemoveAlarmFromService';
  readonly data: { readonly assetId: string; readonly cause: string; readonly by: string; readonly at: string; readonly reason: string };
}

/** Return the alarms of `cause` to service. */
export interface ReturnAlarmToService {
  readonly type: 'ReturnAlarmToService';
  readonly data: { readonly assetId: string; readonly cause: string; readonly by: string; readonly at: string };
}

/**
 * The alarm timer: shelve expiry, off-delays that ran out, the no-data (stale) alarm and re-alarm,
 * judged at `at` (the service's clock) by `profile`'s alarm policy. Idempotent for the same `at`.
 */
export interface CheckAlarms {
  readonly type: 'CheckAlarms';
  readonly data: { readonly assetId: string; readonly at: string; readonly profile: ThresholdProfile };
}

export type TwinCommand =
  | ApplyReadings
  | RecordQuarantine
  | AcknowledgeAlarm
  | RecordMaintenance
  | ShelveAlarm
  | UnshelveAlarm
  | RemoveAlarmFromService
  | ReturnAlarmToService
  | CheckAlarms;
