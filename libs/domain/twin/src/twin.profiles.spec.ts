import { DEFAULT_PROFILES, describeConditions, parseProfiles, profileFor } from './twin.profiles';

describe('threshold profiles', () => {
  it('gives every built-in class the source study rule', () => {
    for (const assetClass of ['pump', 'compressor', 'pipeline-segment', 'default']) {
      expect(DEFAULT_PROFILES[assetClass]).toEqual({
        name: assetClass,
        version: 1,
        limits: { temperatureC: { max: 80 }, pressurePsi: { max: 1500 } },
        alarmLabel: 'ALARM: Predictive Maintenance Required',
        okLabel: 'Operational',
        alarmSeverity: 'HIGH',
        cause: 'THRESHOLD_EXCEEDED',
      });
    }
  });

  it('falls back to the default profile for an unknown or missing class', () => {
    expect(profileFor('separator').name).toBe('default');
    expect(profileFor(undefined).name).toBe('default');
    expect(profileFor('compressor').name).toBe('compressor');
  });

  describe('parseProfiles', () => {
    it('merges an override into the built-in profile, limit by limit', () => {
      const profiles = parseProfiles({ pump: { limits: { temperatureC: { max: 75 } }, alarmSeverity: 'CRITICAL' } });
      expect(profiles['pump']).toMatchObject({ name: 'pump', limits: { temperatureC: { max: 75 }, pressurePsi: { max: 1500 } }, alarmSeverity: 'CRITICAL', okLabel: 'Operational' });
      expect(profiles['compressor']).toEqual(DEFAULT_PROFILES['compressor']);
    });

    it('removes a limit given as null and starts a new class from the default profile', () => {
      const profiles = parseProfiles('{"separator": {"limits": {"pressurePsi": null, "vibrationMmS": {"max": 7.1}}, "version": 2}}');
      expect(profiles['separator']).toMatchObject({ name: 'separator', version: 2, limits: { temperatureC: { max: 80 }, vibrationMmS: { max: 7.1 } } });
      expect(profiles['separator']?.limits).not.toHaveProperty('pressurePsi');
      expect(profileFor('separator', profiles).name).toBe('separator');
    });

    it.each([
      [{ pump: { limits: { temperatureC: { max: '80' } } } }, 'pump.limits.temperatureC.max: max must be a number'],
      [{ pump: { limits: { temperatureC: {} } } }, 'pump.limits.temperatureC: a limit needs "max", "min" or both'],
      [{ pump: { limits: { temperatureC: { min: 90, max: 80 } } } }, 'pump.limits.temperatureC: "min" must be below "max"'],
      [{ pump: { alarmSeverity: 'SEVERE' } }, 'pump.alarmSeverity: alarmSeverity must be one of LOW, MEDIUM, HIGH, CRITICAL'],
      [{ pump: { limit: {} } }, 'pump: unknown field "limit": a profile may set name, version, limits'],
      [{ pump: { limits: { '1x': { max: 3 } } } }, 'pump.limits.1x: "1x" is not a metric name'],
      [[1, 2], '(root): threshold profiles must be a JSON object'],
      ['{not json', '(root): threshold profiles must be JSON'],
    ])('rejects %j naming the field', (input, expected) => {
      let caught: unknown;
      try {
        parseProfiles(input);
      } catch (error) {
        caught = error;
      }
      expect(caught).toMatchObject({ code: 'TWIN.INVALID_PROFILES' });
      const { errors } = caught as { errors: { field: string; message: string }[] };
      expect(errors.map((e) => `${e.field}: ${e.message}`).join('\n')).toContain(expected);
    });
  });

  it('describes conditions in words with units', () => {
    expect(
      describeConditions([
        { metric: 'temperatureC', value: 82, limit: 80, comparator: '>' },
        { metric: 'pressurePsi', value: 1550, limit: 1500, comparator: '>' },
      ]),
    ).toBe('Temperature 82 °C > 80 °C; pressure 1550 psi > 1500 psi');
    expect(describeConditions([{ metric: 'flowLMin', value: 3, limit: 5, comparator: '<' }])).toBe('flowLMin 3 < 5');
  });
});
