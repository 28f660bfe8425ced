import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from '@twinline/event-store';

/** Read model of twin-state: the current twin of every asset, kept by the twin-view projection. */
export class TwinViewInitial1732560000100 implements MigrationInterface {
  name = 'TwinViewInitial1732560000100';
  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`CREATE TABLE IF NOT EXISTS ${s}.twin_view (
      asset_id text PRIMARY KEY,
      status text NOT NULL,
      label text NOT NULL,
      state jsonb NOT NULL,
      version integer NOT NULL,
      position bigint NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX IF NOT EXISTS twin_view_status_idx ON ${s}.twin_view (status)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS ${migrationSchema(q)}.twin_view`);
  }
}
