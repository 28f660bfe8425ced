export {
  currentHealthIndex,
  DEFAULT_HEALTH_INDEX,
  failureScoreOf,
  healthDistance,
  healthIndexOf,
  healthIndexSeries,
  healthRul,
  type HealthIndexSettings,
  type HealthRul,
} from './health.index';
