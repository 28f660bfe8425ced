export { TwinError, twinErrorStatus, type TwinErrorCode } from './twin.errors';
export { initialTwinState, RECENT_IDS_KEPT, TWIN_STATE_VERSION, type ActiveAlarm, type LastMaintenance, type MetricValue, type RecentIds, type SecurityViolation, type SensorFault, type TwinState } from './twin.state';
export { DEFAULT_QUARANTINE_POLICY, type AcknowledgeAlarm, type ApplyReadings, type QuarantinedItemInput, type QuarantinePolicy, type RecordMaintenance, type RecordQuarantine, type TwinCommand } from './twin.commands';
export {
  DEFAULT_PROFILE_CLASS,
  DEFAULT_PROFILES,
  describeConditions,
  exceededLimits,
  parseProfiles,
  profileFor,
  assetClassOf,
  type MetricLimit,
  type ThresholdProfile,
  type ThresholdProfiles,
} from './twin.profiles';
export { alarmIdFor, decide } from './twin.decide';
export { SENSOR_FAULT_LABEL, statusFor } from './twin.status';
export { securityRulesOf, sensorRulesOf } from './twin.violations';
export { evolve, mergeReadingMetrics } from './twin.evolve';
export { occurredAtOf, twinAt, type TimedTwinEvent } from './twin.at';
export { twinDecider } from './twin.decider';
export {
  DEFAULT_RULES_VERSION,
  DEFAULT_TWIN_RULES,
  rederiveTwin,
  rulesInForce,
  type AuditedEvent,
  type AuditItem,
  type Difference,
  type Divergence,
  type DivergenceKind,
  type RecordedRules,
  type RederiveResult,
  type RulesUse,
  type TwinRules,
} from './twin.rederive';
