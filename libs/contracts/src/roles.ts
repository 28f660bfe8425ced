/**
 * User roles. Every HTTP API but health and metrics needs a token; reads need any role, writes
 * need the role that owns them. `auditor` is read-only everywhere.
 */
export const ROLES = ['operator', 'planner', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Claims of a Twinline access token (a JWT signed with HS256). */
export interface AccessClaims {
  /** Who: a user or service account name; recorded as the actor of what they write. */
  readonly sub: string;
  readonly roles: readonly Role[];
  /** Issued and expiry times, seconds since the epoch. */
  readonly iat: number;
  readonly exp: number;
  /** Token id (for audit and revocation lists). */
  readonly jti: string;
}
