import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from '@twinline/event-store';

/**
 * Read model of twin-state: the alarm log, one row per alarm event of the twins (raised,
 * re-announced, acknowledged, cleared, shelved, unshelved, out of / back in service, severity
 * changed), kept by the alarm-log projection. The alarm KPIs (GET /v1/alarm-kpis) read its raises.
 * No site column: the site comes from the asset directory when the KPIs are asked for (see
 * alarm-log.projection.ts).
 */
export class AlarmLogInitial1764140400100 implements MigrationInterface {
  name = 'AlarmLogInitial1764140400100';
  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`CREATE TABLE IF NOT EXISTS ${s}.alarm_log (
      event_id text PRIMARY KEY,
      position bigint NOT NULL,
      asset_id text NOT NULL,
      kind text NOT NULL,
      alarm_id text,
      cause text,
      severity text,
      shelved boolean NOT NULL DEFAULT false,
      actor text,
      at timestamptz NOT NULL,
      recorded_at timestamptz NOT NULL,
      data jsonb NOT NULL)`);
    await q.query(`CREATE INDEX IF NOT EXISTS alarm_log_raises_idx ON ${s}.alarm_log (at) WHERE kind IN ('raised', 'reannounced')`);
    await q.query(`CREATE INDEX IF NOT EXISTS alarm_log_asset_idx ON ${s}.alarm_log (asset_id, at)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS ${migrationSchema(q)}.alarm_log`);
  }
}

/** The alarm log's migrations, in order (run after the twin view's). */
export const ALARM_LOG_MIGRATIONS = [AlarmLogInitial1764140400100];
