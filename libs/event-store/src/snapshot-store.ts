import type { Pool } from 'pg';
import { quoteIdent } from './sql';

/** An aggregate's state after `streamVersion` events of its stream, in shape `stateVersion`. */
export interface Snapshot<S = unknown> {
  readonly streamId: string;
  readonly streamVersion: number;
  readonly stateVersion: number;
  readonly state: S;
}

/**
 * The latest snapshot per stream (table `snapshots` of the event store's schema). Snapshots are a
 * cache of the fold: loading one of another `stateVersion` gives nothing (the state's shape or the
 * fold changed since), and a save never replaces a later snapshot of the same shape.
 */
export interface SnapshotStore {
  load<S>(streamId: string, stateVersion: number): Promise<Snapshot<S> | null>;
  save(snapshot: Snapshot): Promise<void>;
}

export class PostgresSnapshotStore implements SnapshotStore {
  private readonly loadSql: string;
  private readonly saveSql: string;

  constructor(
    private readonly pool: Pool,
    options: { readonly schema: string },
  ) {
    const table = `${quoteIdent(options.schema)}."snapshots"`;
    this.loadSql = `SELECT stream_version, state FROM ${table} WHERE stream_id = $1 AND state_version = $2`;
    this.saveSql = `INSERT INTO ${table} AS s (stream_id, stream_version, state_version, state, taken_at) VALUES ($1, $2, $3, $4::jsonb, now())
      ON CONFLICT (stream_id) DO UPDATE SET stream_version = EXCLUDED.stream_version, state_version = EXCLUDED.state_version, state = EXCLUDED.state, taken_at = EXCLUDED.taken_at
      WHERE s.state_version <> EXCLUDED.state_version OR s.stream_version < EXCLUDED.stream_version`;
  }

  async load<S>(streamId: string, stateVersion: number): Promise<Snapshot<S> | null> {
    const { rows } = await this.pool.query<{ stream_version: number; state: S }>(this.loadSql, [streamId, stateVersion]);
    const row = rows[0];
    return row ? { streamId, streamVersion: row.stream_version, stateVersion, state: row.state } : null;
  }

  async save(snapshot: Snapshot): Promise<void> {
    assertSnapshot(snapshot);
    await this.pool.query(this.saveSql, [snapshot.streamId, snapshot.streamVersion, snapshot.stateVersion, JSON.stringify(snapshot.state)]);
  }
}

/** Snapshots in memory, stored as JSON like in Postgres (what comes back is a copy). */
export class InMemorySnapshotStore implements SnapshotStore {
  private readonly rows = new Map<string, { streamVersion: number; stateVersion: number; json: string }>();

  async load<S>(streamId: string, stateVersion: number): Promise<Snapshot<S> | null> {
    const row = this.rows.get(streamId);
    return row && row.stateVersion === stateVersion ? { streamId, streamVersion: row.streamVersion, stateVersion, state: JSON.parse(row.json) as S } : null;
  }

  async save(snapshot: Snapshot): Promise<void> {
    assertSnapshot(snapshot);
    const row = this.rows.get(snapshot.streamId);
    if (row && row.stateVersion === snapshot.stateVersion && row.streamVersion >= snapshot.streamVersion) return;
    this.rows.set(snapshot.streamId, { streamVersion: snapshot.streamVersion, stateVersion: snapshot.stateVersion, json: JSON.stringify(snapshot.state) });
  }
}

function assertSnapshot(s: Snapshot): void {
  if (!Number.isInteger(s.streamVersion) || s.streamVersion < 1) throw new RangeError(`snapshot of ${s.streamId}: streamVersion must be a positive integer, got ${s.streamVersion}`);
  if (!Number.isInteger(s.stateVersion)) throw new RangeError(`snapshot of ${s.streamId}: stateVersion must be an integer, got ${s.stateVersion}`);
}
