import { barlowInputs, minimumWallThicknessMm, type BarlowInputs, type PipeDesign } from './pipeline.barlow';
import { nonNegativeOrThrow, positiveOrThrow } from './pipeline.errors';
import { corrosionRateMmPerYear, DEFAULT_LIFE_THRESHOLDS, lifeStatus, remainingLife, type LifeStatus, type LifeThresholds } from './pipeline.life';

/** One inspection of a pipe against its as-built wall: nominal wall, loss measured, years in service. */
export interface WallLossInspection {
  readonly nominalThicknessMm: number;
  readonly thicknessLossMm: number;
  readonly yearsInService: number;
}

export interface WallLossAssessment {
  readonly inputs: BarlowInputs;
  readonly tMinMm: number;
  /** nominal − loss, floored at 0 (a loss beyond the wall means a hole). */
  readonly currentThicknessMm: number;
  readonly corrosionRateMmPerYear: number;
  /** ∞ when the rate is 0; 0 at or below t_min. */
  readonly remainingLifeYears: number;
  readonly belowMinimum: boolean;
  /** The loss is at least the nominal wall: through-wall. */
  readonly throughWall: boolean;
  /** The as-built wall is below t_min already: the pipe never met the design pressure. */
  readonly underDesigned: boolean;
  readonly status: LifeStatus;
}

/**
 * Remaining life of a pipe from one inspection: t_min by Barlow, current wall = nominal − loss,
 * linear rate = loss / years, remaining life = (current − t_min) / rate (API 570). Every bad input
 * throws a PipelineError naming its field.
 */
export function assessWallLoss(design: PipeDesign, inspection: WallLossInspection, thresholds: LifeThresholds = DEFAULT_LIFE_THRESHOLDS): WallLossAssessment {
  const inputs = barlowInputs(design);
  const tMinMm = minimumWallThicknessMm(design);
  const nominal = positiveOrThrow('nominalThicknessMm', inspection.nominalThicknessMm);
  const loss = nonNegativeOrThrow('thicknessLossMm', inspection.thicknessLossMm);
  const rate = corrosionRateMmPerYear(loss, inspection.yearsInService);
  const current = Math.max(0, nominal - loss);
  const life = remainingLife(current, tMinMm, rate);
  return {
    inputs,
    tMinMm,
    currentThicknessMm: current,
    corrosionRateMmPerYear: rate,
    remainingLifeYears: life.remainingLifeYears,
    belowMinimum: life.belowMinimum,
    throughWall: loss >= nominal,
    underDesigned: nominal < tMinMm,
    status: lifeStatus(life, thresholds),
  };
}
