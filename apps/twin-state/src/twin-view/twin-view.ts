import type { TwinState } from '@twinline/domain-twin';

/** What the HTTP API shows of a twin. */
export interface AssetView {
  readonly assetId: string;
  readonly status: TwinState['status'];
  readonly label: string;
  readonly metrics: TwinState['metrics'];
  readonly activeAlarms: Array<NonNullable<TwinState['activeAlarm']>>;
  readonly alarmsRaised: number;
  readonly readingsApplied: number;
  readonly lastReadingTs: string | null;
  readonly profile: string | null;
  /** Open sensor fault (the twin is blind: its readings keep failing the data rules), else null. */
  readonly sensorFault: TwinState['sensorFault'];
  /** The last security alert of the asset and the readings breaking security rules since, else null. */
  readonly lastSecurityViolation: TwinState['lastSecurityViolation'];
  readonly readingsQuarantined: number;
  /** The latest maintenance recorded on the twin (work order, failure found, what the repair reset), else null. */
  readonly lastMaintenance: TwinState['lastMaintenance'];
  readonly maintenanceCount: number;
  /** When the baseline and health index start (the latest repair that reset them), else null. */
  readonly maintainedSince: string | null;
  readonly version: number;
}

/** An active alarm across assets (GET /v1/alarms). */
export interface ActiveAlarmView extends NonNullable<TwinState['activeAlarm']> {
  readonly assetId: string;
  readonly status: TwinState['status'];
}

export function toAssetView(assetId: string, state: TwinState, version: number): AssetView {
  return {
    assetId,
    status: state.status,
    label: state.label,
    metrics: state.metrics,
    activeAlarms: state.activeAlarm ? [state.activeAlarm] : [],
    alarmsRaised: state.alarmsRaised,
    readingsApplied: state.readingsApplied,
    lastReadingTs: state.lastReadingTs,
    profile: state.profile,
    sensorFault: state.sensorFault,
    lastSecurityViolation: state.lastSecurityViolation,
    readingsQuarantined: state.readingsQuarantined,
    lastMaintenance: state.lastMaintenance,
    maintenanceCount: state.maintenanceCount,
    maintainedSince: state.maintainedSince,
    version,
  };
}
