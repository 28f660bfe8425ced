export { TwinError, type TwinErrorCode } from './twin.errors';
export { initialTwinState, type ActiveAlarm, type MetricValue, type TwinState } from './twin.state';
export type { ApplyReadings, TwinCommand } from './twin.commands';
export {
  DEFAULT_PROFILE_CLASS,
  DEFAULT_PROFILES,
  describeConditions,
  exceededLimits,
  parseProfiles,
  profileFor,
  type MetricLimit,
  type ThresholdProfile,
  type ThresholdProfiles,
} from './twin.profiles';
export { alarmIdFor, decide } from './twin.decide';
export { evolve, mergeReadingMetrics } from './twin.evolve';
export { occurredAtOf, twinAt, type TimedTwinEvent } from './twin.at';
export { twinDecider } from './twin.decider';
