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

/**
 * The work-order lifecycle (issue 6): type, due date, approval, schedule, start, completion with
 * findings, failure, parts and labour, cancellation, the predictions attached; `version` is the
 * stream version of the last event applied to the row (the projection applies each event once).
 * Rows of the alarm-only scheduler were 'OPEN': that is 'REQUESTED' now, and they are corrective.
 */
export class WorkOrdersLifecycle1732560000700 implements MigrationInterface {
  name = 'WorkOrdersLifecycle1732560000700';
  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`ALTER TABLE ${s}.work_orders
      ADD COLUMN IF NOT EXISTS type text NOT NULL DEFAULT 'corrective',
      ADD COLUMN IF NOT EXISTS due_at timestamptz,
      ADD COLUMN IF NOT EXISTS approved_by text,
      ADD COLUMN IF NOT EXISTS approved_at timestamptz,
      ADD COLUMN IF NOT EXISTS approval_note text,
      ADD COLUMN IF NOT EXISTS scheduled_for timestamptz,
      ADD COLUMN IF NOT EXISTS crew text,
      ADD COLUMN IF NOT EXISTS scheduled_by text,
      ADD COLUMN IF NOT EXISTS started_at timestamptz,
      ADD COLUMN IF NOT EXISTS started_by text,
      ADD COLUMN IF NOT EXISTS completed_at timestamptz,
      ADD COLUMN IF NOT EXISTS completed_by text,
      ADD COLUMN IF NOT EXISTS cancelled_at timestamptz,
      ADD COLUMN IF NOT EXISTS cancelled_by text,
      ADD COLUMN IF NOT EXISTS cancel_reason text,
      ADD COLUMN IF NOT EXISTS findings text,
      ADD COLUMN IF NOT EXISTS failure jsonb,
      ADD COLUMN IF NOT EXISTS parts jsonb,
      ADD COLUMN IF NOT EXISTS labour_hours double precision,
      ADD COLUMN IF NOT EXISTS prediction_ids jsonb NOT NULL DEFAULT '[]'::jsonb,
      ADD COLUMN IF NOT EXISTS predicted_failure_at timestamptz,
      ADD COLUMN IF NOT EXISTS first_warning_at timestamptz,
      ADD COLUMN IF NOT EXISTS schedule_id text,
      ADD COLUMN IF NOT EXISTS occurrence integer,
      ADD COLUMN IF NOT EXISTS version integer NOT NULL DEFAULT 0`);
    await q.query(`UPDATE ${s}.work_orders SET status = 'REQUESTED' WHERE status = 'OPEN'`);
    await q.query(`UPDATE ${s}.work_orders SET first_warning_at = opened_at WHERE first_warning_at IS NULL`);
    await q.query(`CREATE INDEX IF NOT EXISTS work_orders_status_idx ON ${s}.work_orders (status, due_at)`);
  }
  async down(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`DROP INDEX IF EXISTS ${s}.work_orders_status_idx`);
    await q.query(`UPDATE ${s}.work_orders SET status = 'OPEN' WHERE status = 'REQUESTED'`);
    await q.query(`ALTER TABLE ${s}.work_orders
      DROP COLUMN IF EXISTS type, DROP COLUMN IF EXISTS due_at, DROP COLUMN IF EXISTS approved_by, DROP COLUMN IF EXISTS approved_at, DROP COLUMN IF EXISTS approval_note,
      DROP COLUMN IF EXISTS scheduled_for, DROP COLUMN IF EXISTS crew, DROP COLUMN IF EXISTS scheduled_by, DROP COLUMN IF EXISTS started_at, DROP COLUMN IF EXISTS started_by,
      DROP COLUMN IF EXISTS completed_at, DROP COLUMN IF EXISTS completed_by, DROP COLUMN IF EXISTS cancelled_at, DROP COLUMN IF EXISTS cancelled_by, DROP COLUMN IF EXISTS cancel_reason,
      DROP COLUMN IF EXISTS findings, DROP COLUMN IF EXISTS failure, DROP COLUMN IF EXISTS parts, DROP COLUMN IF EXISTS labour_hours, DROP COLUMN IF EXISTS prediction_ids,
      DROP COLUMN IF EXISTS predicted_failure_at, DROP COLUMN IF EXISTS first_warning_at, DROP COLUMN IF EXISTS schedule_id, DROP COLUMN IF EXISTS occurrence, DROP COLUMN IF EXISTS version`);
  }
}

/** The read-model migrations of the work-orders projection, in order. */
export const WORK_ORDERS_MIGRATIONS = [WorkOrdersInitial1732560000200, WorkOrdersLifecycle1732560000700];
