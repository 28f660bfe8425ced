import { activeAlarmOf, alarmsOf, predictionSummaryOf, type AlarmOutOfService, type AlarmRecord, type AlarmShelve, type PredictionSummary, type ThresholdProfile, type TwinState } from '@twinline/domain-twin';

/** An alarm record as the API shows it: its ISA-18.2 state, and the shelve of its cause (else null). */
export interface AlarmView extends AlarmRecord {
  readonly shelved: AlarmShelve | null;
}

/** What the HTTP API shows of a twin. */
export interface AssetView {
  readonly assetId: string;
  readonly status: TwinState['status'];
  readonly label: string;
  readonly metrics: TwinState['metrics'];
  /**
   * The ACTIVE alarms (acknowledged or not), the one a single-alarm view shows (activeAlarmOf: the
   * most severe announced one) first, then the others by cause; shelved ones say so.
   */
  readonly activeAlarms: AlarmView[];
  /** Every alarm record that is not NORMAL (ACTIVE_UNACKED, ACTIVE_ACKED, RETURNED_UNACKED), by cause. */
  readonly alarms: AlarmView[];
  /** Shelved causes (a shelve outlives its alarm until it expires or is lifted). */
  readonly shelves: Readonly<Record<string, AlarmShelve>>;
  /** Causes out of service: no alarm is raised for them. */
  readonly outOfService: Readonly<Record<string, AlarmOutOfService>>;
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
  /** Failure predictions in force per cause, the latest RUL estimate with its interval, the anomaly detector's state. */
  readonly prediction: PredictionSummary;
  readonly version: number;
}

/**
 * An alarm across assets (GET /v1/alarms): an alarm record with its ISA-18.2 state, or a cause out
 * of service (`state: 'OUT_OF_SERVICE'`, no alarm), with the shelve and out-of-service of its cause.
 */
export interface AlarmListItem {
  readonly assetId: string;
  readonly status: TwinState['status'];
  readonly cause: string;
  readonly state: AlarmRecord['state'] | 'OUT_OF_SERVICE';
  readonly alarmId: string | null;
  readonly severity: AlarmRecord['severity'] | null;
  readonly raisedAt: string | null;
  readonly message: string | null;
  readonly conditions: AlarmRecord['conditions'];
  readonly acknowledgedBy: string | null;
  readonly acknowledgedAt: string | null;
  readonly returnedAt: string | null;
  readonly lastAnnouncedAt: string | null;
  readonly reannouncements: number;
  readonly shelved: AlarmShelve | null;
  readonly outOfService: AlarmOutOfService | null;
}

const own = <T>(map: Readonly<Record<string, T>>, key: string): T | null => (Object.hasOwn(map, key) ? map[key]! : null);

export function alarmViewOf(state: Pick<TwinState, 'shelves'>, alarm: AlarmRecord): AlarmView {
  return { ...alarm, shelved: own(state.shelves, alarm.cause) };
}

/** The ACTIVE alarms of a twin, the one activeAlarmOf picks first. */
export function activeAlarmViews(state: Pick<TwinState, 'alarms' | 'shelves'>): AlarmView[] {
  const first = activeAlarmOf(state);
  const active = alarmsOf(state).filter((a) => a.state !== 'RETURNED_UNACKED');
  const ordered = first ? [first, ...active.filter((a) => a.cause !== first.cause)] : active;
  return ordered.map((a) => alarmViewOf(state, a));
}

/** Every alarm record and cause out of service of a twin, as GET /v1/alarms lists them (by cause). */
export function alarmListItems(assetId: string, state: TwinState): AlarmListItem[] {
  const items: AlarmListItem[] = alarmsOf(state).map((a) => ({
    assetId,
    status: state.status,
    cause: a.cause,
    state: a.state,
    alarmId: a.alarmId,
    severity: a.severity,
    raisedAt: a.raisedAt,
    message: a.message ?? null,
    conditions: a.conditions,
    acknowledgedBy: a.acknowledgedBy,
    acknowledgedAt: a.acknowledgedAt,
    returnedAt: a.returnedAt ?? null,
    lastAnnouncedAt: a.lastAnnouncedAt ?? a.raisedAt,
    reannouncements: a.reannouncements ?? 0,
    shelved: own(state.shelves, a.cause),
    outOfService: own(state.outOfService, a.cause),
  }));
  for (const cause of Object.keys(state.outOfService).sort()) {
    if (Object.hasOwn(state.alarms, cause)) continue;
    items.push({
      assetId,
      status: state.status,
      cause,
      state: 'OUT_OF_SERVICE',
      alarmId: null,
      severity: null,
      raisedAt: null,
      message: null,
      conditions: [],
      acknowledgedBy: null,
      acknowledgedAt: null,
      returnedAt: null,
      lastAnnouncedAt: null,
      reannouncements: 0,
      shelved: own(state.shelves, cause),
      outOfService: state.outOfService[cause]!,
    });
  }
  return items.sort((a, b) => (a.cause < b.cause ? -1 : a.cause > b.cause ? 1 : 0));
}

/** `profile`: the asset's profile, for the health index's failure level (the class default without one). */
export function toAssetView(assetId: string, state: TwinState, version: number, profile?: ThresholdProfile): AssetView {
  return {
    assetId,
    status: state.status,
    label: state.label,
    metrics: state.metrics,
    activeAlarms: activeAlarmViews(state),
    alarms: alarmsOf(state).map((a) => alarmViewOf(state, a)),
    shelves: state.shelves,
    outOfService: state.outOfService,
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
    prediction: predictionSummaryOf(state, profile),
    version,
  };
}
