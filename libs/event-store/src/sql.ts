import type { Pool, PoolClient } from 'pg';

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

/**
 * Runs `work` in one transaction on a pooled client: commit on success, rollback on any error.
 * `begin` may ask for more (`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`). A failed ROLLBACK
 * means the connection is unusable: it is released with the error so that the pool drops it.
 */
export async function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
    throw error;
  } finally {
    client.release(broken);
  }
}
