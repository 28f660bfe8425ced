import { createHmac } from 'node:crypto';
import * as fc from 'fast-check';
import { ROLES, type Role } from '@twinline/contracts';
import { CLOCK_SKEW_SECONDS, issueToken, TokenError, verifyToken, type TokenProblem } from './token';

const SECRET = 'a-test-secret-of-at-least-32-characters';
const NOW = 1_704_067_200; // 2024-01-01T00:00:00Z
const given = (roles: Role[] = ['operator'], ttlSeconds = 3600) => issueToken({ sub: 'alice', roles, ttlSeconds, nowSeconds: NOW, jti: 'j-1' }, SECRET);

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
/** A token built by hand, signed correctly with `secret`: for claims issueToken refuses to make. */
const forged = (header: unknown, claims: unknown, secret = SECRET) => {
  const signed = `${b64(header)}.${b64(claims)}`;
  return `${signed}.${createHmac('sha256', secret).update(signed).digest('base64url')}`;
};
const CLAIMS = { sub: 'alice', roles: ['operator'], iat: NOW, exp: NOW + 3600, jti: 'j-1' };

/** The reason verifyToken refused the token with (fails the test when it accepted it). */
function refusal(token: string, now = NOW, secret = SECRET): TokenProblem {
  try {
    verifyToken(token, secret, now);
  } catch (error) {
    expect(error).toBeInstanceOf(TokenError);
    return (error as TokenError).reason;
  }
  throw new Error(`expected ${token} to be refused`);
}

describe('issueToken', () => {
  it('given a subject, roles and a lifetime, when issued, then it is an HS256 JWT carrying exactly the access claims', () => {
    const token = given(['planner', 'auditor'], 600);
    const [header, claims] = token.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as unknown);
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(claims).toEqual({ sub: 'alice', roles: ['planner', 'auditor'], iat: NOW, exp: NOW + 600, jti: 'j-1' });
  });

  it('given no jti, then each token gets its own random id', () => {
    const a = verifyToken(issueToken({ sub: 'bob', roles: ['admin'], ttlSeconds: 60, nowSeconds: NOW }, SECRET), SECRET, NOW);
    const b = verifyToken(issueToken({ sub: 'bob', roles: ['admin'], ttlSeconds: 60, nowSeconds: NOW }, SECRET), SECRET, NOW);
    expect(a.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.jti).not.toBe(b.jti);
  });

  it.each([
    [{ sub: '' }, /sub must be a non-empty name/],
    [{ roles: [] }, /roles must name at least one of operator, planner, auditor, admin/],
    [{ roles: ['root'] }, /unknown role root/],
    [{ ttlSeconds: 0 }, /ttlSeconds must be a positive integer/],
    [{ ttlSeconds: 1.5 }, /ttlSeconds must be a positive integer/],
  ])('given %j, then it refuses to issue, naming the field', (change, message) => {
    expect(() => issueToken({ sub: 'alice', roles: ['operator'], ttlSeconds: 60, nowSeconds: NOW, ...(change as object) }, SECRET)).toThrow(message);
  });
});

describe('verifyToken', () => {
  it('given a token it issued, when checked within its lifetime, then it returns the claims', () => {
    expect(verifyToken(given(['admin']), SECRET, NOW + 3599)).toEqual({ sub: 'alice', roles: ['admin'], iat: NOW, exp: NOW + 3600, jti: 'j-1' });
  });

  it.each(['', 'abc', 'a.b', 'a.b.c.d', 'a..c', 'a.b.c d', 'Bearer x.y.z'])('given %j, then malformed', (token) => {
    expect(refusal(token)).toBe('malformed');
  });

  it('given parts that are not JSON objects, then malformed', () => {
    expect(refusal(`${b64('not json')}.${b64(CLAIMS)}.sig`)).toBe('malformed');
    expect(refusal(forged({ alg: 'HS256' }, [1, 2]))).toBe('malformed');
  });

  it('given another secret signed it, then bad signature', () => {
    expect(refusal(given(), NOW, 'another-secret-of-at-least-32-characters')).toBe('bad-signature');
  });

  it('given a changed claim re-encoded without a new signature, then bad signature', () => {
    const [header, , signature] = given(['auditor']).split('.');
    expect(refusal(`${header}.${b64({ ...CLAIMS, roles: ['admin'] })}.${signature}`)).toBe('bad-signature');
  });

  it.each([['none'], ['HS512'], ['RS256'], [undefined]])('given alg %s, then refused before its signature is trusted', (alg) => {
    expect(refusal(forged({ alg, typ: 'JWT' }, CLAIMS))).toBe('unsupported-alg');
    expect(refusal(`${b64({ alg, typ: 'JWT' })}.${b64(CLAIMS)}.x`)).toBe('unsupported-alg');
  });

  it('given the time reached exp, then expired, saying when', () => {
    const error = (() => {
      try {
        verifyToken(given(), SECRET, NOW + 3600);
      } catch (e) {
        return e as TokenError;
      }
      throw new Error('accepted an expired token');
    })();
    expect(error).toMatchObject({ reason: 'expired', code: 'AUTH.INVALID_TOKEN', message: 'the token expired at 2024-01-01T01:00:00.000Z; create a new one' });
  });

  it('given a token issued in the future, then not yet valid beyond the tolerated clock skew', () => {
    expect(verifyToken(given(), SECRET, NOW - CLOCK_SKEW_SECONDS).sub).toBe('alice');
    expect(refusal(given(), NOW - CLOCK_SKEW_SECONDS - 1)).toBe('not-yet-valid');
    expect(refusal(forged({ alg: 'HS256' }, { ...CLAIMS, nbf: NOW + 600 }))).toBe('not-yet-valid');
  });

  it('given a role Twinline does not know, then unknown role', () => {
    expect(refusal(forged({ alg: 'HS256' }, { ...CLAIMS, roles: ['operator', 'superuser'] }))).toBe('unknown-role');
  });

  it('given an empty roles list, then no roles', () => {
    expect(refusal(forged({ alg: 'HS256' }, { ...CLAIMS, roles: [] }))).toBe('no-roles');
  });

  it.each([
    ['sub', { sub: '' }],
    ['roles', { roles: 'admin' }],
    ['exp', { exp: '2030-01-01' }],
    ['iat', { iat: undefined }],
    ['jti', { jti: 7 }],
  ])('given a signed token with a bad %s claim, then malformed', (_claim, change) => {
    expect(refusal(forged({ alg: 'HS256' }, { ...CLAIMS, ...change }))).toBe('malformed');
  });

  it('given any one character of a valid token changed, then it is refused', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ';
    fc.assert(
      fc.property(fc.subarray([...ROLES], { minLength: 1 }), fc.nat(), fc.constantFrom(...alphabet), (roles, at, replacement) => {
        const token = given(roles);
        const i = at % token.length;
        fc.pre(token[i] !== replacement);
        const tampered = token.slice(0, i) + replacement + token.slice(i + 1);
        expect(() => verifyToken(tampered, SECRET, NOW)).toThrow(TokenError);
      }),
      { numRuns: 2000 },
    );
  });

  it('given any one byte of a valid token changed, then it is refused', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (at, flip) => {
        const bytes = Buffer.from(given(['admin']), 'latin1');
        const i = at % bytes.length;
        bytes[i] = bytes[i]! ^ flip;
        expect(() => verifyToken(bytes.toString('latin1'), SECRET, NOW)).toThrow(TokenError);
      }),
      { numRuns: 2000 },
    );
  });
});
