import type { Pool } from 'pg';
import type { CheckpointStore } from './event-store';
import { assertCheckpointName, assertPosition } from './positions';
import { quoteIdent } from './sql';

/**
 * Checkpoints of global-log readers in the `checkpoints` table of the event store's schema.
 * `save` overwrites (a reader may rewind, e.g. '0' to rebuild a projection). The positions a
 * reader saves are cursors, not a monotonic counter (see EventStore.readAll), so nothing here
 * compares them.
 */
export class PostgresCheckpointStore implements CheckpointStore {
  private readonly loadSql: string;
  private readonly saveSql: string;

  constructor(
    private readonly pool: Pool,
    options: { readonly schema: string },
  ) {
    const table = `${quoteIdent(options.schema)}."checkpoints"`;
    this.loadSql = `SELECT position::text AS position FROM ${table} WHERE name = $1`;
    this.saveSql = `INSERT INTO ${table} (name, position, updated_at) VALUES ($1, $2::bigint, now())
      ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, updated_at = EXCLUDED.updated_at`;
  }

  async load(name: string): Promise<string> {
    assertCheckpointName(name);
    const { rows } = await this.pool.query<{ position: string }>(this.loadSql, [name]);
    return rows[0]?.position ?? '0';
  }

  async save(name: string, position: string): Promise<void> {
    assertCheckpointName(name);
    assertPosition(position, 'position');
    await this.pool.query(this.saveSql, [name, position]);
  }
}
