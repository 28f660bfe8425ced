import { factorOrThrow, nonNegativeOrThrow, PipelineError, positiveOrThrow } from './pipeline.errors';
import { DEFAULT_DESIGN_FACTOR, pipeGrade, SEAMLESS_JOINT_FACTOR, temperatureDeratingFactor } from './pipeline.materials';

/**
 * The design of a steel pipe segment (configuration). Pressure and strength in psi (their ratio is
 * what matters), lengths in mm. Give `grade` or `smysPsi` (smysPsi wins).
 */
export interface PipeDesign {
  readonly outsideDiameterMm: number;
  readonly designPressurePsi: number;
  readonly grade?: string;
  readonly smysPsi?: number;
  /** F; default 0.72 (ASME B31.8 Location Class 1 Division 2 = ASME B31.4 liquids). */
  readonly designFactor?: number;
  /** E; default 1.0 (seamless). */
  readonly jointFactor?: number;
  /** T; default from `designTemperatureC` by B31.8 Table 841.1.8-1, else 1.0. */
  readonly temperatureFactor?: number;
  readonly designTemperatureC?: number;
  /** Added to the pressure-design thickness when given; default 0. */
  readonly corrosionAllowanceMm?: number;
}

/** The factors a minimum-thickness result was computed with (shown beside every result). */
export interface BarlowInputs {
  readonly outsideDiameterMm: number;
  readonly designPressurePsi: number;
  readonly smysPsi: number;
  readonly designFactor: number;
  readonly jointFactor: number;
  readonly temperatureFactor: number;
  readonly corrosionAllowanceMm: number;
}

/** The design resolved to numbers, validated: every bad field throws a PipelineError naming it. */
export function barlowInputs(design: PipeDesign): BarlowInputs {
  if (design === null || typeof design !== 'object') throw new PipelineError('design', 'must be an object');
  let smysPsi: number;
  if (design.smysPsi !== undefined) smysPsi = positiveOrThrow('smysPsi', design.smysPsi);
  else if (design.grade !== undefined) smysPsi = pipeGrade(design.grade).smysPsi;
  else throw new PipelineError('grade', 'give grade (e.g. "API 5L X52") or smysPsi');
  return {
    outsideDiameterMm: positiveOrThrow('outsideDiameterMm', design.outsideDiameterMm),
    designPressurePsi: positiveOrThrow('designPressurePsi', design.designPressurePsi),
    smysPsi,
    designFactor: factorOrThrow('designFactor', design.designFactor ?? DEFAULT_DESIGN_FACTOR),
    jointFactor: factorOrThrow('jointFactor', design.jointFactor ?? SEAMLESS_JOINT_FACTOR),
    temperatureFactor:
      design.temperatureFactor !== undefined
        ? factorOrThrow('temperatureFactor', design.temperatureFactor)
        : design.designTemperatureC !== undefined
          ? temperatureDeratingFactor(design.designTemperatureC)
          : 1,
    corrosionAllowanceMm: nonNegativeOrThrow('corrosionAllowanceMm', design.corrosionAllowanceMm ?? 0),
  };
}

/**
 * Minimum required wall thickness (mm) by Barlow's formula as ASME B31.8 841.1.1 writes it,
 * P = 2·S·t/D · F·E·T solved for t, plus the corrosion allowance:
 *
 *   t_min = P·D / (2·S·F·E·T) + CA
 *
 * P design pressure (psi), D outside diameter (mm), S SMYS (psi), so t_min is in mm. With T = 1 this
 * is also ASME B31.4's t = P·D/(2·S) with S = F·E·SMYS. Thin-wall formula: meant for D/t ≥ 20 or so.
 */
export function minimumWallThicknessMm(design: PipeDesign): number {
  const i = barlowInputs(design);
  return (i.designPressurePsi * i.outsideDiameterMm) / (2 * i.smysPsi * i.designFactor * i.jointFactor * i.temperatureFactor) + i.corrosionAllowanceMm;
}
