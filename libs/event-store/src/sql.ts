/**
 * Quotes an SQL identifier (a schema name). Postgres silently truncates identifiers longer than 63
 * bytes, which would make two schemas one, so those are refused.
 */
export function quoteIdent(name: string): string {
  if (typeof name !== 'string' || name.length === 0 || Buffer.byteLength(name, 'utf8') > 63 || name.includes('\0')) {
    throw new RangeError(`"${String(name)}" is not a usable SQL identifier (1-63 bytes, no NUL)`);
  }
  return `"${name.replace(/"/g, '""')}"`;
}

/** Error fields of `pg` (DatabaseError) that this library looks at. */
export interface PgError {
  readonly code: string;
  readonly constraint?: string;
  readonly detail?: string;
}

export function isPgError(error: unknown): error is PgError {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' && 'severity' in error;
}

export const PG_UNIQUE_VIOLATION = '23505';
export const PG_DEADLOCK_DETECTED = '40P01';
