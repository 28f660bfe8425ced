import { assessPipes, parsePipeTable } from './seed.pipeline';
import { pickSegmentRow, segmentThroughTwin } from './seed.twin';

const HEADER = 'Pipe_Size_mm,Thickness_mm,Material,Grade,Max_Pressure_psi,Temperature_C,Corrosion_Impact_Percent,Thickness_Loss_mm,Material_Loss_Percent,Time_Years,Condition';
// Row 1 of the real table: t_min = 300 · 800 / (2 · 35,000 · 0.72) = 4.762 mm; wall 15.48 − 4.91 = 10.57 mm after 2 years (2.455 mm/yr): (10.57 − 4.762) / 2.455 = 2.366 years.
const CSV = [HEADER, '800,15.48,Carbon Steel,ASTM A333 Grade 6,300,84.9,16.04,4.91,31.72,2,Moderate', '400,12.05,Carbon Steel,API 5L X52,2500,0.6,2.12,6.32,52.45,7,Critical'].join('\n');

describe('eval seed (c): one segment through the twin', () => {
  const [row1] = assessPipes(parsePipeTable(CSV, 't.csv'));
  it('picks the carbon-steel row built above t_min with 1–3 years left (row 1; row 2 is under-designed)', () => {
    expect(pickSegmentRow(assessPipes(parsePipeTable(CSV, 't.csv')))?.pipe.row).toBe(1);
  });

  it('row 1 inspected on its corrosion line: the twin gives assessSegment\'s remaining life, predicts the failure within the 1-year horizon, and alarms below t_min', () => {
    const s = segmentThroughTwin(row1!);
    const tMin = (300 * 800) / (2 * 35_000 * 0.72);
    expect(s.tMinMm).toBeCloseTo(tMin, 9);
    expect(s.inspections.map((r) => r.years)).toEqual([0, 2 / 3, 4 / 3, 2, 2.5, 3, 3.5, 4, 4.5]);
    // At 2 years (the table's inspection): (10.57 − 4.762) / 2.455 = 2.366 years, by both.
    const at2 = s.inspections[3]!;
    expect(at2.assessRemainingYears).toBeCloseTo((10.57 - tMin) / 2.455, 6);
    expect(at2.twinRemainingYears).toBeCloseTo((10.57 - tMin) / 2.455, 6);
    expect(s.maxDifferenceYears! * 8766 * 3600).toBeLessThan(36); // seconds: equal up to rounding (event times are whole seconds)
    // FailurePredicted when the remaining life first falls within 8760 h: at 3.5 years (0.87 yr left; at 3 years 1.37 > 1).
    expect(s.inspections.findIndex((r) => r.twinEvents.some((e) => e.startsWith('FailurePredicted')))).toBe(6);
    expect(s.inspections.at(-1)).toMatchObject({ twinStatus: 'ALARM', twinEvents: ['status ALARM', 'AlarmRaised THRESHOLD_EXCEEDED'] });
  });
});
