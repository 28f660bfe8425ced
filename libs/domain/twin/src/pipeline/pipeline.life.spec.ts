import * as fc from 'fast-check';
import { assessWallLoss } from './pipeline.assess';
import { PipelineError } from './pipeline.errors';
import { conditionFromLossMm, corrosionRateMmPerYear, fitThickness, leastSquaresCorrosionRateMmPerYear, lifeStatus, remainingLife } from './pipeline.life';

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof PipelineError) return error.field;
    throw error;
  }
  return undefined;
}

describe('corrosion rate', () => {
  it('is loss / years (row 1 of the seed table: 4.91 mm in 2 years = 2.455 mm/yr)', () => {
    expect(corrosionRateMmPerYear(4.91, 2)).toBeCloseTo(2.455, 12);
  });

  it('is the negated least-squares slope over a series of readings', () => {
    // (0, 12.0) (1, 11.6) (2, 11.3) (3, 10.9): x̄ = 1.5, ȳ = 11.45
    // Σ(x−x̄)(y−ȳ) = (−1.5)(0.55) + (−0.5)(0.15) + (0.5)(−0.15) + (1.5)(−0.55) = −1.8; Σ(x−x̄)² = 5
    // slope = −1.8 / 5 = −0.36 mm/yr → rate 0.36 mm/yr; intercept = 11.45 − (−0.36)(1.5) = 11.99
    const points = [
      { years: 0, thicknessMm: 12.0 },
      { years: 1, thicknessMm: 11.6 },
      { years: 2, thicknessMm: 11.3 },
      { years: 3, thicknessMm: 10.9 },
    ];
    expect(fitThickness(points).slopeMmPerYear).toBeCloseTo(-0.36, 12);
    expect(fitThickness(points).interceptMm).toBeCloseTo(11.99, 12);
    expect(leastSquaresCorrosionRateMmPerYear(points)).toBeCloseTo(0.36, 12);
  });

  it('recovers the rate of any exact linear series (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 5, noNaN: true }), fc.double({ min: 30, max: 60, noNaN: true }), fc.integer({ min: 2, max: 12 }), (rate, start, n) => {
        const points = Array.from({ length: n }, (_, i) => ({ years: i * 0.5, thicknessMm: start - rate * i * 0.5 }));
        expect(leastSquaresCorrosionRateMmPerYear(points)).toBeCloseTo(rate, 9);
      }),
    );
  });

  it('rejects bad inputs naming the field', () => {
    expect(fieldOf(() => corrosionRateMmPerYear(-1, 2))).toBe('thicknessLossMm');
    expect(fieldOf(() => corrosionRateMmPerYear(1, 0))).toBe('yearsInService');
    expect(fieldOf(() => fitThickness([{ years: 0, thicknessMm: 10 }]))).toBe('readings');
    expect(
      fieldOf(() =>
        fitThickness([
          { years: 1, thicknessMm: 10 },
          { years: 1, thicknessMm: 9 },
        ]),
      ),
    ).toBe('readings');
    expect(
      fieldOf(() =>
        fitThickness([
          { years: 0, thicknessMm: 10 },
          { years: 1, thicknessMm: Number.NaN },
        ]),
      ),
    ).toBe('readings[1].thicknessMm');
  });
});

describe('remaining life = (current − t_min) / rate', () => {
  it('computes row 1 of the seed table by hand', () => {
    // current = 15.48 − 4.91 = 10.57 mm; t_min = 4.761905 mm (Barlow, see pipeline.barlow.spec)
    // life = (10.57 − 4.761905) / 2.455 = 5.808095 / 2.455 = 2.365823 years
    const life = remainingLife(10.57, 240000 / 50400, 2.455);
    expect(life.remainingLifeYears).toBeCloseTo(2.365823, 6);
    expect(life.belowMinimum).toBe(false);
  });

  it('is infinite when the wall is not thinning (rate 0 or negative)', () => {
    expect(remainingLife(10, 5, 0)).toEqual({ remainingLifeYears: Number.POSITIVE_INFINITY, belowMinimum: false });
    expect(remainingLife(10, 5, -0.2)).toEqual({ remainingLifeYears: Number.POSITIVE_INFINITY, belowMinimum: false });
  });

  it('is 0 and flagged at or below the minimum', () => {
    expect(remainingLife(4.5, 5, 0.3)).toEqual({ remainingLifeYears: 0, belowMinimum: true });
    expect(remainingLife(5, 5, 0.3)).toEqual({ remainingLifeYears: 0, belowMinimum: true });
    expect(remainingLife(4.5, 5, 0)).toEqual({ remainingLifeYears: 0, belowMinimum: true });
  });

  it('rejects bad inputs naming the field', () => {
    expect(fieldOf(() => remainingLife(-1, 5, 0.1))).toBe('currentThicknessMm');
    expect(fieldOf(() => remainingLife(10, Number.NaN, 0.1))).toBe('minimumThicknessMm');
    expect(fieldOf(() => remainingLife(10, 5, Number.POSITIVE_INFINITY))).toBe('corrosionRateMmPerYear');
  });
});

