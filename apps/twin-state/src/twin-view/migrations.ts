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

/**
 * What integrity tells the twin: an open sensor fault, the last security alert and the count of
 * quarantined readings, as columns (they are in `state` too) so blind twins can be found in SQL.
 */
export class TwinViewQuarantine1764028800100 implements MigrationInterface {
  name = 'TwinViewQuarantine1764028800100';
  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`ALTER TABLE ${s}.twin_view
      ADD COLUMN IF NOT EXISTS sensor_fault jsonb,
      ADD COLUMN IF NOT EXISTS last_security_violation jsonb,
      ADD COLUMN IF NOT EXISTS readings_quarantined integer NOT NULL DEFAULT 0`);
    await q.query(`CREATE INDEX IF NOT EXISTS twin_view_sensor_fault_idx ON ${s}.twin_view (asset_id) WHERE sensor_fault IS NOT NULL`);
  }
  async down(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`DROP INDEX IF EXISTS ${s}.twin_view_sensor_fault_idx`);
    await q.query(`ALTER TABLE ${s}.twin_view DROP COLUMN IF EXISTS sensor_fault, DROP COLUMN IF EXISTS last_security_violation, DROP COLUMN IF EXISTS readings_quarantined`);
  }
}

/** Twins with an active alarm (GET /v1/alarms), found without reading every row. */
export class TwinViewActiveAlarms1764115200100 implements MigrationInterface {
  name = 'TwinViewActiveAlarms1764115200100';
  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`CREATE INDEX IF NOT EXISTS twin_view_active_alarm_idx ON ${s}.twin_view (asset_id) WHERE jsonb_typeof(state->'activeAlarm') = 'object'`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS ${migrationSchema(q)}.twin_view_active_alarm_idx`);
  }
}

/**
 * The ISA-18.2 alarm lifecycle (twin state version 3): a twin holds one alarm record per cause
 * (`alarms`), shelved causes (`shelves`) and causes out of service (`outOfService`) instead of one
 * `activeAlarm`. Rows written before it are dropped and the twin-view checkpoint goes back to 0, so
 * the projection folds those twins again from their events by the new rules when the service
 * starts (a row is a fold of its stream; folding an old row forward would keep the old shape).
 * The partial index now covers the twins with an alarm record, a shelve or a cause out of service
 * (GET /v1/alarms, the alarm timer).
 */
export class TwinViewAlarmLifecycle1764140400000 implements MigrationInterface {
  name = 'TwinViewAlarmLifecycle1764140400000';
  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    const [old] = (await q.query(`SELECT count(*)::int AS n FROM ${s}.twin_view WHERE NOT (state ? 'alarms')`)) as Array<{ n: number }>;
    if ((old?.n ?? 0) > 0) {
      await q.query(`DELETE FROM ${s}.twin_view WHERE NOT (state ? 'alarms')`);
      const [checkpoints] = (await q.query(`SELECT to_regclass('${s}.checkpoints') IS NOT NULL AS present`)) as Array<{ present: boolean }>;
      if (checkpoints?.present) await q.query(`UPDATE ${s}.checkpoints SET position = 0, updated_at = now() WHERE name = 'twin-view'`);
    }
    await q.query(`DROP INDEX IF EXISTS ${s}.twin_view_active_alarm_idx`);
    await q.query(
      `CREATE INDEX IF NOT EXISTS twin_view_alarms_idx ON ${s}.twin_view (asset_id) WHERE state->'alarms' <> '{}'::jsonb OR state->'shelves' <> '{}'::jsonb OR state->'outOfService' <> '{}'::jsonb`,
    );
  }
  async down(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`DROP INDEX IF EXISTS ${s}.twin_view_alarms_idx`);
    await q.query(`CREATE INDEX IF NOT EXISTS twin_view_active_alarm_idx ON ${s}.twin_view (asset_id) WHERE jsonb_typeof(state->'activeAlarm') = 'object'`);
  }
}

/** twin-state's read-model migrations, in order. */
export const TWIN_VIEW_MIGRATIONS = [TwinViewInitial1732560000100, TwinViewQuarantine1764028800100, TwinViewActiveAlarms1764115200100, TwinViewAlarmLifecycle1764140400000];
