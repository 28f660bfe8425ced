export { TwinError, twinErrorStatus, type TwinErrorCode } from './twin.errors';
export {
  activeAlarmOf,
  alarmsOf,
  compareSeverity,
  type AlarmCondition,
  type AlarmOutOfService,
  type AlarmRecord,
  type AlarmShelve,
  type AlarmState,
} from './twin.state';
export {
  causeStepEvents,
  alarmEventsAfterReading,
  decideCheckAlarms,
  decideRemoveFromService,
  decideReturnToService,
  decideShelve,
  decideUnshelve,
  shelveWindow,
} from './twin.alarming';
export type { CheckAlarms, RemoveAlarmFromService, ReturnAlarmToService, ShelveAlarm, UnshelveAlarm } from './twin.commands';
export { initialTwinState, RECENT_IDS_KEPT, TWIN_STATE_VERSION, type ActiveAlarm, type LastMaintenance, type MetricValue, type RecentIds, type SecurityViolation, type SensorFault, type TwinState } from './twin.state';
export { DEFAULT_QUARANTINE_POLICY, type AcknowledgeAlarm, type ApplyReadings, type QuarantinedItemInput, type QuarantinePolicy, type RecordMaintenance, type RecordQuarantine, type TwinCommand } from './twin.commands';
export {
  DEFAULT_PROFILE_CLASS,
  DEFAULT_PROFILES,
  DEFAULT_ALARM_POLICY,
  DEFAULT_OFFLINE_LABEL,
  DEFAULT_WARNING_LABEL,
  alarmPolicyOf,
  mergeProfile,
  parseAssetProfiles,
  profileForAsset,
  type AlarmPolicy,
  type AssetProfileOverrides,
  type ProfileOverride,
  type VibrationProfile,
  describeConditions,
  exceededLimits,
  parseProfiles,
  profileFor,
  assetClassOf,
  type MetricLimit,
  type ThresholdProfile,
  type ThresholdProfiles,
  PIPELINE_WALL_PREDICTION,
  pipelineDesignSchema,
  pipelineMinimumWallMm,
  WALL_THICKNESS_METRIC,
  type PipelineDesignProfile,
} from './twin.profiles';
export { alarmIdFor, decide } from './twin.decide';
export { labelFor, SENSOR_FAULT_LABEL } from './twin.status';
export { securityRulesOf, sensorRulesOf } from './twin.violations';
export { evolve, mergeReadingMetrics } from './twin.evolve';
export { occurredAtOf, twinAt, type TimedTwinEvent } from './twin.at';
export { twinDecider } from './twin.decider';
export {
  DEFAULT_RULES_VERSION,
  DEFAULT_TWIN_RULES,
  profileOfEvent,
  profileOfRules,
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
export * from './alarms';
export * from './pipeline';
export * from './prediction/rul';
export * from './prediction/anomaly';
export * from './prediction/trend';
export * from './prediction/health';
export {
  anomalyChannelOf,
  DEFAULT_PREDICTION_SETTINGS,
  evolvePrediction,
  INITIAL_PREDICTION,
  predictAfterReading,
  predictedLimitsOf,
  predictionSettingsOf,
  predictionSettingsSchema,
  predictionSummaryOf,
  rulChangedMaterially,
  TWIN_ANOMALY,
  TWIN_TREND_WINDOW,
  configurePrediction,
  IMPLICIT_PREDICTION_CONFIG,
  mergePredictionSettings,
  predictionConfigOf,
  type MetricPredictionSettings,
  type PredictionConfig,
  type PredictionSettingsOverride,
  type TwinAnomalyConfig,
  type ActivePrediction,
  type PredictedLimit,
  type PredictionSettings,
  type PredictionSummary,
  type RulSnapshot,
  type TwinAnomaly,
  type TwinPrediction,
} from './twin.predict';
