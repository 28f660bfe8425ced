import { Pool, type PoolClient } from 'pg';

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


/** Runs `work` in one transaction on a pooled client: commit on success, rollback on any error. */
export async function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
