import type { AlarmConditionState } from '@twinline/contracts';
import { DEFAULT_PROFILES, type AlarmPolicy, type ThresholdProfile } from '../twin.profiles';
import { alarmIdOf, alarmLimitsOf, causeOrder, evaluateLimits, evaluateVibration, levelOf, previousRawSeverity, stepCondition } from './lifecycle';

const pump = DEFAULT_PROFILES['pump']!;
const policy = (deadband: Record<string, number> = {}): AlarmPolicy => ({ ...pump.alarmPolicy, deadband });
const v = (value: number) => ({ vibrationMmS: { value } });
const at = (minute: number) => new Date(Date.UTC(2024, 0, 1, 0, minute)).toISOString();

describe('alarm lifecycle rules', () => {
  describe('evaluateVibration (pump: ISO 10816-3 group 2 rigid, API 610 3.0 mm/s)', () => {
    it.each([
      [0, null, null],
      [2.79, null, null],
      [2.8, 'MEDIUM', { limit: 2.8, comparator: '>=' }],
      [4.49, 'MEDIUM', { limit: 2.8, comparator: '>=' }],
      [4.5, 'HIGH', { limit: 4.5, comparator: '>=' }],
      [20, 'HIGH', { limit: 4.5, comparator: '>=' }],
    ])('%d mm/s from normal → %s', (value, severity, condition) => {
      const raw = evaluateVibration(v(value), pump, policy(), null);
      expect(raw?.severity ?? null).toBe(severity);
      if (condition) expect(raw?.conditions).toEqual([{ metric: 'vibrationMmS', value, ...condition }]);
    });

    it('holds a severity until the value is at or below its boundary less the deadband', () => {
      expect(evaluateVibration(v(4.41), pump, policy({ vibrationMmS: 0.1 }), 'HIGH')).toEqual({ severity: 'HIGH', conditions: [{ metric: 'vibrationMmS', value: 4.41, limit: 4.4, comparator: '>' }] });
      expect(evaluateVibration(v(4.4), pump, policy({ vibrationMmS: 0.1 }), 'HIGH')?.severity).toBe('MEDIUM');
      expect(evaluateVibration(v(2.71), pump, policy({ vibrationMmS: 0.1 }), 'MEDIUM')?.severity).toBe('MEDIUM');
      expect(evaluateVibration(v(2.7), pump, policy({ vibrationMmS: 0.1 }), 'MEDIUM')).toBeNull();
      // Without a previous severity the deadband never trips anything.
      expect(evaluateVibration(v(2.75), pump, policy({ vibrationMmS: 0.1 }), null)).toBeNull();
    });

    it('combines API 610 with the zones: the warning starts at the lower of B/C and the (strict) API limit', () => {
      const flexible: ThresholdProfile = { ...pump, vibration: { machineGroup: 2, foundation: 'flexible', metric: 'vibrationMmS', api610LimitMmS: 3.0 } };
      expect(evaluateVibration(v(3.0), flexible, policy(), null)).toBeNull();
      expect(evaluateVibration(v(3.01), flexible, policy(), null)).toEqual({ severity: 'MEDIUM', conditions: [{ metric: 'vibrationMmS', value: 3.01, limit: 3, comparator: '>' }] });
      expect(evaluateVibration(v(4.5), flexible, policy(), null)?.conditions[0]).toMatchObject({ limit: 4.5, comparator: '>=' });
      expect(evaluateVibration(v(7.1), flexible, policy(), null)?.severity).toBe('HIGH');
    });

    it('judges nothing without a vibration class or value', () => {
      expect(evaluateVibration(v(9), DEFAULT_PROFILES['default']!, policy(), null)).toBeNull();
      expect(evaluateVibration({ temperatureC: { value: 99 } }, pump, policy(), null)).toBeNull();
    });
  });

  describe('evaluateLimits', () => {
    it('trips strictly above max / below min, and holds within the deadband once active', () => {
      const profile: ThresholdProfile = { ...pump, limits: { temperatureC: { max: 80 }, pressurePsi: { min: 100 } } };
      expect(evaluateLimits({ temperatureC: { value: 80 } }, profile, policy(), false)).toBeNull();
      expect(evaluateLimits({ temperatureC: { value: 80.5 } }, profile, policy(), false)?.conditions).toEqual([{ metric: 'temperatureC', value: 80.5, limit: 80, comparator: '>' }]);
      expect(evaluateLimits({ temperatureC: { value: 79.5 } }, profile, policy({ temperatureC: 1 }), true)?.conditions).toEqual([{ metric: 'temperatureC', value: 79.5, limit: 79, comparator: '>' }]);
      expect(evaluateLimits({ temperatureC: { value: 79 } }, profile, policy({ temperatureC: 1 }), true)).toBeNull();
      expect(evaluateLimits({ pressurePsi: { value: 104 } }, profile, policy({ pressurePsi: 5 }), true)?.conditions).toEqual([{ metric: 'pressurePsi', value: 104, limit: 105, comparator: '<' }]);
      expect(evaluateLimits({ pressurePsi: { value: 105 } }, profile, policy({ pressurePsi: 5 }), true)).toBeNull();
    });
  });

  describe('stepCondition', () => {
    const where = (minute: number, readingId = `R-${minute}`) => ({ at: at(minute), readingId, profile: 'pump' });
    const raw = { severity: 'HIGH' as const, conditions: [{ metric: 'temperatureC', value: 90, limit: 80, comparator: '>' as const }] };
    const active: AlarmConditionState = { active: true, severity: 'HIGH', since: at(0), readingId: 'R-0', conditions: raw.conditions, profile: 'pump', pending: null };

    it('raises at once without an on-delay, else starts a pending change and raises when it has held long enough', () => {
      expect(stepCondition(undefined, raw, where(1), { onDelaySeconds: 0, offDelaySeconds: 0 })).toEqual({ next: { ...active, since: at(1), readingId: 'R-1' }, transition: 'RAISE' });
      const pending = stepCondition(undefined, raw, where(1), { onDelaySeconds: 120, offDelaySeconds: 0 });
      expect(pending).toMatchObject({ transition: null, next: { active: false, pending: { active: true, since: at(1), readingId: 'R-1' } } });
      expect(stepCondition(pending.next, raw, where(2), { onDelaySeconds: 120, offDelaySeconds: 0 })).toEqual({ next: pending.next, transition: null });
      expect(stepCondition(pending.next, raw, where(3), { onDelaySeconds: 120, offDelaySeconds: 0 })).toMatchObject({ transition: 'RAISE', next: { active: true, since: at(3), readingId: 'R-3', pending: null } });
      expect(stepCondition(pending.next, null, where(2), { onDelaySeconds: 120, offDelaySeconds: 0 })).toEqual({ next: undefined, transition: null });
    });

    it('clears at once without an off-delay, else keeps the alarm pending; a severity change moves at once and keeps the activation', () => {
      expect(stepCondition(active, null, where(5), { onDelaySeconds: 0, offDelaySeconds: 0 })).toEqual({ next: undefined, transition: 'CLEAR' });
      const pending = stepCondition(active, null, where(5), { onDelaySeconds: 0, offDelaySeconds: 60 });
      expect(pending).toEqual({ next: { ...active, pending: { active: false, since: at(5), readingId: 'R-5' } }, transition: null });
      expect(stepCondition(pending.next, null, where(6), { onDelaySeconds: 0, offDelaySeconds: 60 })).toEqual({ next: undefined, transition: 'CLEAR' });
      expect(stepCondition(pending.next, raw, where(6), { onDelaySeconds: 0, offDelaySeconds: 60 })).toEqual({ next: active, transition: null });
      const medium = { severity: 'MEDIUM' as const, conditions: [{ metric: 'vibrationMmS', value: 3, limit: 2.8, comparator: '>=' as const }] };
      expect(stepCondition(active, medium, where(7), { onDelaySeconds: 0, offDelaySeconds: 0 })).toEqual({ next: { ...active, severity: 'MEDIUM', conditions: medium.conditions }, transition: 'SEVERITY' });
      // Values moving inside the same severity change nothing.
      expect(stepCondition(active, { ...raw, conditions: [{ ...raw.conditions[0]!, value: 95 }] }, where(8), { onDelaySeconds: 0, offDelaySeconds: 0 })).toEqual({ next: active, transition: null });
    });

    it('previousRawSeverity: the pending side while a delay runs, else the tracked one', () => {
      expect(previousRawSeverity(undefined)).toBeNull();
      expect(previousRawSeverity(active)).toBe('HIGH');
      expect(previousRawSeverity({ ...active, pending: { active: false, since: at(1), readingId: 'R-1' } })).toBeNull();
      expect(previousRawSeverity({ ...active, active: false, pending: { active: true, since: at(1), readingId: 'R-1' } })).toBe('HIGH');
    });
  });

  it('levels, cause order and alarm ids', () => {
    expect([levelOf('THRESHOLD_EXCEEDED', 'LOW'), levelOf('VIBRATION_HIGH', 'MEDIUM'), levelOf('VIBRATION_HIGH', 'HIGH'), levelOf('NO_DATA', 'MEDIUM')]).toEqual(['ALARM', 'WARNING', 'ALARM', 'OFFLINE']);
    expect(causeOrder(['NO_DATA', 'ZZ', 'VIBRATION_HIGH', 'AA', 'THRESHOLD_EXCEEDED'], 'THRESHOLD_EXCEEDED')).toEqual(['THRESHOLD_EXCEEDED', 'VIBRATION_HIGH', 'NO_DATA', 'AA', 'ZZ']);
    expect(alarmIdOf('R-3', 'THRESHOLD_EXCEEDED', 'THRESHOLD_EXCEEDED')).toBe('ALM-R-3');
    expect(alarmIdOf('R-3', 'VIBRATION_HIGH', 'THRESHOLD_EXCEEDED')).toBe('ALM-R-3-VIBRATION_HIGH');
  });

  it('alarmLimitsOf lists each limit with the cause it raises (what a prediction aims at)', () => {
    expect(alarmLimitsOf(pump)).toEqual([
      { metric: 'temperatureC', cause: 'THRESHOLD_EXCEEDED', level: 'ALARM', max: 80, inclusive: false },
      { metric: 'pressurePsi', cause: 'THRESHOLD_EXCEEDED', level: 'ALARM', max: 1500, inclusive: false },
      { metric: 'vibrationMmS', cause: 'VIBRATION_HIGH', level: 'ALARM', max: 4.5, inclusive: true },
      { metric: 'vibrationMmS', cause: 'VIBRATION_HIGH', level: 'WARNING', max: 2.8, inclusive: true },
    ]);
    const flexible: ThresholdProfile = { ...pump, vibration: { machineGroup: 2, foundation: 'flexible', metric: 'vibrationMmS', api610LimitMmS: 3 } };
    expect(alarmLimitsOf(flexible).slice(2)).toEqual([
      { metric: 'vibrationMmS', cause: 'VIBRATION_HIGH', level: 'ALARM', max: 7.1, inclusive: true },
      { metric: 'vibrationMmS', cause: 'VIBRATION_HIGH', level: 'WARNING', max: 4.5, inclusive: true },
      { metric: 'vibrationMmS', cause: 'VIBRATION_HIGH', level: 'WARNING', max: 3, inclusive: false },
    ]);
  });
});
