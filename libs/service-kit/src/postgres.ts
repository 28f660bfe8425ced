import { Pool } from 'pg';

export function createPool(url: string, max: number, applicationName: string): Pool {
  const pool = new Pool({ connectionString: url, max, application_name: applicationName });
  // An idle client's error (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  return pool;
}

export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`"${name}" is not a safe SQL identifier`);
  return `"${name}"`;
}


/** One transaction on a pooled client (the event store's: a connection whose ROLLBACK failed is dropped). */
export { withTransaction } from '@twinline/event-store';
