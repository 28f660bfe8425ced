import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';

/** The Postgres the tests use: DATABASE_URL, else the machine's local server (database `test`). */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`.toLowerCase();
}

export interface TestSchema {
  readonly pool: Pool;
  readonly schema: string;
  readonly url: string;
  /** Drops the schema and closes the pool. */
  drop(): Promise<void>;
}

/** A fresh Postgres schema for one suite, dropped with everything in it by `drop()`. */
export async function createTestSchema(prefix = 'test', max = 10): Promise<TestSchema> {
  const schema = uniqueName(prefix);
  const pool = new Pool({ connectionString: TEST_DATABASE_URL, max });
  await pool.query(`CREATE SCHEMA "${schema}"`);
  return {
    pool,
    schema,
    url: TEST_DATABASE_URL,
    async drop() {
      try {
        await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await pool.end();
      }
    },
  };
}
