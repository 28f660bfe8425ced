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

export type TwinCommand = ApplyReadings | RecordQuarantine | AcknowledgeAlarm | RecordMaintenance;
