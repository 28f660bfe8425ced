import { PipelineError } from './pipeline.errors';
import { assessSegment, type SegmentConfig } from './pipeline.segment';

// A 20-inch API 5L X52 line at 1000 psi: t_min = 1000 · 508 / (2 · 52000 · 0.72) = 6.784188 mm.
const SEGMENT: SegmentConfig = { outsideDiameterMm: 508, designPressurePsi: 1000, grade: 'API 5L X52' };

// Readings one Julian year (365.25 days) apart: 2020-01-01T00:00Z, +365.25 d = 2020-12-31T06:00Z, ...
const YEARLY = [
  { ts: '2020-01-01T00:00:00Z', wallThicknessMm: 12.0 },
  { ts: '2020-12-31T06:00:00Z', wallThicknessMm: 11.6 },
  { ts: '2021-12-31T12:00:00Z', wallThicknessMm: 11.3 },
  { ts: '2022-12-31T18:00:00Z', wallThicknessMm: 10.9 },
];

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof PipelineError) return error.field;
    throw error;
  }
  return undefined;
}

describe('assessSegment: a pipeline segment twin from its wallThicknessMm readings', () => {
  it('given four yearly readings, then rate 0.36 mm/yr, 11.43 years left, Normal', () => {
    // least-squares slope over years 0..3 of 12.0, 11.6, 11.3, 10.9 = −1.8 / 5 = −0.36 mm/yr
    // life = (10.9 − 6.784188) / 0.36 = 4.115812 / 0.36 = 11.432811 years (≥ 10 → Normal)
    // predicted = 2022-12-31T18:00Z + 11.432811 · 365.25 d = 2034-06-07T14:01:16.923Z
    const a = assessSegment(SEGMENT, YEARLY);
    expect(a.tMinMm).toBeCloseTo(6.784188, 6);
    expect(a.corrosionRateMmPerYear).toBeCloseTo(0.36, 9);
    expect(a.rateBasis).toBe('least-squares');
    expect(a.remainingLifeYears).toBeCloseTo(11.432811, 6);
    expect(a.predictedMinimumAt).toBe('2034-06-07T14:01:16.923Z');
    expect(a).toMatchObject({ currentThicknessMm: 10.9, currentAt: '2022-12-31T18:00:00.000Z', belowMinimum: false, status: 'Normal', readingsUsed: 4 });
  });

  it('given the readings in any order, then the same result', () => {
    expect(assessSegment(SEGMENT, [...YEARLY].reverse())).toEqual(assessSegment(SEGMENT, YEARLY));
  });

  it('given one reading and the as-built wall, then the long-term rate', () => {
    // 2010-01-01 → 2020-01-01 = 3652 days = 9.998631 years; rate = (12.7 − 11.7) / 9.998631 = 0.100014 mm/yr
    // life = (11.7 − 6.784188) / 0.100014 = 49.151390 years
    const a = assessSegment({ ...SEGMENT, nominalThicknessMm: 12.7, inServiceSince: '2010-01-01T00:00:00Z' }, [{ ts: '2020-01-01T00:00:00Z', wallThicknessMm: 11.7 }]);
    expect(a.rateBasis).toBe('long-term');
    expect(a.corrosionRateMmPerYear).toBeCloseTo(0.100014, 6);
    expect(a.remainingLifeYears).toBeCloseTo(49.15139, 5);
    expect(a.status).toBe('Normal');
  });

  it('given both, then the greater (more conservative) rate governs, as API 570 asks', () => {
    // long-term: (20 − 10.9) / (2022-12-31T18:00Z − 2013-01-01T00:00Z = 3651.75 d = 9.997947 yr) = 0.910187 mm/yr > 0.36
    const a = assessSegment({ ...SEGMENT, nominalThicknessMm: 20, inServiceSince: '2013-01-01T00:00:00Z' }, YEARLY);
    expect(a.rateBasis).toBe('long-term');
    expect(a.corrosionRateMmPerYear).toBeCloseTo(9.1 / (3651.75 / 365.25), 12);
    // life = 4.115812 / 0.910187 = 4.521941 years → Moderate
    expect(a.remainingLifeYears).toBeCloseTo(4.521941, 5);
    expect(a.status).toBe('Moderate');
  });

  it('given a stable wall (zero rate), then no finite life and no predicted date', () => {
    const a = assessSegment(SEGMENT, [
      { ts: '2020-01-01T00:00:00Z', wallThicknessMm: 10 },
      { ts: '2021-01-01T00:00:00Z', wallThicknessMm: 10 },
    ]);
    expect(a).toMatchObject({ corrosionRateMmPerYear: 0, remainingLifeYears: null, predictedMinimumAt: null, belowMinimum: false, status: 'Normal' });
  });

  it('given readings that thicken (noise), then a negative rate and no finite life', () => {
    const a = assessSegment(SEGMENT, [
      { ts: '2020-01-01T00:00:00Z', wallThicknessMm: 10 },
      { ts: '2021-01-01T00:00:00Z', wallThicknessMm: 10.2 },
    ]);
    expect(a.corrosionRateMmPerYear).toBeLessThan(0);
    expect(a).toMatchObject({ remainingLifeYears: null, predictedMinimumAt: null, status: 'Normal' });
  });

  it('given a wall below t_min already, then 0 years, predicted at the latest reading, Critical', () => {
    const a = assessSegment(SEGMENT, [
      { ts: '2020-01-01T00:00:00Z', wallThicknessMm: 7.5 },
      { ts: '2021-01-01T00:00:00Z', wallThicknessMm: 6.5 },
    ]);
    expect(a).toMatchObject({ remainingLifeYears: 0, predictedMinimumAt: '2021-01-01T00:00:00.000Z', belowMinimum: true, status: 'Critical' });
  });

  it('given one reading and no as-built wall, then no rate: status only if below t_min', () => {
    expect(assessSegment(SEGMENT, [{ ts: '2020-01-01T00:00:00Z', wallThicknessMm: 9 }])).toMatchObject({ corrosionRateMmPerYear: null, rateBasis: 'none', remainingLifeYears: null, status: null });
    expect(assessSegment(SEGMENT, [{ ts: '2020-01-01T00:00:00Z', wallThicknessMm: 6 }])).toMatchObject({ remainingLifeYears: 0, belowMinimum: true, status: 'Critical' });
  });

  it('given a life beyond the representable dates, then no predicted date', () => {
    const a = assessSegment(SEGMENT, [
      { ts: '2020-01-01T00:00:00Z', wallThicknessMm: 10 },
      { ts: '2021-01-01T00:00:00Z', wallThicknessMm: 10 - 1e-9 },
    ]);
    expect(a.remainingLifeYears).toBeGreaterThan(1e6);
    expect(a.predictedMinimumAt).toBeNull();
  });

  it('rejects bad input naming the field', () => {
    expect(fieldOf(() => assessSegment(SEGMENT, []))).toBe('readings');
    expect(fieldOf(() => assessSegment(SEGMENT, [{ ts: '2020-01-01 00:00', wallThicknessMm: 9 }]))).toBe('readings[0].ts');
    expect(fieldOf(() => assessSegment(SEGMENT, [{ ts: '2020-01-01T00:00:00Z', wallThicknessMm: -1 }]))).toBe('readings[0].wallThicknessMm');
    expect(fieldOf(() => assessSegment({ ...SEGMENT, outsideDiameterMm: -508 }, YEARLY))).toBe('outsideDiameterMm');
    expect(fieldOf(() => assessSegment({ ...SEGMENT, nominalThicknessMm: 12 }, YEARLY))).toBe('inServiceSince');
    expect(fieldOf(() => assessSegment({ ...SEGMENT, nominalThicknessMm: 12, inServiceSince: '2030-01-01T00:00:00Z' }, YEARLY))).toBe('inServiceSince');
  });
});