describe('life status (Critical < 2 years or below t_min, Moderate < 10 years, else Normal)', () => {
  it('maps remaining life to a status at the thresholds', () => {
    expect(lifeStatus({ remainingLifeYears: 0, belowMinimum: true })).toBe('Critical');
    expect(lifeStatus({ remainingLifeYears: 1.99, belowMinimum: false })).toBe('Critical');
    expect(lifeStatus({ remainingLifeYears: 2, belowMinimum: false })).toBe('Moderate');
    expect(lifeStatus({ remainingLifeYears: 9.99, belowMinimum: false })).toBe('Moderate');
    expect(lifeStatus({ remainingLifeYears: 10, belowMinimum: false })).toBe('Normal');
    expect(lifeStatus({ remainingLifeYears: Number.POSITIVE_INFINITY, belowMinimum: false })).toBe('Normal');
  });

  it('takes other thresholds and refuses inverted ones', () => {
    expect(lifeStatus({ remainingLifeYears: 3, belowMinimum: false }, { criticalBelowYears: 4, moderateBelowYears: 8 })).toBe('Critical');
    expect(fieldOf(() => lifeStatus({ remainingLifeYears: 3, belowMinimum: false }, { criticalBelowYears: 4, moderateBelowYears: 3 }))).toBe('moderateBelowYears');
  });

  it("reproduces the dataset's Condition rule from loss alone (< 2 Normal, 2–5 Moderate, > 5 Critical)", () => {
    expect([1.99, 2, 5, 5.01].map(conditionFromLossMm)).toEqual(['Normal', 'Moderate', 'Moderate', 'Critical']);
  });
});

describe('assessWallLoss: one row of the seed table, end to end', () => {
  it('row 1 (800 mm, 15.48 mm, Carbon Steel, A333 Gr 6, 300 psi, 84.9 °C, loss 4.91 mm, 2 years) → 2.37 years, Moderate', () => {
    // t_min = 4.761905; current = 10.57; rate = 2.455; life = 2.365823 years → 2 ≤ 2.37 < 10 → Moderate
    // (the dataset says Moderate too: 2 ≤ 4.91 mm ≤ 5)
    const a = assessWallLoss({ outsideDiameterMm: 800, designPressurePsi: 300, grade: 'ASTM A333 Grade 6', designTemperatureC: 84.9 }, { nominalThicknessMm: 15.48, thicknessLossMm: 4.91, yearsInService: 2 });
    expect(a.tMinMm).toBeCloseTo(4.761905, 6);
    expect(a.currentThicknessMm).toBeCloseTo(10.57, 12);
    expect(a.corrosionRateMmPerYear).toBeCloseTo(2.455, 12);
    expect(a.remainingLifeYears).toBeCloseTo(2.365823, 6);
    expect(a).toMatchObject({ belowMinimum: false, throughWall: false, underDesigned: false, status: 'Moderate' });
  });

  it('row 4 (1500 mm, 38.72 mm, X42, 1500 psi, loss 6.2 mm, 19 years) is below the minimum already', () => {
    // t_min = 1500 · 1500 / (2 · 42000 · 0.72) = 2250000 / 60480 = 37.202381 mm
    // current = 38.72 − 6.2 = 32.52 mm ≤ 37.20 → 0 years, below minimum, Critical
    // (as built, 38.72 ≥ 37.20: the design was adequate)
    const a = assessWallLoss({ outsideDiameterMm: 1500, designPressurePsi: 1500, grade: 'API 5L X42', designTemperatureC: 52.7 }, { nominalThicknessMm: 38.72, thicknessLossMm: 6.2, yearsInService: 19 });
    expect(a.tMinMm).toBeCloseTo(37.202381, 6);
    expect(a).toMatchObject({ remainingLifeYears: 0, belowMinimum: true, underDesigned: false, status: 'Critical' });
  });

  it('flags a loss beyond the wall as through-wall, and an as-built wall below t_min as under-designed', () => {
    // t_min = 2500 · 1500 / 60480 = 62.003968 mm > 10 mm nominal; loss 12 ≥ 10 → current 0
    const a = assessWallLoss({ outsideDiameterMm: 1500, designPressurePsi: 2500, grade: 'API 5L X42' }, { nominalThicknessMm: 10, thicknessLossMm: 12, yearsInService: 3 });
    expect(a).toMatchObject({ currentThicknessMm: 0, throughWall: true, underDesigned: true, belowMinimum: true, remainingLifeYears: 0, status: 'Critical' });
  });

  it('gives an infinite life and Normal when nothing was lost', () => {
    const a = assessWallLoss({ outsideDiameterMm: 100, designPressurePsi: 150, grade: 'API 5L X65' }, { nominalThicknessMm: 5, thicknessLossMm: 0, yearsInService: 4 });
    expect(a).toMatchObject({ corrosionRateMmPerYear: 0, remainingLifeYears: Number.POSITIVE_INFINITY, status: 'Normal' });
  });

  it('rejects bad inspections naming the field', () => {
    const design = { outsideDiameterMm: 100, designPressurePsi: 150, grade: 'API 5L X65' };
    expect(fieldOf(() => assessWallLoss(design, { nominalThicknessMm: 0, thicknessLossMm: 1, yearsInService: 1 }))).toBe('nominalThicknessMm');
    expect(fieldOf(() => assessWallLoss(design, { nominalThicknessMm: 5, thicknessLossMm: -1, yearsInService: 1 }))).toBe('thicknessLossMm');
    expect(fieldOf(() => assessWallLoss(design, { nominalThicknessMm: 5, thicknessLossMm: 1, yearsInService: 0 }))).toBe('yearsInService');
  });
});
