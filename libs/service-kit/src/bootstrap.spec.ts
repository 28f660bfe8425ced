import fc from 'fast-check';
import { parseJsonBody } from './bootstrap';
import { DomainError } from './problem-details';

function refusal(text: string): DomainError {
  try {
    parseJsonBody(text);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error(`accepted ${text.slice(0, 100)}`);
}

describe('parseJsonBody', () => {
  it('parses JSON, keeping "constructor" keys that hold no prototype', () => {
    expect(parseJsonBody('{"a":[1,{"constructor":"x"}]}')).toEqual({ a: [1, { constructor: 'x' }] });
  });

  it.each([
    ['', 'BODY.EMPTY', '(body)', /empty/],
    ['{"a":', 'BODY.INVALID_JSON', '(body)', /^the body is not valid JSON: .+/],
    ['{"a":{"b":[{"__proto__":{"polluted":true}}]}}', 'BODY.FORBIDDEN_KEY', 'a.b.0.__proto__', /could alter objects' prototypes/],
    ['{"\\u005f\\u005fproto__":1}', 'BODY.FORBIDDEN_KEY', '__proto__', /prototype/],
    ['[{"constructor":{"prototype":{}}}]', 'BODY.FORBIDDEN_KEY', '0.constructor', /prototype/],
  ])('refuses %j with 400 %s naming the field', (text, code, field, rule) => {
    const error = refusal(text);
    expect(error).toMatchObject({ status: 400, code });
    expect(error.details.errors).toEqual([{ field, message: expect.stringMatching(rule) }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('finds a forbidden key 1 000 000 levels deep without overflowing the stack', () => {
    const n = 1_000_000;
    const error = refusal(`${'['.repeat(n)}{"__proto__":1}${']'.repeat(n)}`);
    expect(error.code).toBe('BODY.FORBIDDEN_KEY');
    expect((error.details.errors as Array<{ field: string }>)[0]!.field.length).toBeLessThanOrEqual(201);
  });

  it('returns what JSON.parse returns or throws a 400 DomainError, for any text (property)', () => {
    const text = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.string({ unit: 'binary' }),
      fc.tuple(fc.jsonValue().map((v) => JSON.stringify(v)), fc.nat()).map(([t, n]) => t.slice(0, n % (t.length + 1))),
    );
    fc.assert(
      fc.property(text, (t) => {
        try {
          expect(parseJsonBody(t)).toEqual(JSON.parse(t));
        } catch (error) {
          expect(error).toBeInstanceOf(DomainError);
          expect((error as DomainError).status).toBe(400);
        }
      }),
      { numRuns: 300, seed: 3 },
    );
  });
});
