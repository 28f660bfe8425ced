import fc from 'fast-check';
import { ContractViolation, MAX_READINGS_PER_REQUEST, readingSchema } from '@twinline/contracts';
import { MAX_FIELD_ERRORS, parseBody } from './parse-body';

const good = { deviceId: 'P-101-edge', assetId: 'P-101', seq: 1, ts: '2024-01-01T00:00:00Z', metrics: { temperatureC: 45 } };

/** The field errors of a body parseBody refuses (fails the test if it is accepted or throws anything else). */
function refusal(body: unknown): ContractViolation['errors'] {
  try {
    parseBody(body);
  } catch (error) {
    expect(error).toBeInstanceOf(ContractViolation);
    return (error as ContractViolation).errors;
  }
  throw new Error(`accepted ${JSON.stringify(body)}`);
}

describe('parseBody', () => {
  it('takes one reading, or { readings: [...] }', () => {
    expect(parseBody(good)).toEqual([good]);
    expect(parseBody({ readings: [good, { ...good, seq: 2 }] })).toEqual([good, { ...good, seq: 2 }]);
  });

  it('encodes non-finite metrics (1e400 parses to Infinity) for integrity to quarantine with rule finite; -0 and 1e308 are numbers', () => {
    const body = JSON.parse(JSON.stringify(good).replace('"temperatureC":45', '"temperatureC":1e400,"pressurePsi":-0,"vibrationMmS":1e308'));
    expect(parseBody(body)[0]!.metrics).toEqual({ temperatureC: 'Infinity', pressurePsi: -0, vibrationMmS: 1e308 });
  });

  it.each([
    ['seq above MAX_SAFE_INTEGER', { ...good, seq: 2 ** 53 + 2 }, 'seq', /safe integer/],
    ['seq 1e400 (Infinity)', { ...good, seq: Infinity }, 'seq', /number/],
    ['seq as a string', { ...good, seq: '1' }, 'seq', /number/],
    ['an emoji in deviceId', { ...good, deviceId: 'P-101-😀' }, 'deviceId', /deviceId must be an id of 1-64 characters/],
    ['a right-to-left override in assetId', { ...good, assetId: '\u202EP-101' }, 'assetId', /assetId must be an id/],
    ['NUL in assetId', { ...good, assetId: 'P-101\u0000' }, 'assetId', /assetId must be an id/],
    ['a metric named 9lives', { ...good, metrics: { '9lives': 1 } }, 'metrics.9lives', /metric names are camelCase with a unit suffix/],
    ['a metric named constructor', { ...good, metrics: { constructor: 1 } }, 'metrics.constructor', /not a built-in name/],
    ['a metric named toString', { ...good, metrics: { toString: 1 } }, 'metrics.toString', /not a built-in name/],
    ['NUL in the signature', { ...good, signature: 'ab\u0000cd' }, 'signature', /U\+0000/],
    ['an unpaired surrogate in the signature', { ...good, signature: 'ab\uD800' }, 'signature', /surrogate/],
    ['an array at the root', [good], '(root)', /expected object/],
    ['an empty batch', { readings: [] }, 'readings', /at least one reading/],
    ['a deeply nested metric', { ...good, metrics: { temperatureC: JSON.parse(`${'['.repeat(10_000)}${']'.repeat(10_000)}`) } }, 'metrics.temperatureC', /must be a number/],
  ])('refuses %s, naming the field and the rule', (_what, body, field, rule) => {
    const errors = refusal(body);
    expect(errors).toContainEqual({ field, message: expect.stringMatching(rule) });
  });

  it('drops a metric named "__proto__" (zod never assigns it), polluting nothing; HTTP refuses such a body before', () => {
    const metrics = JSON.parse('{"temperatureC":1,"__proto__":{"polluted":1}}') as Record<string, number>;
    const [reading] = parseBody({ ...good, metrics });
    expect(reading!.metrics).toEqual({ temperatureC: 1 });
    expect(Object.getPrototypeOf(reading!.metrics)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(refusal({ ...good, metrics: JSON.parse('{"__proto__":1}') })).toEqual([{ field: 'metrics', message: 'metrics must hold at least one metric' }]);
  });

  it('names the reading of a batch a field error is in', () => {
    expect(refusal({ readings: [good, { ...good, signature: '\u0000' }] })).toEqual([{ field: 'readings.1.signature', message: expect.stringMatching(/U\+0000/) }]);
  });

  it(`lists at most ${MAX_FIELD_ERRORS} field errors, and says how many more there are`, () => {
    const errors = refusal({ readings: Array.from({ length: MAX_READINGS_PER_REQUEST }, () => ({ seq: -1 })) });
    expect(errors).toHaveLength(MAX_FIELD_ERRORS + 1);
    expect(errors[MAX_FIELD_ERRORS]).toEqual({ field: '(more)', message: expect.stringMatching(/^\d+ more errors not listed$/) });
  });

  const value = fc.jsonValue({ maxDepth: 3 });
  const id = fc.oneof(fc.constantFrom('P-101', 'd_1', '', '-x', 'a'.repeat(65), 'P\u0000', 'P😀', '\u202EP', 'P\uD800'), fc.string({ unit: 'binary', maxLength: 70 }), value);
  const metricValue = fc.oneof(fc.double(), fc.constantFrom(-0, 1e308, Infinity, -Infinity, Number.NaN, 'NaN', 'Infinity', '1'), value);
  const metrics = fc.oneof(
    fc.dictionary(fc.oneof(fc.constantFrom('temperatureC', '__proto__', 'constructor', 'valueOf', 'x'), fc.string({ maxLength: 70 })), metricValue, { maxKeys: 5 }),
    value,
  );
  const hostileReading = fc.record(
    {
      deviceId: id,
      assetId: id,
      seq: fc.oneof(fc.nat(), fc.constantFrom(-1, 0.5, 2 ** 53, 2 ** 53 + 2, 1e308, Infinity, -0), value),
      ts: fc.oneof(fc.constant('2024-01-01T00:00:00Z'), fc.string({ maxLength: 30 }), value),
      metrics,
      signature: fc.oneof(fc.stringMatching(/^[0-9a-f]{64}$/), fc.string({ unit: 'binary', maxLength: 300 }), value),
    },
    { requiredKeys: [] },
  );
  const body = fc.oneof(value, hostileReading, fc.record({ readings: fc.oneof(fc.array(hostileReading, { maxLength: 5 }), value) }));

  it('returns readings that satisfy the contract, or throws ContractViolation with field errors: nothing else (property)', () => {
    fc.assert(
      fc.property(body, (b) => {
        let readings: ReturnType<typeof parseBody>;
        try {
          readings = parseBody(b);
        } catch (error) {
          expect(error).toBeInstanceOf(ContractViolation);
          const errors = (error as ContractViolation).errors;
          expect(errors.length).toBeGreaterThan(0);
          for (const e of errors) {
            expect(typeof e.field).toBe('string');
            expect(e.message.length).toBeGreaterThan(0);
          }
          return;
        }
        expect(readings.length).toBeGreaterThan(0);
        for (const r of readings) expect(readingSchema.safeParse(r).success).toBe(true);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 500, seed: 3 },
    );
  });
});
