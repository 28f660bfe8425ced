import type { TwinEventType } from './twin-events';
import { UpcasterRegistry, type Upcaster } from './upcasting';

/**
 * The schema version twin-state writes each twin event type at (`twinEventSchemas` holds those
 * versions' schemas). Raise one only together with an upcaster from the previous version below and
 * a stored-form fixture of the previous version in libs/contracts/fixtures/events (docs/adr/0007).
 */
export const TWIN_EVENT_SCHEMA_VERSIONS: Readonly<Record<TwinEventType, number>> = Object.freeze({
  ReadingsApplied: 1,
  TwinStatusChanged: 1,
  AlarmRaised: 1,
  AlarmCleared: 2,
  ReadingsQuarantined: 1,
  SensorFaultDetected: 1,
  SensorFaultCleared: 1,
  SecurityViolationDetected: 1,
  AlarmAcknowledged: 1,
  MaintenanceCompleted: 1,
  AlarmSeverityChanged: 1,
  AlarmConditionChanged: 1,
  AlarmShelved: 1,
  AlarmUnshelved: 1,
  AlarmRemovedFromService: 1,
  AlarmReturnedToService: 1,
  AlarmReannounced: 1,
  FailurePredicted: 1,
  FailurePredictionWithdrawn: 1,
  RulEstimated: 1,
  AnomalyDetected: 1,
  AnomalyCleared: 1,
  PredictionConfigured: 1,
});

/** Upcasters of twin events, one per (type, version) step. Pure; never removed while events of that version may be stored. */
export const twinEventUpcasters: readonly Upcaster[] = Object.freeze([
  {
    // v2 renamed `clearedAt` to `at`.
    type: 'AlarmCleared',
    fromSchemaVersion: 1,
    upcast: ({ clearedAt, ...rest }) => ({ ...rest, at: clearedAt }),
  },
]);

/** The twin's upcasters with the versions they lead to: what readers of twin streams upcast with. */
export const twinEventUpcasting = new UpcasterRegistry(TWIN_EVENT_SCHEMA_VERSIONS, twinEventUpcasters);
