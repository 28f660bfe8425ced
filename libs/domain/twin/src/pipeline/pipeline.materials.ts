import { PipelineError } from './pipeline.errors';

/** A steel pipe grade and its specified minimum yield strength (SMYS). */
export interface PipeGrade {
  /** Canonical name, e.g. 'API 5L X52'. */
  readonly grade: string;
  readonly smysPsi: number;
  /** The SI minimum the specification itself states (API 5L: L290/L360/L450; ASTM: the [MPa] value). */
  readonly smysMpa: number;
  readonly specification: string;
}

/**
 * SMYS of the grades in the seed table. psi values are the US-customary grade values used by the
 * ASME B31.4/B31.8 design formulas (an API 5L "X52" is 52 ksi); API 5L's PSL 1 table states the
 * SI minimums L290/L360/L450 MPa, which convert to 42,100/52,200/65,300 psi (< 0.5 % apart).
 * ASTM A106 Gr B and A333 Gr 6: "Yield strength, min, psi [MPa] 35 000 [240]" (tensile table of
 * each specification). Sources in docs/prediction.md (pipeline section).
 */
export const PIPE_GRADES: Readonly<Record<string, PipeGrade>> = Object.freeze({
  'API 5L X42': { grade: 'API 5L X42', smysPsi: 42_000, smysMpa: 290, specification: 'API 5L (ISO 3183) L290/X42' },
  'API 5L X52': { grade: 'API 5L X52', smysPsi: 52_000, smysMpa: 360, specification: 'API 5L (ISO 3183) L360/X52' },
  'API 5L X65': { grade: 'API 5L X65', smysPsi: 65_000, smysMpa: 450, specification: 'API 5L (ISO 3183) L450/X65' },
  'ASTM A106 Gr B': { grade: 'ASTM A106 Gr B', smysPsi: 35_000, smysMpa: 240, specification: 'ASTM A106/A106M Grade B (seamless carbon steel, high-temperature service)' },
  'ASTM A333 Gr 6': { grade: 'ASTM A333 Gr 6', smysPsi: 35_000, smysMpa: 240, specification: 'ASTM A333/A333M Grade 6 (carbon steel, low-temperature service to -45 °C)' },
});

const key = (name: string) =>
  name
    .toLowerCase()
    .replace(/\bgrade\b/g, 'gr')
    .replace(/[^a-z0-9]/g, '');

const BY_KEY: ReadonlyMap<string, PipeGrade> = new Map(Object.values(PIPE_GRADES).map((g) => [key(g.grade), g]));

/**
 * The grade named `name` ('API 5L X52', 'ASTM A106 Grade B', 'astm a333 gr. 6', ...: case, spaces,
 * punctuation and "Grade"/"Gr" do not matter). An unknown grade throws, naming the field `grade`.
 */
export function pipeGrade(name: string): PipeGrade {
  const found = BY_KEY.get(key(String(name)));
  if (!found) throw new PipelineError('grade', `unknown pipe grade "${name}": one of ${Object.keys(PIPE_GRADES).join(', ')}, or give smysPsi`);
  return found;
}

/**
 * Design factors F. ASME B31.8 (gas) Table 841.1.6-1: Location Class 1 Division 1 0.80, Division 2
 * 0.72, Class 2 0.60, Class 3 0.50, Class 4 0.40. ASME B31.4 (liquids) 403.2.1: S = 0.72·E·SMYS,
 * i.e. F = 0.72 at most. The default 0.72 is both B31.8 Class 1 Division 2 and the B31.4 factor, so
 * the seed table (oil and gas lines, service not stated) needs no choice between the two codes.
 */
export const DESIGN_FACTORS = Object.freeze({
  b31_8_class1_div1: 0.8,
  b31_8_class1_div2: 0.72,
  b31_8_class2: 0.6,
  b31_8_class3: 0.5,
  b31_8_class4: 0.4,
  b31_4_liquid: 0.72,
});

export const DEFAULT_DESIGN_FACTOR = DESIGN_FACTORS.b31_8_class1_div2;

/** Longitudinal joint factor E of seamless (and ERW) pipe: B31.8 Table 841.1.7-1 gives 1.00. */
export const SEAMLESS_JOINT_FACTOR = 1;

/** ASME B31.8 Table 841.1.8-1 (and 49 CFR 192.115): temperature derating factor T by gas temperature in °F. */
const DERATING_F: ReadonlyArray<readonly [number, number]> = [
  [250, 1.0],
  [300, 0.967],
  [350, 0.933],
  [400, 0.9],
  [450, 0.867],
];

/**
 * Temperature derating factor T for steel pipe at `temperatureC` (B31.8 Table 841.1.8-1, linear
 * interpolation between the table's 50 °F steps as its note asks): 1.000 at 250 °F (121.1 °C) or
 * less, 0.867 at 450 °F (232.2 °C). Above 450 °F the table ends: throws (field `temperatureC`).
 */
export function temperatureDeratingFactor(temperatureC: number): number {
  if (typeof temperatureC !== 'number' || !Number.isFinite(temperatureC)) throw new PipelineError('temperatureC', `must be a finite number, got ${String(temperatureC)}`);
  const f = (temperatureC * 9) / 5 + 32;
  const first = DERATING_F[0]!;
  if (f <= first[0]) return first[1];
  for (let i = 1; i < DERATING_F.length; i++) {
    const [f1, t1] = DERATING_F[i]!;
    const [f0, t0] = DERATING_F[i - 1]!;
    if (f <= f1) return t0 + ((t1 - t0) * (f - f0)) / (f1 - f0);
  }
  throw new PipelineError('temperatureC', `${temperatureC} °C is above 450 °F (232.2 °C), where ASME B31.8 Table 841.1.8-1 ends`);
}

/** What the seed table calls a pipe's material, and whether the steel grade it names fits it. */
export type MaterialFamily = 'carbon-steel' | 'stainless-steel' | 'non-metallic' | 'unknown';

export function materialFamily(material: string): MaterialFamily {
  const m = material.trim().toLowerCase();
  if (m === 'carbon steel') return 'carbon-steel';
  if (m === 'stainless steel') return 'stainless-steel';
  if (['pvc', 'hdpe', 'fiberglass', 'fibreglass', 'grp', 'frp'].includes(m)) return 'non-metallic';
  return 'unknown';
}

/**
 * True when a steel grade's SMYS really describes the pipe: all five grades are carbon-steel
 * specifications, so only carbon steel fits. Stainless steel with an API 5L grade, and PVC, HDPE or
 * fiberglass with any steel grade (the seed table pairs them at random), do not: their Barlow result
 * uses a strength the pipe does not have and is flagged.
 */
export function gradeFitsMaterial(material: string): boolean {
  return materialFamily(material) === 'carbon-steel';
}
