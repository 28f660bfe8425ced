import { CLASS_RULES, quantityOf, RuleOverrideError, rulesFor } from './integrity.rules';

describe('rules per asset class with per-asset overrides', () => {
  it('given no overrides, then the class defaults apply', () => {
    expect(rulesFor('pump')).toEqual(CLASS_RULES.pump);
    expect(rulesFor('pipeline-segment').metrics.wallThicknessMm).toEqual({ unit: 'mm', min: 0, max: 200 });
  });

  it('given an override of one field, then only that field changes', () => {
    const rules = rulesFor('pump', { metrics: { temperatureC: { max: 120 } }, maxPastSeconds: 3600 });
    expect(rules.metrics.temperatureC).toEqual({ ...CLASS_RULES.pump.metrics.temperatureC, max: 120 });
    expect(rules.maxPastSeconds).toBe(3600);
    expect(rules.maxFutureSeconds).toBe(600);
    expect(CLASS_RULES.pump.metrics.temperatureC!.max).toBe(200);
  });

  it('given a new metric with its range, then the asset takes it; without a range, the override is refused naming the field', () => {
    expect(rulesFor('pump', { metrics: { flowLMin: { unit: 'L/min', min: 0, max: 500 } } }).metrics.flowLMin).toEqual({ unit: 'L/min', min: 0, max: 500 });
    expect(() => rulesFor('pump', { metrics: { flowLMin: { max: 500 } } })).toThrow(new RuleOverrideError('rules.metrics.flowLMin', 'flowLMin is not a metric of asset class pump: adding it needs min and max'));
    expect(() => rulesFor('pump', { metrics: { temperatureC: { min: 300 } } })).toThrow(/min 300 is above max 200/);
  });

  it('reads the quantity of a unit-suffixed name', () => {
    expect(['temperatureC', 'temperatureF', 'pressurePsi', 'vibrationMmS', 'vibrationG', 'wallThicknessMm'].map(quantityOf)).toEqual(['temperature', 'temperature', 'pressure', 'vibration', 'vibration', 'wall']);
  });
});
