import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { ROLES, type AccessClaims, type Role } from '@twinline/contracts';

/**
 * Twinline access tokens: JWTs signed with HMAC-SHA256 (RFC 7519, `alg: HS256`) under the secret
 * every service shares (AUTH_SECRET). Pure functions: time and secret come in as arguments.
 */

/** Why a token was refused. */
export type TokenProblem = 'malformed' | 'bad-signature' | 'unsupported-alg' | 'expired' | 'not-yet-valid' | 'unknown-role' | 'no-roles';

/** A token that is not accepted; `reason` says why, the message says it for people. */
export class TokenError extends Error {
  readonly code = 'AUTH.INVALID_TOKEN';
  constructor(
    readonly reason: TokenProblem,
    message: string,
  ) {
    super(message);
    this.name = 'TokenError';
  }
}

/** Tolerated clock difference between the machine that issued a token and the one that checks it. */
export const CLOCK_SKEW_SECONDS = 60;

export interface IssueTokenInput {
  readonly sub: string;
  readonly roles: readonly Role[];
  readonly ttlSeconds: number;
  /** Seconds since the epoch: the token's `iat`. */
  readonly nowSeconds: number;
  /** Token id; a random UUID when not given. */
  readonly jti?: string;
}

const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** Signs an access token. Throws (naming the field) when the input could not make a valid token. */
export function issueToken(input: IssueTokenInput, secret: string): string {
  if (!secret) throw new TypeError('secret must not be empty');
  if (typeof input.sub !== 'string' || input.sub.trim() === '') throw new TypeError('sub must be a non-empty name');
  if (input.roles.length === 0) throw new TypeError(`roles must name at least one of ${ROLES.join(', ')}`);
  const unknown = input.roles.filter((r) => !isRole(r));
  if (unknown.length > 0) throw new TypeError(`roles: unknown role ${unknown.join(', ')}; known roles are ${ROLES.join(', ')}`);
  if (!Number.isInteger(input.ttlSeconds) || input.ttlSeconds < 1) throw new TypeError(`ttlSeconds must be a positive integer, got ${input.ttlSeconds}`);
  if (!Number.isInteger(input.nowSeconds) || input.nowSeconds < 0) throw new TypeError(`nowSeconds must be a non-negative integer, got ${input.nowSeconds}`);
  const claims: AccessClaims = {
    sub: input.sub,
    roles: [...new Set(input.roles)],
    iat: input.nowSeconds,
    exp: input.nowSeconds + input.ttlSeconds,
    jti: input.jti ?? randomUUID(),
  };
  const signed = `${HEADER}.${base64url(JSON.stringify(claims))}`;
  return `${signed}.${sign(signed, secret)}`;
}

/** Checks a token's signature, algorithm, times and roles; returns its claims or throws a TokenError. */
export function verifyToken(token: string, secret: string, nowSeconds: number): AccessClaims {
  if (!secret) throw new TypeError('secret must not be empty');
  const parts = typeof token === 'string' ? token.split('.') : [];
  if (parts.length !== 3 || !parts.every((p) => SEGMENT.test(p))) {
    throw new TokenError('malformed', 'the token is not a JWT (three base64url parts separated by ".")');
  }
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJson(headerPart, 'header');
  if (header.alg !== 'HS256') throw new TokenError('unsupported-alg', `the token is signed with ${JSON.stringify(header.alg ?? null)}; only HS256 is accepted`);
  // Compared as text: base64url decoding ignores the spare bits of the last character, so
  // comparing decoded bytes would accept a changed signature.
  const expected = Buffer.from(sign(`${headerPart}.${payloadPart}`, secret));
  const given = Buffer.from(signaturePart);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new TokenError('bad-signature', 'the token signature does not match: it was changed, or signed with another secret');
  }
  const claims = decodeJson(payloadPart, 'claims');
  const { sub, roles, iat, exp, jti } = claims;
  if (typeof sub !== 'string' || sub === '') throw new TokenError('malformed', 'the token has no subject (sub)');
  if (!isTime(iat) || !isTime(exp)) throw new TokenError('malformed', 'the token needs iat and exp as whole seconds since the epoch');
  if (typeof jti !== 'string') throw new TokenError('malformed', 'the token has no token id (jti)');
  if (!Array.isArray(roles)) throw new TokenError('malformed', 'the token has no roles claim');
  if (roles.length === 0) throw new TokenError('no-roles', 'the token grants no role');
  const unknown = roles.filter((r) => !isRole(r));
  if (unknown.length > 0) throw new TokenError('unknown-role', `the token names unknown role(s) ${unknown.map((r) => JSON.stringify(r)).join(', ')}; known roles are ${ROLES.join(', ')}`);
  if (nowSeconds >= exp) throw new TokenError('expired', `the token expired at ${isoTime(exp)}; create a new one`);
  const notBefore = isTime(claims.nbf) ? Math.max(iat, claims.nbf) : iat;
  if (notBefore > nowSeconds + CLOCK_SKEW_SECONDS) throw new TokenError('not-yet-valid', `the token is not valid before ${isoTime(notBefore)}; check the clocks`);
  return { sub, roles: roles as Role[], iat, exp, jti };
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

function sign(input: string, secret: string): string {
  return createHmac('sha256', secret).update(input).digest('base64url');
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function decodeJson(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new TokenError('malformed', `the token ${what} is not base64url-encoded JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TokenError('malformed', `the token ${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function isoTime(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? `${seconds} s` : date.toISOString();
}
