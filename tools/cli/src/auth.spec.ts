import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyToken } from '@twinline/service-kit';
import { authSecret, createToken, ensureLocalSecret, parseRoles, parseTtl } from './auth';

describe('twinline token helpers', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'twinline-cli-auth-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['3600', 3600],
    ['90s', 90],
    ['30m', 1800],
    ['12h', 43_200],
    ['30d', 2_592_000],
  ])('reads --ttl %s as %i seconds', (text, seconds) => {
    expect(parseTtl(text)).toBe(seconds);
  });

  it.each(['0', '-5', '1.5h', '12 hours', 'h', ''])('refuses --ttl %j, saying what it takes', (text) => {
    expect(() => parseTtl(text)).toThrow(/--ttl must be a positive number of seconds or a number with s, m, h or d/);
  });

  it('refuses no role and unknown roles, naming the known ones', () => {
    expect(() => parseRoles([])).toThrow('--role is required (one or more of operator, planner, auditor, admin)');
    expect(() => parseRoles(['admin', 'root'])).toThrow('--role root is not a role; roles are operator, planner, auditor, admin');
    expect(parseRoles(['planner', 'auditor'])).toEqual(['planner', 'auditor']);
  });

  it('creates the local secret once: 32 random bytes, base64url, readable by the owner only', () => {
    const file = join(dir, '.twinline', 'auth-secret');
    expect(ensureLocalSecret(file)).toEqual({ file, created: true });
    const secret = readFileSync(file, 'utf8').trim();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(ensureLocalSecret(file)).toEqual({ file, created: false });
    expect(readFileSync(file, 'utf8').trim()).toBe(secret);
  });

  it('takes the secret from AUTH_SECRET, else AUTH_SECRET_FILE, else the local file, else says how to get one', () => {
    const local = join(dir, 'auth-secret');
    const given = join(dir, 'given');
    writeFileSync(given, `${'g'.repeat(40)}\n`);
    expect(() => authSecret({}, local)).toThrow(/no token secret: set AUTH_SECRET or AUTH_SECRET_FILE .* or run "npx twinline up" once/);
    ensureLocalSecret(local);
    expect(authSecret({}, local)).toEqual({ secret: readFileSync(local, 'utf8').trim(), source: local });
    expect(authSecret({ AUTH_SECRET_FILE: given }, local)).toEqual({ secret: 'g'.repeat(40), source: `AUTH_SECRET_FILE=${given}` });
    expect(authSecret({ AUTH_SECRET: 'e'.repeat(32) }, local)).toEqual({ secret: 'e'.repeat(32), source: 'AUTH_SECRET' });
    expect(() => authSecret({ AUTH_SECRET: 'short' }, local)).toThrow(/AUTH_SECRET: must be at least 32 characters \(got 5 characters\)/);
  });

  it('signs a token the services accept, for the subject and roles asked, until the lifetime ends', () => {
    const secret = 's'.repeat(32);
    const now = Date.parse('2024-01-01T00:00:00Z');
    const { token, expiresAt } = createToken({ sub: 'alice', roles: ['admin'], ttlSeconds: 43_200 }, secret, now);
    expect(expiresAt).toBe('2024-01-01T12:00:00.000Z');
    expect(verifyToken(token, secret, now / 1000)).toMatchObject({ sub: 'alice', roles: ['admin'], exp: now / 1000 + 43_200 });
  });
});
