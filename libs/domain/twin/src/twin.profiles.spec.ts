import { DEFAULT_ALARM_POLICY, DEFAULT_PROFILES, describeConditions, parseAssetProfiles, parseProfiles, profileFor, profileForAsset } from './twin.profiles';

describe('threshold profiles', () => {
  // Since the alarm lifecycle each class has its own version (2) with vibration zones and an alarm
  // policy; the source study rule (limits, labels, cause) is still every class's limit rule.
  it('gives every built-in class the source study rule', () => {
    for (const assetClass of ['pump', 'compressor', 'pipeline-segment', 'default']) {
      expect(DEFAULT_PROFILES[assetClass]).toMatchObject({
        name: assetClass,
        limits: { temperatureC: { max: 80 }, pressurePsi: { max: 1500 } },
        alarmLabel: 'ALARM: Predictive Maintenance Required',
        okLabel: 'Operational',
        alarmSeverity: 'HIGH',
        cause: 'THRESHOLD_EXCEEDED',
      });
      expect(Object.keys(DEFAULT_PROFILES[assetClass]!.limits)).toEqual(['temperatureC', 'pressurePsi']);
    }
  });

  it('gives the default class the study rule alone: version 1, no vibration, no deadband, no delays', () => {
    expect(DEFAULT_PROFILES['default']).toEqual({
      name: 'default',
      version: 1,
      limits: { temperatureC: { max: 80 }, pressurePsi: { max: 1500 } },
      alarmLabel: 'ALARM: Predictive Maintenance Required',
      okLabel: 'Operational',
      alarmSeverity: 'HIGH',
      cause: 'THRESHOLD_EXCEEDED',
      alarmPolicy: { deadband: {}, onDelaySeconds: 0, offDelaySeconds: 0, reAlarmAfterSeconds: 3600, staleAfterSeconds: 7200, maxShelveSeconds: 28800 },
    });
  });

  it('gives pumps ISO 10816-3 group 2 rigid with the API 610 limit, compressors group 1 rigid, pipeline segments no vibration', () => {
    expect(DEFAULT_PROFILES['pump']).toMatchObject({ version: 2, vibration: { machineGroup: 2, foundation: 'rigid', metric: 'vibrationMmS', api610LimitMmS: 3 } });
    expect(DEFAULT_PROFILES['pump']!.alarmPolicy).toMatchObject({ deadband: { temperatureC: 1, pressurePsi: 10, vibrationMmS: 0.1 }, onDelaySeconds: 0, offDelaySeconds: 0 });
    expect(DEFAULT_PROFILES['compressor']).toMatchObject({ version: 2, vibration: { machineGroup: 1, foundation: 'rigid', metric: 'vibrationMmS' } });
    expect(DEFAULT_PROFILES['pipeline-segment']!.vibration).toBeUndefined();
    expect(DEFAULT_PROFILES['pipeline-segment']!.alarmPolicy.staleAfterSeconds).toBe(86400);
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
      [{ pump: { alarmPolicy: { onDelaySeconds: -5 } } }, 'pump.alarmPolicy.onDelaySeconds: onDelaySeconds must be >= 0 seconds'],
      [{ pump: { alarmPolicy: { offDelaySeconds: 'soon' } } }, 'pump.alarmPolicy.offDelaySeconds: offDelaySeconds must be a number'],
      [{ pump: { alarmPolicy: { maxShelveSeconds: 0 } } }, 'pump.alarmPolicy.maxShelveSeconds: maxShelveSeconds must be > 0 seconds'],
      [{ pump: { alarmPolicy: { staleAfterSeconds: Number.POSITIVE_INFINITY } } }, 'pump.alarmPolicy.staleAfterSeconds: staleAfterSeconds must be a number'],
      [{ pump: { alarmPolicy: { deadband: { temperatureC: -1 } } } }, 'pump.alarmPolicy.deadband.temperatureC: a deadband must be >= 0'],
      [{ pump: { alarmPolicy: { deadband: { Temp: 1 } } } }, 'pump.alarmPolicy.deadband.Temp: "Temp" is not a metric name'],
      [{ pump: { alarmPolicy: { reAlarm: 5 } } }, 'pump.alarmPolicy: unknown field "reAlarm": alarmPolicy may set deadband, onDelaySeconds'],
      [{ pump: { vibration: { machineGroup: 3, foundation: 'rigid' } } }, 'pump.vibration.machineGroup: machineGroup must be 1 (> 300 kW) or 2 (15–300 kW)'],
      [{ pump: { vibration: { machineGroup: 1, foundation: 'soft' } } }, 'pump.vibration.foundation: foundation must be "rigid" or "flexible"'],
      [{ pump: { vibration: { machineGroup: 1, foundation: 'rigid', metric: 'vibrationInS' } } }, 'pump.vibration.metric: metric must be "vibrationMmS"'],
      [{ pump: { vibration: { machineGroup: 1, foundation: 'rigid', api610LimitMmS: 0 } } }, 'pump.vibration.api610LimitMmS: api610LimitMmS must be > 0 mm/s'],
      [{ pump: { vibration: { machineGroup: 1, foundation: 'rigid', zone: 'C' } } }, 'pump.vibration: unknown field "zone": vibration may set machineGroup, foundation, metric, api610LimitMmS'],
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

  describe('alarm policy and vibration overrides', () => {
    it('merges alarmPolicy field by field and the deadband metric by metric (null removes one)', () => {
      const pump = parseProfiles({ pump: { alarmPolicy: { onDelaySeconds: 30, deadband: { temperatureC: null, flowLMin: 2 } } } })['pump']!;
      expect(pump.alarmPolicy).toEqual({ ...DEFAULT_ALARM_POLICY, onDelaySeconds: 30, deadband: { pressurePsi: 10, vibrationMmS: 0.1, flowLMin: 2 } });
      expect(pump.vibration).toEqual(DEFAULT_PROFILES['pump']!.vibration);
    });

    it('replaces the vibration class, or removes it with null; a new class may add one', () => {
      const profiles = parseProfiles({
        pump: { vibration: { machineGroup: 2, foundation: 'flexible', api610LimitMmS: 3 } },
        compressor: { vibration: null },
        fan: { vibration: { machineGroup: 1, foundation: 'flexible' }, warningLabel: 'WARNING: check the fan', offlineLabel: 'OFFLINE: fan silent' },
      });
      expect(profiles['pump']!.vibration).toEqual({ machineGroup: 2, foundation: 'flexible', metric: 'vibrationMmS', api610LimitMmS: 3 });
      expect(profiles['compressor']).not.toHaveProperty('vibration');
      expect(profiles['fan']).toMatchObject({ name: 'fan', vibration: { machineGroup: 1, foundation: 'flexible', metric: 'vibrationMmS' }, warningLabel: 'WARNING: check the fan', offlineLabel: 'OFFLINE: fan silent', alarmPolicy: DEFAULT_ALARM_POLICY });
    });
  });

  describe('per-asset overrides', () => {
    const classes = parseProfiles({ pump: { limits: { temperatureC: { max: 75 } } } });

    it('applies an asset’s override on top of its class profile, named <class>@<asset>', () => {
      const overrides = parseAssetProfiles('{"P-101": {"limits": {"pressurePsi": {"max": 1400}}, "alarmPolicy": {"offDelaySeconds": 60}}}', classes);
      const p101 = profileForAsset('P-101', 'pump', classes, overrides);
      expect(p101).toMatchObject({ name: 'pump@P-101', version: 2, limits: { temperatureC: { max: 75 }, pressurePsi: { max: 1400 } }, vibration: { machineGroup: 2 } });
      expect(p101.alarmPolicy).toMatchObject({ offDelaySeconds: 60, onDelaySeconds: 0, deadband: { temperatureC: 1 } });
      // The same override on an asset of another class starts from that class.
      expect(profileForAsset('P-101', 'compressor', classes, overrides)).toMatchObject({ name: 'compressor@P-101', vibration: { machineGroup: 1 } });
    });

    it('gives an asset without override its class profile (unknown class: default), also for an id like "constructor"', () => {
      const overrides = parseAssetProfiles({ 'P-101': { name: 'p101-special' } }, classes);
      expect(profileForAsset('P-102', 'pump', classes, overrides)).toBe(classes['pump']);
      expect(profileForAsset('constructor', 'separator', classes, overrides)).toBe(classes['default']);
      expect(profileForAsset('P-101', 'pump', classes, overrides).name).toBe('p101-special');
    });

    it.each([
      [{ 'P-101': { alarmPolicy: { maxShelveSeconds: -1 } } }, 'P-101.alarmPolicy.maxShelveSeconds: maxShelveSeconds must be > 0 seconds'],
      [{ 'P-101': { limits: { temperatureC: { min: 90, max: 80 } } } }, 'P-101.limits.temperatureC: "min" must be below "max"'],
      [{ 'P-101': { cause: 'NO_DATA' } }, 'P-101.cause: cause must not be VIBRATION_HIGH or NO_DATA'],
      [{ 'P-101': { color: 'red' } }, 'P-101: unknown field "color"'],
      [[], '(root): per-asset profiles must be a JSON object mapping asset ids to profile overrides'],
      ['{', '(root): per-asset profiles must be JSON'],
    ])('rejects %j naming the field', (input, expected) => {
      let caught: unknown;
      try {
        parseAssetProfiles(input, classes);
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
