export { PipelineError } from './pipeline.errors';
export {
  DEFAULT_DESIGN_FACTOR,
  DESIGN_FACTORS,
  gradeFitsMaterial,
  materialFamily,
  PIPE_GRADES,
  pipeGrade,
  SEAMLESS_JOINT_FACTOR,
  temperatureDeratingFactor,
  type MaterialFamily,
  type PipeGrade,
} from './pipeline.materials';
export { barlowInputs, minimumWallThicknessMm, type BarlowInputs, type PipeDesign } from './pipeline.barlow';
export {
  conditionFromLossMm,
  corrosionRateMmPerYear,
  DEFAULT_LIFE_THRESHOLDS,
  fitThickness,
  leastSquaresCorrosionRateMmPerYear,
  lifeStatus,
  remainingLife,
  type LifeStatus,
  type LifeThresholds,
  type RemainingLife,
  type ThicknessFit,
  type ThicknessPoint,
} from './pipeline.life';
export { assessWallLoss, type WallLossAssessment, type WallLossInspection } from './pipeline.assess';
export { assessSegment, type RateBasis, type SegmentAssessment, type SegmentConfig, type WallThicknessReading } from './pipeline.segment';
