import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROLES, type Role } from '@twinline/contracts';
import { baseEnvSchema, issueToken, loadConfig } from '@twinline/service-kit';
import { ROOT } from './platform';

/** The token secret `twinline up` creates when neither AUTH_SECRET nor AUTH_SECRET_FILE is set. */
export const LOCAL_SECRET_FILE = join(ROOT, '.twinline', 'auth-secret');

const secretSchema = baseEnvSchema.pick({ AUTH_SECRET: true, AUTH_SECRET_FILE: true });

/**
 * The secret the services check tokens with: AUTH_SECRET, else AUTH_SECRET_FILE, else the local
 * `.twinline/auth-secret`. Throws naming the variable when it is missing or too short.
 */
export function authSecret(env: NodeJS.ProcessEnv = process.env, localFile = LOCAL_SECRET_FILE): { secret: string; source: string } {
  if (env.AUTH_SECRET || env.AUTH_SECRET_FILE) {
    const config = loadConfig(secretSchema, { AUTH_SECRET: env.AUTH_SECRET, AUTH_SECRET_FILE: env.AUTH_SECRET_FILE });
    return { secret: config.AUTH_SECRET, source: config.AUTH_SECRET_FILE ? `AUTH_SECRET_FILE=${config.AUTH_SECRET_FILE}` : 'AUTH_SECRET' };
  }
  if (existsSync(localFile)) return { secret: loadConfig(secretSchema, { AUTH_SECRET_FILE: localFile }).AUTH_SECRET, source: localFile };
  throw new Error(`no token secret: set AUTH_SECRET or AUTH_SECRET_FILE to the secret of the services, or run "npx twinline up" once to create ${localFile}`);
}

/** Creates the local secret (32 random bytes, base64url, mode 0600) unless it exists. */
export function ensureLocalSecret(file = LOCAL_SECRET_FILE): { file: string; created: boolean } {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    return { file, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { file, created: false };
    throw error;
  }
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** A lifetime: seconds (`3600`) or a number with a unit (`90s`, `30m`, `12h`, `30d`). */
export function parseTtl(text: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  const seconds = match ? Number(match[1]) * UNIT_SECONDS[match[2] || 's']! : NaN;
  if (!Number.isSafeInteger(seconds) || seconds < 1) throw new Error(`--ttl must be a positive number of seconds or a number with s, m, h or d (e.g. 3600, 12h, 30d), got "${text}"`);
  return seconds;
}

/** Checks role names given on the command line. */
export function parseRoles(values: readonly string[]): Role[] {
  if (values.length === 0) throw new Error(`--role is required (one or more of ${ROLES.join(', ')})`);
  const unknown = values.filter((v) => !(ROLES as readonly string[]).includes(v));
  if (unknown.length > 0) throw new Error(`--role ${unknown.join(', ')} is not a role; roles are ${ROLES.join(', ')}`);
  return values as Role[];
}

/** Signs a token for `sub` with `roles`, valid `ttlSeconds` from now. */
export function createToken(o: { sub: string; roles: readonly Role[]; ttlSeconds: number }, secret: string, nowMs = Date.now()): { token: string; expiresAt: string } {
  const nowSeconds = Math.floor(nowMs / 1000);
  const token = issueToken({ sub: o.sub, roles: o.roles, ttlSeconds: o.ttlSeconds, nowSeconds }, secret);
  return { token, expiresAt: new Date((nowSeconds + o.ttlSeconds) * 1000).toISOString() };
}

/**
 * The token a command sends: `--token`, else TWINLINE_TOKEN, else one signed here for an hour with
 * the services' secret (AUTH_SECRET, AUTH_SECRET_FILE or `.twinline/auth-secret`) with `role`.
 */
export function cliToken(given: string | undefined, role: Role, sub = 'twinline-cli'): string {
  if (given) return given;
  if (process.env.TWINLINE_TOKEN) return process.env.TWINLINE_TOKEN;
  try {
    return createToken({ sub, roles: [role], ttlSeconds: 3600 }, authSecret().secret).token;
  } catch (error) {
    throw new Error(`no token: pass --token or set TWINLINE_TOKEN (npx twinline token create --sub <you> --role ${role}); ${(error as Error).message}`);
  }
}
