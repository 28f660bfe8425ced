import { pickSegmentRow, segmentThroughTwin, type SegmentThroughTwin } from './seed.twin';
import { assessWallLoss, conditionFromLossMm, gradeFitsMaterial, materialFamily, type LifeStatus, type MaterialFamily, type WallLossAssessment } from '@twinline/domain-twin';

/** One row of the seed pipeline table (`market_pipe_thickness_loss_dataset.csv`), units as in the file. */
export interface PipeRow {
  /** 1-based data row (the header is line 1, so file line = row + 1). */
  readonly row: number;
  readonly pipeSizeMm: number;
  readonly thicknessMm: number;
  readonly material: string;
  readonly grade: string;
  readonly maxPressurePsi: number;
  readonly temperatureC: number;
  readonly thicknessLossMm: number;
  readonly timeYears: number;
  readonly condition: LifeStatus;
}

const COLUMNS = {
  pipeSizeMm: 'Pipe_Size_mm',
  thicknessMm: 'Thickness_mm',
  material: 'Material',
  grade: 'Grade',
  maxPressurePsi: 'Max_Pressure_psi',
  temperatureC: 'Temperature_C',
  thicknessLossMm: 'Thickness_Loss_mm',
  timeYears: 'Time_Years',
  condition: 'Condition',
} as const;

/** Parses the seed table; every unusable cell throws with the file, line and column. */
export function parsePipeTable(csv: string, source = 'pipeline table'): PipeRow[] {
  const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').split(',').map((h) => h.trim());
  const at = Object.fromEntries(
    Object.entries(COLUMNS).map(([k, name]) => {
      const i = header.indexOf(name);
      if (i < 0) throw new Error(`${source}: no column "${name}" in the header (${header.join(',')}): is it market_pipe_thickness_loss_dataset.csv?`);
      return [k, i];
    }),
  ) as Record<keyof typeof COLUMNS, number>;
  return lines.map((line, i) => {
    const cells = line.split(',').map((c) => c.trim());
    const where = (k: keyof typeof COLUMNS) => `${source} line ${i + 2}, ${COLUMNS[k]}`;
    const num = (k: keyof typeof COLUMNS) => {
      const text = cells[at[k]] ?? '';
      const value = Number(text);
      if (text === '' || !Number.isFinite(value)) throw new Error(`${where(k)}: "${text}" is not a number`);
      return value;
    };
    const condition = cells[at.condition] ?? '';
    if (condition !== 'Normal' && condition !== 'Moderate' && condition !== 'Critical') throw new Error(`${where('condition')}: "${condition}" is not Normal, Moderate or Critical`);
    return {
      row: i + 1,
      pipeSizeMm: num('pipeSizeMm'),
      thicknessMm: num('thicknessMm'),
      material: cells[at.material] ?? '',
      grade: cells[at.grade] ?? '',
      maxPressurePsi: num('maxPressurePsi'),
      temperatureC: num('temperatureC'),
      thicknessLossMm: num('thicknessLossMm'),
      timeYears: num('timeYears'),
      condition,
    };
  });
}

export interface AssessedPipe {
  readonly pipe: PipeRow;
  readonly family: MaterialFamily;
  /** The steel grade's SMYS describes the pipe (carbon steel only); otherwise the result is flagged. */
  readonly gradeFits: boolean;
  readonly assessment: WallLossAssessment;
  /** The dataset's rule on loss alone, recomputed (it should equal `pipe.condition`). */
  readonly conditionFromLoss: LifeStatus;
}

/**
 * Each row through the pure pipeline code: design = (D = Pipe_Size_mm, P = Max_Pressure_psi, the
 * grade's SMYS, F = 0.72, E = 1, T from Temperature_C), inspection = (nominal Thickness_mm, loss
 * Thickness_Loss_mm, Time_Years). Non-carbon-steel rows are computed with the grade's SMYS all the
 * same and flagged (`gradeFits` false).
 */
export function assessPipes(rows: readonly PipeRow[]): AssessedPipe[] {
  return rows.map((pipe) => {
    try {
      return {
        pipe,
        family: materialFamily(pipe.material),
        gradeFits: gradeFitsMaterial(pipe.material),
        assessment: assessWallLoss(
          { outsideDiameterMm: pipe.pipeSizeMm, designPressurePsi: pipe.maxPressurePsi, grade: pipe.grade, designTemperatureC: pipe.temperatureC },
          { nominalThicknessMm: pipe.thicknessMm, thicknessLossMm: pipe.thicknessLossMm, yearsInService: pipe.timeYears },
        ),
        conditionFromLoss: conditionFromLossMm(pipe.thicknessLossMm),
      };
    } catch (error) {
      throw new Error(`pipeline table row ${pipe.row}: ${(error as Error).message}`);
    }
  });
}

const STATUSES: readonly LifeStatus[] = ['Normal', 'Moderate', 'Critical'];

export interface Distribution {
  readonly count: number;
  readonly infinite: number;
  readonly zero: number;
  readonly min: number | null;
  readonly p10: number | null;
  readonly p25: number | null;
  readonly median: number | null;
  readonly p75: number | null;
  readonly p90: number | null;
  readonly max: number | null;
}

