import { minimumWallThicknessMm, type PipeDesign } from './pipeline.barlow';
import { nonNegativeOrThrow, PipelineError } from './pipeline.errors';
import { DEFAULT_LIFE_THRESHOLDS, fitThickness, lifeStatus, remainingLife, type LifeStatus, type LifeThresholds } from './pipeline.life';

/** A time-stamped wall-thickness reading of a segment (the twin's `wallThicknessMm` metric). */
export interface WallThicknessReading {
  /** ISO 8601 time with zone, e.g. 2024-01-01T00:00:00Z. */
  readonly ts: string;
  readonly wallThicknessMm: number;
}

/**
 * A pipeline segment's configuration: its design (Barlow inputs) and, optionally, the wall it was
 * built with and since when (API 570's t_initial), which lets one reading give a (long-term) rate.
 */
export interface SegmentConfig extends PipeDesign {
  readonly nominalThicknessMm?: number;
  /** ISO time the segment entered service with `nominalThicknessMm`. */
  readonly inServiceSince?: string;
  readonly lifeThresholds?: LifeThresholds;
}

/** How the corrosion rate was obtained. */
export type RateBasis = 'least-squares' | 'long-term' | 'none';

/** The twin's view of a segment's wall: JSON-safe (no Infinity: `null` where life is unbounded). */
export interface SegmentAssessment {
  readonly tMinMm: number;
  /** The latest reading (API 570 uses the measured t_actual, not a fitted value). */
  readonly currentThicknessMm: number;
  readonly currentAt: string;
  /** mm/yr, positive = thinning; null when no rate can be computed (one reading, no nominal wall). */
  readonly corrosionRateMmPerYear: number | null;
  readonly rateBasis: RateBasis;
  /** Years from `currentAt` to t_min; 0 at or below t_min; null when not thinning or no rate. */
  readonly remainingLifeYears: number | null;
  /** ISO time the wall reaches t_min (`currentAt` + remaining life); `currentAt` when below it already; null when unbounded. */
  readonly predictedMinimumAt: string | null;
  readonly belowMinimum: boolean;
  /** From remaining life; null when there is no rate and the wall is above t_min. */
  readonly status: LifeStatus | null;
  readonly readingsUsed: number;
}

const MS_PER_YEAR = 365.25 * 24 * 3600 * 1000;

function timeOf(field: string, iso: string): number {
  const ms = typeof iso === 'string' && /(Z|[+-]\d\d:?\d\d)$/.test(iso) ? Date.parse(iso) : Number.NaN;
  if (!Number.isFinite(ms)) throw new PipelineError(field, `must be an ISO 8601 time with a zone (e.g. 2024-01-01T00:00:00Z), got ${JSON.stringify(iso)}`);
  return ms;
}

/** ECMAScript times end at ±8.64e15 ms (about year 275760): a later prediction is "never". */
const MAX_TIME_MS = 8.64e15;
const isoOf = (ms: number) => new Date(ms).toISOString();

/**
 * Assesses a pipeline segment from its time-stamped wall-thickness readings (pure: time comes in
 * with the readings). t_min by Barlow from the configuration; corrosion rate = −(least-squares
 * slope of thickness over time, in mm/yr) when ≥ 2 readings at different times; when the
 * configuration gives `nominalThicknessMm` and `inServiceSince`, also the long-term rate
 * (nominal − latest) / years in service, and the greater of the two is used (API 570 takes the more
 * conservative of long- and short-term rates). Remaining life = (latest − t_min) / rate.
 * Readings may come in any order; they are sorted by time.
 */
export function assessSegment(config: SegmentConfig, readings: readonly WallThicknessReading[]): SegmentAssessment {
  const tMinMm = minimumWallThicknessMm(config);
  if (!Array.isArray(readings) || readings.length === 0) throw new PipelineError('readings', 'need at least one wallThicknessMm reading');
  const points = readings
    .map((r, i) => ({ ms: timeOf(`readings[${i}].ts`, r.ts), thicknessMm: nonNegativeOrThrow(`readings[${i}].wallThicknessMm`, r.wallThicknessMm) }))
    .sort((a, b) => a.ms - b.ms);
  const latest = points[points.length - 1]!;
  const origin = points[0]!.ms;

  const rates: Array<{ basis: RateBasis; rate: number }> = [];
  if (points.length >= 2 && latest.ms > origin) {
    const fit = fitThickness(points.map((p) => ({ years: (p.ms - origin) / MS_PER_YEAR, thicknessMm: p.thicknessMm })));
    rates.push({ basis: 'least-squares', rate: fit.slopeMmPerYear === 0 ? 0 : -fit.slopeMmPerYear });
  }
  if (config.nominalThicknessMm !== undefined || config.inServiceSince !== undefined) {
    if (config.nominalThicknessMm === undefined) throw new PipelineError('nominalThicknessMm', 'give it together with inServiceSince');
    if (config.inServiceSince === undefined) throw new PipelineError('inServiceSince', 'give it together with nominalThicknessMm');
    const nominal = nonNegativeOrThrow('nominalThicknessMm', config.nominalThicknessMm);
    const since = timeOf('inServiceSince', config.inServiceSince);
    if (latest.ms <= since) throw new PipelineError('inServiceSince', `must be before the latest reading (${isoOf(latest.ms)})`);
    rates.push({ basis: 'long-term', rate: (nominal - latest.thicknessMm) / ((latest.ms - since) / MS_PER_YEAR) });
  }
  const governing = rates.reduce<{ basis: RateBasis; rate: number } | null>((worst, r) => (worst === null || r.rate > worst.rate ? r : worst), null);

  const base = { tMinMm, currentThicknessMm: latest.thicknessMm, currentAt: isoOf(latest.ms), readingsUsed: points.length };
  if (governing === null) {
    const below = latest.thicknessMm <= tMinMm;
    return { ...base, corrosionRateMmPerYear: null, rateBasis: 'none', remainingLifeYears: below ? 0 : null, predictedMinimumAt: below ? base.currentAt : null, belowMinimum: below, status: below ? 'Critical' : null };
  }
  const life = remainingLife(latest.thicknessMm, tMinMm, governing.rate);
  const finite = Number.isFinite(life.remainingLifeYears);
  const reachedAtMs = finite ? latest.ms + life.remainingLifeYears * MS_PER_YEAR : Number.POSITIVE_INFINITY;
  return {
    ...base,
    corrosionRateMmPerYear: governing.rate,
    rateBasis: governing.basis,
    remainingLifeYears: finite ? life.remainingLifeYears : null,
    predictedMinimumAt: reachedAtMs <= MAX_TIME_MS ? isoOf(reachedAtMs) : null,
    belowMinimum: life.belowMinimum,
    status: lifeStatus(life, config.lifeThresholds ?? DEFAULT_LIFE_THRESHOLDS),
  };
}
