import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from '@twinline/event-store';

/** Read model of the scheduler: one row per work order, kept by the work-orders projection. */
export class WorkOrdersInitial1732560000200 implements MigrationInterface {
  name = 'WorkOrdersInitial1732560000200';
  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`CREATE TABLE IF NOT EXISTS ${s}.work_orders (
      work_order_id text PRIMARY KEY,
      asset_id text NOT NULL,
      cause text NOT NULL,
      priority text NOT NULL,
      status text NOT NULL,
      title text NOT NULL,
      alarm_ids jsonb NOT NULL,
      opened_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX IF NOT EXISTS work_orders_asset_idx ON ${s}.work_orders (asset_id, opened_at)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS ${migrationSchema(q)}.work_orders`);
  }
}