/** Quantile by linear interpolation between order statistics (type 7, as R and numpy default). */
function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  if (lo === hi) return sorted[lo]!;
  if (sorted[hi] === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (h - lo);
}

/** Distribution of remaining life in years over all rows (∞ kept in the quantiles, sorted last). */
export function lifeDistribution(assessed: readonly AssessedPipe[]): Distribution {
  const lives = assessed.map((a) => a.assessment.remainingLifeYears).sort((a, b) => a - b);
  return {
    count: lives.length,
    infinite: lives.filter((l) => l === Number.POSITIVE_INFINITY).length,
    zero: lives.filter((l) => l === 0).length,
    min: quantile(lives, 0),
    p10: quantile(lives, 0.1),
    p25: quantile(lives, 0.25),
    median: quantile(lives, 0.5),
    p75: quantile(lives, 0.75),
    p90: quantile(lives, 0.9),
    max: quantile(lives, 1),
  };
}

export interface PipeGroupSummary {
  readonly label: string;
  readonly rows: number;
  readonly life: Distribution;
  readonly statusCounts: Readonly<Record<LifeStatus, number>>;
  readonly conditionCounts: Readonly<Record<LifeStatus, number>>;
  /** confusion[ours][dataset] */
  readonly confusion: Readonly<Record<LifeStatus, Readonly<Record<LifeStatus, number>>>>;
  readonly agreement: number;
  readonly belowMinimum: number;
  readonly underDesigned: number;
  readonly throughWall: number;
}

export function summarisePipes(label: string, assessed: readonly AssessedPipe[]): PipeGroupSummary {
  const zero = () => ({ Normal: 0, Moderate: 0, Critical: 0 }) as Record<LifeStatus, number>;
  const statusCounts = zero();
  const conditionCounts = zero();
  const confusion = { Normal: zero(), Moderate: zero(), Critical: zero() } as Record<LifeStatus, Record<LifeStatus, number>>;
  for (const a of assessed) {
    statusCounts[a.assessment.status]++;
    conditionCounts[a.pipe.condition]++;
    confusion[a.assessment.status][a.pipe.condition]++;
  }
  const agreeing = STATUSES.reduce((s, k) => s + confusion[k][k], 0);
  return {
    label,
    rows: assessed.length,
    life: lifeDistribution(assessed),
    statusCounts,
    conditionCounts,
    confusion,
    agreement: assessed.length ? agreeing / assessed.length : 0,
    belowMinimum: assessed.filter((a) => a.assessment.belowMinimum).length,
    underDesigned: assessed.filter((a) => a.assessment.underDesigned).length,
    throughWall: assessed.filter((a) => a.assessment.throughWall).length,
  };
}

export interface PipelineEvaluation {
  readonly dataFile: string;
  readonly rows: number;
  /** Rows whose Condition does not follow the documented loss rule (expected 0). */
  readonly conditionRuleMismatches: number;
  readonly all: PipeGroupSummary;
  readonly carbonSteel: PipeGroupSummary;
  readonly flagged: PipeGroupSummary;
  readonly examples: readonly AssessedPipe[];
  /** (c) one row's synthetic inspection series through the twin (H10); null when no row has a finite life. */
  readonly segment: SegmentThroughTwin | null;
}

/**
 * A few rows that show the cases: the first row, the first carbon-steel row of each status of ours,
 * the first carbon-steel row derated for temperature, the first under-designed row, the first through-wall row, and the first flagged (non-steel) row.
 */
function pickExamples(assessed: readonly AssessedPipe[]): AssessedPipe[] {
  const picks: Array<AssessedPipe | undefined> = [
    assessed[0],
    ...STATUSES.map((s) => assessed.find((a) => a.gradeFits && a.assessment.status === s && !a.assessment.underDesigned)),
    assessed.find((a) => a.gradeFits && a.assessment.inputs.temperatureFactor < 1),
    assessed.find((a) => a.assessment.underDesigned),
    assessed.find((a) => a.assessment.throughWall),
    assessed.find((a) => a.family === 'non-metallic'),
  ];
  const seen = new Set<number>();
  return picks.filter((p): p is AssessedPipe => p !== undefined && !seen.has(p.pipe.row) && (seen.add(p.pipe.row), true));
}

export function evaluatePipeTable(csv: string, dataFile: string): PipelineEvaluation {
  const assessed = assessPipes(parsePipeTable(csv, dataFile));
  return {
    dataFile,
    rows: assessed.length,
    conditionRuleMismatches: assessed.filter((a) => a.conditionFromLoss !== a.pipe.condition).length,
    all: summarisePipes('all rows', assessed),
    carbonSteel: summarisePipes('carbon steel (grade fits)', assessed.filter((a) => a.gradeFits)),
    flagged: summarisePipes('flagged: stainless, PVC, HDPE, fiberglass with a carbon-steel grade', assessed.filter((a) => !a.gradeFits)),
    examples: pickExamples(assessed),
    segment: ((row) => (row ? segmentThroughTwin(row) : null))(pickSegmentRow(assessed)),
  };
}
