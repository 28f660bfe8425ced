import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from '@twinline/event-store';

/**
 * Preventive maintenance: the schedules (read model of the `preventive-<scheduleId>` streams, written
 * in the transaction that appends their events; a removed schedule keeps its row and its occurrence
 * count, so that setting it again never numbers an occurrence twice), and the running hours per asset
 * accumulated from validated telemetry.
 */
export class PreventiveInitial1732560001100 implements MigrationInterface {
  name = 'PreventiveInitial1732560001100';
  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`CREATE TABLE IF NOT EXISTS ${s}.preventive_schedules (
      schedule_id text PRIMARY KEY,
      asset_id text NOT NULL,
      title text NOT NULL,
      every_days double precision,
      every_running_hours double precision,
      start_at timestamptz NOT NULL,
      priority text,
      active boolean NOT NULL,
      version int NOT NULL,
      set_event_id text NOT NULL,
      set_by text NOT NULL,
      set_at timestamptz NOT NULL,
      removed_by text,
      removed_at timestamptz,
      last_occurrence int NOT NULL DEFAULT 0,
      last_occurrence_at timestamptz,
      last_occurrence_running_hours double precision,
      last_due_at timestamptz)`);
    await q.query(`CREATE INDEX IF NOT EXISTS preventive_schedules_asset_idx ON ${s}.preventive_schedules (asset_id, schedule_id)`);
    await q.query(`CREATE TABLE IF NOT EXISTS ${s}.running_hours (
      asset_id text PRIMARY KEY,
      running_hours double precision NOT NULL,
      last_reading_at timestamptz,
      state jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now())`);
  }
  async down(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`DROP TABLE IF EXISTS ${s}.running_hours`);
    await q.query(`DROP TABLE IF EXISTS ${s}.preventive_schedules`);
  }
}

/**
 * The source time of the first reading of each asset: with the first work-order event, when the asset
 * is known to be in service (the start of its first time to failure in the reliability figures).
 */
export class RunningHoursFirstReading1732560001200 implements MigrationInterface {
  name = 'RunningHoursFirstReading1732560001200';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ${migrationSchema(q)}.running_hours ADD COLUMN IF NOT EXISTS first_reading_at timestamptz`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ${migrationSchema(q)}.running_hours DROP COLUMN IF EXISTS first_reading_at`);
  }
}

export const PREVENTIVE_MIGRATIONS = [PreventiveInitial1732560001100, RunningHoursFirstReading1732560001200];
