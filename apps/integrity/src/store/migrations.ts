import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from '@twinline/event-store';

/** Integrity's own tables: device sequence state, quarantine, processed raw messages. */
export class IntegrityInitial1732560000000 implements MigrationInterface {
  name = 'IntegrityInitial1732560000000';
  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`CREATE TABLE IF NOT EXISTS ${s}.device_state (
      device_id text PRIMARY KEY,
      last_seq bigint NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE IF NOT EXISTS ${s}.quarantine (
      reading_id text PRIMARY KEY,
      asset_id text NOT NULL,
      device_id text,
      seq bigint,
      ts text,
      received_at timestamptz NOT NULL,
      quarantined_at timestamptz NOT NULL DEFAULT now(),
      rules text[] NOT NULL,
      reasons jsonb NOT NULL,
      payload jsonb,
      message_id text NOT NULL,
      position bigserial NOT NULL)`);
    await q.query(`CREATE INDEX IF NOT EXISTS quarantine_asset_idx ON ${s}.quarantine (asset_id, position)`);
    await q.query(`CREATE TABLE IF NOT EXISTS ${s}.processed_messages (
      message_id text PRIMARY KEY,
      processed_at timestamptz NOT NULL DEFAULT now())`);
  }
  async down(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`DROP TABLE IF EXISTS ${s}.processed_messages, ${s}.quarantine, ${s}.device_state`);
  }
}
