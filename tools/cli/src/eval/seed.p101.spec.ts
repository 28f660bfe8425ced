import { profileFor } from '@twinline/domain-twin';
import { runP101 } from './seed.p101';

describe("eval seed (a): the study's P-101 table through the twin's pure decider", () => {
  it('agrees with Table 1 on all ten rows with the pump profile', () => {
    const result = runP101();
    expect(result.rows.map((r) => r.expected)).toEqual(['Operational', 'Operational', 'Operational', 'ALARM', 'ALARM', 'Operational', 'Operational', 'ALARM', 'ALARM', 'Operational']);
    expect(result.rows.filter((r) => !r.agrees)).toEqual([]);
    expect(result).toMatchObject({ agreeing: 10, allAgree: true });
    expect(result.alarmsRaised).toBeGreaterThanOrEqual(2); // two episodes; one alarm per cause (threshold, vibration zone)
  });

  it('reports a disagreement when the profile differs from the study (temperature limit 40 °C)', () => {
    const pump = profileFor('pump');
    const strict = { ...pump, limits: { ...pump.limits, temperatureC: { max: 40 } } };
    const result = runP101(strict);
    expect(result.allAgree).toBe(false);
    expect(result.rows.filter((r) => !r.agrees).map((r) => r.row)).toEqual([1, 2, 3, 6, 7, 10]);
  });
});
