import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from '@twinline/event-store';

/**
 * Read model of the reliability statistics: one row per work order (open ones too, so that the
 * warnings and predictions attached while it is open are known when it completes), kept by the
 * reliability projection from the work-order streams.
 */
export class ReliabilityInitial1732560001000 implements MigrationInterface {
  name = 'ReliabilityInitial1732560001000';
  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`CREATE TABLE IF NOT EXISTS ${s}.reliability_records (
      work_order_id text PRIMARY KEY,
      asset_id text NOT NULL,
      type text NOT NULL,
      status text NOT NULL,
      opened_at timestamptz NOT NULL,
      started_at timestamptz,
      completed_at timestamptz,
      failure jsonb,
      first_warning_at timestamptz,
      predictions jsonb NOT NULL DEFAULT '[]'::jsonb,
      first_event_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL)`);
    await q.query(`CREATE INDEX IF NOT EXISTS reliability_records_asset_idx ON ${s}.reliability_records (asset_id, first_event_at)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS ${migrationSchema(q)}.reliability_records`);
  }
}

export const RELIABILITY_MIGRATIONS = [ReliabilityInitial1732560001000];
