import { barlowInputs, minimumWallThicknessMm } from './pipeline.barlow';
import { PipelineError } from './pipeline.errors';
import { gradeFitsMaterial, materialFamily, pipeGrade, temperatureDeratingFactor } from './pipeline.materials';

/** Expects `fn` to throw a PipelineError whose field is `field`. */
function expectFieldError(fn: () => unknown, field: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(PipelineError);
  expect((caught as PipelineError).field).toBe(field);
  expect((caught as PipelineError).code).toBe('PIPELINE.INVALID_INPUT');
  expect((caught as PipelineError).message).toContain(field);
}

describe('pipe grades (SMYS)', () => {
  it('holds the SMYS of the five seed-table grades in psi and MPa', () => {
    expect(pipeGrade('API 5L X42')).toMatchObject({ smysPsi: 42_000, smysMpa: 290 });
    expect(pipeGrade('API 5L X52')).toMatchObject({ smysPsi: 52_000, smysMpa: 360 });
    expect(pipeGrade('API 5L X65')).toMatchObject({ smysPsi: 65_000, smysMpa: 450 });
    expect(pipeGrade('ASTM A106 Grade B')).toMatchObject({ smysPsi: 35_000, smysMpa: 240 });
    expect(pipeGrade('ASTM A333 Grade 6')).toMatchObject({ smysPsi: 35_000, smysMpa: 240 });
  });

  it('matches names regardless of case, spaces, punctuation and Grade/Gr', () => {
    expect(pipeGrade('astm a106 gr. b').grade).toBe('ASTM A106 Gr B');
    expect(pipeGrade('API5LX52').grade).toBe('API 5L X52');
  });

  it('rejects an unknown grade naming the field "grade"', () => {
    expectFieldError(() => pipeGrade('API 5L X80'), 'grade');
  });

  it('says only carbon steel fits the carbon-steel grades', () => {
    expect(gradeFitsMaterial('Carbon Steel')).toBe(true);
    expect(gradeFitsMaterial('Stainless Steel')).toBe(false);
    expect(['PVC', 'HDPE', 'Fiberglass'].map(materialFamily)).toEqual(['non-metallic', 'non-metallic', 'non-metallic']);
    expect(materialFamily('Copper')).toBe('unknown');
  });
});

describe('temperature derating factor T (ASME B31.8 Table 841.1.8-1)', () => {
  it('is 1 at or below 250 °F (121.1 °C), and at low temperatures', () => {
    expect(temperatureDeratingFactor(121.1)).toBe(1); // 121.1·1.8 + 32 = 249.98 °F
    expect(temperatureDeratingFactor(-50)).toBe(1);
  });

  it('interpolates between the table steps', () => {
    // 300 °F = 148.888… °C → 0.967 exactly
    expect(temperatureDeratingFactor(((300 - 32) * 5) / 9)).toBeCloseTo(0.967, 12);
    // 149.7 °C (the seed table's maximum) = 149.7·1.8 + 32 = 301.46 °F;
    // T = 0.967 + (0.933 − 0.967)·(301.46 − 300)/50 = 0.967 − 0.034·0.0292 = 0.9660072
    expect(temperatureDeratingFactor(149.7)).toBeCloseTo(0.9660072, 9);
    // 450 °F = 232.222… °C → 0.867
    expect(temperatureDeratingFactor(((450 - 32) * 5) / 9)).toBeCloseTo(0.867, 12);
  });

  it('refuses temperatures beyond the table and non-numbers, naming temperatureC', () => {
    expectFieldError(() => temperatureDeratingFactor(240), 'temperatureC');
    expectFieldError(() => temperatureDeratingFactor(Number.NaN), 'temperatureC');
  });
});

