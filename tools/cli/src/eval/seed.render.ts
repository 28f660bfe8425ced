import type { LifeStatus } from '@twinline/domain-twin';
import { markdownTable } from '../table';
import type { P101Result } from './seed.p101';
import type { AssessedPipe, Distribution, PipeGroupSummary, PipelineEvaluation } from './seed.pipeline';
import type { SegmentThroughTwin } from './seed.twin';

export interface SeedRun {
  readonly command: string;
  readonly p101: P101Result;
  readonly pipeline: PipelineEvaluation;
}

const STATUSES: readonly LifeStatus[] = ['Normal', 'Moderate', 'Critical'];

const years = (v: number | null) => (v === null ? '—' : v === Number.POSITIVE_INFINITY ? '∞' : v.toFixed(v >= 100 ? 0 : 2));
const pct = (v: number) => `${(100 * v).toFixed(1)} %`;

function distributionRow(g: PipeGroupSummary): Array<string | number> {
  const d: Distribution = g.life;
  return [g.label, g.rows, d.zero, years(d.p10), years(d.p25), years(d.median), years(d.p75), years(d.p90), years(d.max), g.underDesigned, g.throughWall];
}

function confusionTable(g: PipeGroupSummary): string {
  return markdownTable(
    ['ours ↓ / dataset Condition →', ...STATUSES, 'total (ours)'],
    [
      ...STATUSES.map((s) => [s, ...STATUSES.map((c) => g.confusion[s][c]), g.statusCounts[s]]),
      ['total (dataset)', ...STATUSES.map((c) => g.conditionCounts[c]), g.rows],
    ],
  );
}

function exampleRow(a: AssessedPipe): Array<string | number> {
  const p = a.pipe;
  const s = a.assessment;
  const flags = [a.gradeFits ? '' : `grade≠${p.material}`, s.underDesigned ? 'under-designed' : '', s.throughWall ? 'through-wall' : ''].filter(Boolean).join(', ');
  return [
    p.row,
    `${p.material} / ${p.grade}`,
    `${p.maxPressurePsi}·${p.pipeSizeMm} / (2·${s.inputs.smysPsi}·${s.inputs.designFactor}·${s.inputs.jointFactor}·${s.inputs.temperatureFactor.toFixed(4)}) = ${s.tMinMm.toFixed(3)}`,
    `${p.thicknessMm} − ${p.thicknessLossMm} = ${s.currentThicknessMm.toFixed(2)}`,
    `${p.thicknessLossMm} / ${p.timeYears} = ${s.corrosionRateMmPerYear.toFixed(4)}`,
    years(s.remainingLifeYears),
    s.status,
    p.condition,
    flags || '—',
  ];
}

export function seedMarkdown(run: SeedRun): string {
  const { p101, pipeline } = run;
  const out: string[] = [];
  out.push(`# eval seed`, '', `Command: \`${run.command}\``, '');
  out.push(`## (a) P-101: the source study's Table 1 through the twin's pure decider`, '');
  out.push(`Each reading is one \`ApplyReadings\` command through \`decide\`/\`evolve\` of @twinline/domain-twin (profile ${p101.profile.name} v${p101.profile.version}); the status after it is compared with the study's.`, '');
  out.push(
    markdownTable(
      ['#', 'ts', 'pressure psi', 'temperature °C', 'vibration mm/s', 'study Table 1', 'twin status', 'twin label', 'agrees'],
      p101.rows.map((r) => [r.row, r.ts, r.pressurePsi, r.temperatureC, r.vibrationMmS, r.expected, r.twinStatus, r.twinLabel, r.agrees ? '✓' : '✗']),
    ),
  );
  out.push('', `**${p101.agreeing} of ${p101.rows.length} rows agree** (the twin raised ${p101.alarmsRaised} alarms: one per cause and episode). ${p101.allAgree ? 'PASS' : 'FAIL: the twin disagrees with the study'}`, '');

  out.push(`## (b) Pipeline remaining life (Barlow) on the seed table`, '');
  out.push(
    `Data: \`${pipeline.dataFile}\`, ${pipeline.rows} rows. Per row: t_min = P·D / (2·S·F·E·T) with P = Max_Pressure_psi, D = Pipe_Size_mm (taken as outside diameter), S = SMYS of Grade, F = 0.72 (ASME B31.8 Class 1 Div 2 = B31.4), E = 1 (seamless), T = B31.8 temperature derating from Temperature_C; current wall = Thickness_mm − Thickness_Loss_mm; rate = Thickness_Loss_mm / Time_Years; remaining life = (current − t_min) / rate. Status: Critical below t_min or < 2 years, Moderate < 10 years, else Normal (API 570 half-life rule). The dataset's Condition depends on loss alone (Normal < 2 mm, Moderate 2–5 mm, Critical > 5 mm): rows whose Condition breaks that rule: ${pipeline.conditionRuleMismatches}.`,
    '',
  );
  out.push('Remaining life, years (quantiles over rows; rows at t_min or below count as 0):', '');
  out.push(markdownTable(['group', 'rows', 'at/below t_min', 'p10', 'p25', 'median', 'p75', 'p90', 'max', 'under-designed (as-built < t_min)', 'through-wall (loss ≥ wall)'], [pipeline.all, pipeline.carbonSteel, pipeline.flagged].map(distributionRow)));
  out.push('', `Status from remaining life vs the dataset's Condition, all rows (agreement ${pct(pipeline.all.agreement)}):`, '', confusionTable(pipeline.all));
  out.push('', `Carbon-steel rows only, where the grade's SMYS really applies (agreement ${pct(pipeline.carbonSteel.agreement)}):`, '', confusionTable(pipeline.carbonSteel));
  out.push(
    '',
    `${pipeline.flagged.rows} rows pair a non-carbon-steel material (stainless steel, PVC, HDPE, fiberglass) with a carbon-steel grade (synthetic data): they are computed with the grade's SMYS and flagged; their t_min means nothing physical for plastics.`,
    '',
    'Examples (formula inputs; t_min, walls in mm; rate mm/yr):',
    '',
  );
  out.push(markdownTable(['row', 'material / grade', 't_min = P·D / (2·S·F·E·T)', 'current = wall − loss', 'rate = loss / years', 'life yr', 'ours', 'dataset', 'flags'], pipeline.examples.map(exampleRow)));
  if (pipeline.segment) out.push('', ...segmentMarkdown(pipeline.segment));
  return out.join('\n');
}

