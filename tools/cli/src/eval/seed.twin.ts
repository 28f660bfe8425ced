import type { TrustedReading, TwinEvent } from '@twinline/contracts';
import { assessSegment, decide, DEFAULT_PROFILES, evolve, initialTwinState, parseAssetProfiles, profileForAsset, type PipelineDesignProfile, type ThresholdProfile, type TwinState } from '@twinline/domain-twin';
import type { AssessedPipe } from './seed.pipeline';

/*
 * (c) One segment through the twin (H10): a synthetic inspection series for one real row of the seed
 * table, each inspection one ApplyReadings of `wallThicknessMm` through the twin's decide/evolve (the
 * pipeline-segment class with the row's design as the segment's `pipeline`), beside H5's
 * assessSegment on the same inspections.
 */

const YEAR_MS = 365.25 * 24 * 3_600_000;
/** The series starts here (synthetic: the table has no dates). */
const IN_SERVICE_MS = Date.parse('2010-01-01T00:00:00Z');
const isoAt = (years: number) => new Date(IN_SERVICE_MS + Math.round(years * YEAR_MS)).toISOString().replace('.000Z', 'Z');

export interface SegmentInspectionRow {
  readonly inspection: number;
  readonly years: number;
  readonly at: string;
  readonly wallMm: number;
  /** What the twin emitted for this inspection (RulEstimated, FailurePredicted, AlarmRaised, …). */
  readonly twinEvents: readonly string[];
  /** The twin's remaining life at this inspection (its latest RulEstimated, aged to now), years; null when none. */
  readonly twinRemainingYears: number | null;
  /** assessSegment on the inspections so far (least squares), years; null when no rate yet. */
  readonly assessRemainingYears: number | null;
  readonly assessStatus: string | null;
  readonly twinStatus: string;
}

export interface SegmentThroughTwin {
  readonly row: number;
  readonly material: string;
  readonly grade: string;
  readonly design: PipelineDesignProfile;
  readonly tMinMm: number;
  readonly nominalMm: number;
  readonly rateMmPerYear: number;
  readonly tableRemainingLifeYears: number;
  readonly inspections: readonly SegmentInspectionRow[];
  /** Largest |twin − assessSegment| remaining life over the inspections where both give one, years. */
  readonly maxDifferenceYears: number | null;
}

/**
 * The row the table shows: the first carbon-steel row (grade fits) built above t_min, still above it,
 * with 1–3 years of remaining life (so a failure is predicted inside the 1-year horizon within a few
 * inspections); else the first row with a finite remaining life.
 */
export function pickSegmentRow(assessed: readonly AssessedPipe[]): AssessedPipe | undefined {
  const finite = (a: AssessedPipe) => Number.isFinite(a.assessment.remainingLifeYears) && a.assessment.remainingLifeYears > 0 && a.pipe.timeYears > 0;
  return assessed.find((a) => a.gradeFits && !a.assessment.underDesigned && finite(a) && a.assessment.remainingLifeYears >= 1 && a.assessment.remainingLifeYears <= 3) ?? assessed.find(finite);
}

/**
 * The row's history as inspections on a straight corrosion line: the as-built wall at 0, then at
 * 1/3, 2/3 and all of Time_Years (the table's current wall), then every half year ahead at the same
 * rate until the wall is below t_min.
 */
export function segmentThroughTwin(a: AssessedPipe): SegmentThroughTwin {
  const p = a.pipe;
  const design: PipelineDesignProfile = { designPressurePsi: p.maxPressurePsi, outsideDiameterMm: p.pipeSizeMm, grade: p.grade, designTemperatureC: p.temperatureC };
  const assetId = `SEG-${p.row}`;
  const profile: ThresholdProfile = profileForAsset(assetId, 'pipeline-segment', DEFAULT_PROFILES, parseAssetProfiles({ [assetId]: { pipeline: design } }));
  const rate = p.thicknessLossMm / p.timeYears;
  const tMin = a.assessment.tMinMm;
  const times = [0, p.timeYears / 3, (2 * p.timeYears) / 3, p.timeYears];
  for (let t = p.timeYears + 0.5; times.length < 40; t += 0.5) {
    times.push(t);
    if (p.thicknessMm - rate * t < tMin) break;
  }

  let state: TwinState = initialTwinState;
  const rows: SegmentInspectionRow[] = [];
  const seen: Array<{ ts: string; wallThicknessMm: number }> = [];
  times.forEach((years, i) => {
    const wallMm = p.thicknessMm - rate * years;
    const ts = isoAt(years);
    const reading: TrustedReading = { readingId: `${assetId}-UT-${i + 1}`, deviceId: 'ut-gauge', assetId, seq: i + 1, ts, receivedAt: ts, metrics: { wallThicknessMm: wallMm } };
    const events: TwinEvent[] = decide({ type: 'ApplyReadings', data: { assetId, readings: [reading], profile } }, state);
    state = events.reduce(evolve, state);
    seen.push({ ts, wallThicknessMm: wallMm });
    const assessment = assessSegment(design, seen);
    const rul = state.prediction.rul;
    const twinRemainingYears = rul === null ? null : (Date.parse(rul.at) + rul.rulHours * 3_600_000 - Date.parse(ts)) / YEAR_MS;
    rows.push({
      inspection: i + 1,
      years,
      at: ts,
      wallMm,
      twinEvents: events.filter((e) => e.type !== 'ReadingsApplied').map(describeEvent),
      twinRemainingYears: twinRemainingYears === null ? null : Math.max(0, twinRemainingYears),
      assessRemainingYears: assessment.remainingLifeYears,
      assessStatus: assessment.status,
      twinStatus: state.status,
    });
  });
  const differences = rows.filter((r) => r.twinRemainingYears !== null && r.assessRemainingYears !== null && r.wallMm > tMin).map((r) => Math.abs(r.twinRemainingYears! - r.assessRemainingYears!));
  return {
    row: p.row,
    material: p.material,
    grade: p.grade,
    design,
    tMinMm: tMin,
    nominalMm: p.thicknessMm,
    rateMmPerYear: rate,
    tableRemainingLifeYears: a.assessment.remainingLifeYears,
    inspections: rows,
    maxDifferenceYears: differences.length ? Math.max(...differences) : null,
  };
}

function describeEvent(e: TwinEvent): string {
  switch (e.type) {
    case 'RulEstimated':
      return `RulEstimated ${(e.data.rulHours / 8766).toFixed(2)} yr`;
    case 'FailurePredicted':
      return `FailurePredicted ${e.data.predictedFailureAt.slice(0, 10)}`;
    case 'AlarmRaised':
      return `AlarmRaised ${e.data.cause}`;
    case 'TwinStatusChanged':
      return `status ${e.data.to}`;
    default:
      return e.type;
  }
}
