export { type RulCycle, type RulPreprocessing } from './rul.features';
export {
  DEFAULT_BOOSTING,
  DEFAULT_RUL_FIT,
  estimateRul,
  failurePredicted,
  fitRulModel,
  type RulCalibration,
  type RulEstimate,
  type RulFitOptions,
  type RulModel,
  type RulTrajectory,
} from './rul.model';
export { type BoostedTrees, type BoostingOptions, type RegressionTree } from './rul.trees';
export { rulRandom, shuffled, type RulRandom } from './rul.random';