describe('minimum required wall thickness (Barlow, t = P·D / (2·S·F·E·T) + CA)', () => {
  it('computes a 20-inch X52 line at 1000 psi by hand', () => {
    // t = 1000 · 508 / (2 · 52000 · 0.72 · 1 · 1) = 508000 / 74880 = 6.784188 mm
    expect(minimumWallThicknessMm({ outsideDiameterMm: 508, designPressurePsi: 1000, grade: 'API 5L X52' })).toBeCloseTo(6.784188, 6);
  });

  it('adds the corrosion allowance when given', () => {
    // 6.784188 + 1.5 = 8.284188 mm
    expect(minimumWallThicknessMm({ outsideDiameterMm: 508, designPressurePsi: 1000, grade: 'API 5L X52', corrosionAllowanceMm: 1.5 })).toBeCloseTo(8.284188, 6);
  });

  it('computes row 1 of the seed table by hand (800 mm, A333 Gr 6, 300 psi, 84.9 °C)', () => {
    // 84.9 °C = 184.8 °F ≤ 250 °F → T = 1; F = 0.72; E = 1
    // t = 300 · 800 / (2 · 35000 · 0.72) = 240000 / 50400 = 4.761905 mm
    const design = { outsideDiameterMm: 800, designPressurePsi: 300, grade: 'ASTM A333 Grade 6', designTemperatureC: 84.9 };
    expect(barlowInputs(design)).toEqual({ outsideDiameterMm: 800, designPressurePsi: 300, smysPsi: 35_000, designFactor: 0.72, jointFactor: 1, temperatureFactor: 1, corrosionAllowanceMm: 0 });
    expect(minimumWallThicknessMm(design)).toBeCloseTo(4.761905, 6);
  });

  it('thickens the wall when hot gas derates the steel', () => {
    // T(149.7 °C) = 0.9660072: t = 240000 / (50400 · 0.9660072) = 4.761905 / 0.9660072 = 4.929469 mm
    expect(minimumWallThicknessMm({ outsideDiameterMm: 800, designPressurePsi: 300, grade: 'ASTM A333 Grade 6', designTemperatureC: 149.7 })).toBeCloseTo(4.929469, 5);
  });

  it('uses smysPsi over the grade, and the given F and E', () => {
    // Location Class 3 (F = 0.5), E = 0.8: t = 1000 · 508 / (2 · 40000 · 0.5 · 0.8) = 508000 / 32000 = 15.875 mm
    expect(minimumWallThicknessMm({ outsideDiameterMm: 508, designPressurePsi: 1000, grade: 'API 5L X65', smysPsi: 40_000, designFactor: 0.5, jointFactor: 0.8 })).toBeCloseTo(15.875, 12);
  });

  it('grows linearly with pressure and diameter, and shrinks with strength', () => {
    const base = { outsideDiameterMm: 300, designPressurePsi: 900, grade: 'API 5L X42' };
    const t = minimumWallThicknessMm(base);
    expect(minimumWallThicknessMm({ ...base, designPressurePsi: 1800 })).toBeCloseTo(2 * t, 12);
    expect(minimumWallThicknessMm({ ...base, outsideDiameterMm: 600 })).toBeCloseTo(2 * t, 12);
    expect(minimumWallThicknessMm({ ...base, smysPsi: 84_000 })).toBeCloseTo(t / 2, 12);
  });

  it.each([
    ['outsideDiameterMm', { outsideDiameterMm: 0 }],
    ['outsideDiameterMm', { outsideDiameterMm: Number.NaN }],
    ['designPressurePsi', { designPressurePsi: -5 }],
    ['designPressurePsi', { designPressurePsi: Number.POSITIVE_INFINITY }],
    ['smysPsi', { smysPsi: 0 }],
    ['grade', { grade: 'PVC 1120' }],
    ['designFactor', { designFactor: 1.2 }],
    ['designFactor', { designFactor: 0 }],
    ['jointFactor', { jointFactor: -1 }],
    ['temperatureFactor', { temperatureFactor: 2 }],
    ['corrosionAllowanceMm', { corrosionAllowanceMm: -0.1 }],
    ['temperatureC', { designTemperatureC: 300 }],
  ])('rejects a bad %s naming it', (field, change) => {
    expectFieldError(() => minimumWallThicknessMm({ outsideDiameterMm: 508, designPressurePsi: 1000, grade: 'API 5L X52', ...change }), field);
  });

  it('asks for a grade or smysPsi when neither is given', () => {
    expectFieldError(() => minimumWallThicknessMm({ outsideDiameterMm: 508, designPressurePsi: 1000 }), 'grade');
  });
});