/** (c) one segment through the twin (H10). */
function segmentMarkdown(s: SegmentThroughTwin): string[] {
  const y = (v: number | null) => (v === null ? '—' : v.toFixed(2));
  return [
    `## (c) One segment through the twin`,
    '',
    `Row ${s.row} (${s.material} / ${s.grade}; design ${s.design.designPressurePsi} psi, D ${s.design.outsideDiameterMm} mm, ${s.design.designTemperatureC} °C → t_min ${s.tMinMm.toFixed(3)} mm; as built ${s.nominalMm} mm, ${s.rateMmPerYear.toFixed(4)} mm/yr; remaining life in (b) ${y(s.tableRemainingLifeYears)} yr) as a synthetic inspection series on its straight corrosion line (dates from 2010-01-01; the table has none): each inspection is one \`ApplyReadings\` of \`wallThicknessMm\` through the twin's \`decide\`/\`evolve\` (class pipeline-segment, the row's design as the segment's \`pipeline\`: limit wallThicknessMm ≥ t_min, wall trend of individual inspections, horizon 1 year, 3 points), beside \`assessSegment\` on the same inspections. Twin remaining life = its latest RulEstimated aged to the inspection (a RulEstimated is emitted only when the end of life moves materially).`,
    '',
    markdownTable(
      ['#', 'at', 'years', 'wall mm', 'twin events', 'twin remaining yr', 'assessSegment yr', 'assessSegment status', 'twin status'],
      s.inspections.map((r) => [r.inspection, r.at.slice(0, 10), r.years.toFixed(2), r.wallMm.toFixed(3), r.twinEvents.join('; ') || '—', y(r.twinRemainingYears), y(r.assessRemainingYears), r.assessStatus ?? '—', r.twinStatus]),
    ),
    '',
    `Largest difference twin vs assessSegment while above t_min: ${s.maxDifferenceYears === null ? '—' : `${(s.maxDifferenceYears * 8766).toFixed(3)} h`} (a straight line: both extrapolate the same wall).`,
  ];
}

const finiteOrNull = (v: number | null) => (v === null || !Number.isFinite(v) ? null : v);

function groupJson(g: PipeGroupSummary) {
  const d = g.life;
  return {
    rows: g.rows,
    remainingLifeYears: { atOrBelowMinimum: d.zero, infinite: d.infinite, min: finiteOrNull(d.min), p10: finiteOrNull(d.p10), p25: finiteOrNull(d.p25), median: finiteOrNull(d.median), p75: finiteOrNull(d.p75), p90: finiteOrNull(d.p90), max: finiteOrNull(d.max) },
    statusCounts: g.statusCounts,
    conditionCounts: g.conditionCounts,
    confusionOursByCondition: g.confusion,
    agreement: g.agreement,
    belowMinimum: g.belowMinimum,
    underDesigned: g.underDesigned,
    throughWall: g.throughWall,
  };
}

export function seedJson(run: SeedRun) {
  const { p101, pipeline } = run;
  return {
    command: run.command,
    p101: { profile: p101.profile, agreeing: p101.agreeing, total: p101.rows.length, allAgree: p101.allAgree, alarmsRaised: p101.alarmsRaised, rows: p101.rows },
    pipeline: {
      dataFile: pipeline.dataFile,
      rows: pipeline.rows,
      method: { designFactor: 0.72, jointFactor: 1, temperatureFactor: 'ASME B31.8 Table 841.1.8-1 from Temperature_C', lifeThresholdsYears: { critical: 2, moderate: 10 } },
      conditionRuleMismatches: pipeline.conditionRuleMismatches,
      all: groupJson(pipeline.all),
      carbonSteel: groupJson(pipeline.carbonSteel),
      flagged: groupJson(pipeline.flagged),
      examples: pipeline.examples.map((a) => ({
        ...a.pipe,
        gradeFits: a.gradeFits,
        ...a.assessment,
        remainingLifeYears: finiteOrNull(a.assessment.remainingLifeYears),
      })),
      segmentThroughTwin: pipeline.segment,
    },
  };
}
