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

/**
 * The registry (assets with class, site, rule overrides and the unsigned flag; devices bound to one
 * asset with their secret), its change log, the device state of the stateful rules, and the review
 * of quarantined readings (pending, released or discarded, by whom and why).
 */
export class IntegrityRegistry1764028800000 implements MigrationInterface {
  name = 'IntegrityRegistry1764028800000';
  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`CREATE TABLE IF NOT EXISTS ${s}.assets (
      asset_id text PRIMARY KEY,
      asset_class text NOT NULL,
      site text NOT NULL,
      accept_unsigned boolean NOT NULL DEFAULT false,
      rules jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      updated_by text NOT NULL)`);
    await q.query(`CREATE TABLE IF NOT EXISTS ${s}.devices (
      device_id text PRIMARY KEY,
      asset_id text NOT NULL REFERENCES ${s}.assets(asset_id),
      secret text NOT NULL,
      enabled boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      updated_by text NOT NULL)`);
    await q.query(`CREATE INDEX IF NOT EXISTS devices_asset_idx ON ${s}.devices (asset_id)`);
    await q.query(`CREATE TABLE IF NOT EXISTS ${s}.registry_changes (
      position bigserial PRIMARY KEY,
      changed_at timestamptz NOT NULL DEFAULT now(),
      actor text NOT NULL,
      kind text NOT NULL,
      subject_id text NOT NULL,
      change jsonb NOT NULL)`);
    await q.query(`ALTER TABLE ${s}.device_state
      ADD COLUMN IF NOT EXISTS last_digest text,
      ADD COLUMN IF NOT EXISTS last_ts_ms bigint,
      ADD COLUMN IF NOT EXISTS metrics jsonb NOT NULL DEFAULT '{}'`);
    await q.query(`ALTER TABLE ${s}.quarantine
      ADD COLUMN IF NOT EXISTS status text NOT NULL DEFAULT 'pending',
      ADD COLUMN IF NOT EXISTS reviewed_by text,
      ADD COLUMN IF NOT EXISTS reviewed_at timestamptz,
      ADD COLUMN IF NOT EXISTS review_note text`);
    await q.query(`CREATE INDEX IF NOT EXISTS quarantine_status_idx ON ${s}.quarantine (status, position)`);
  }
  async down(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`DROP INDEX IF EXISTS ${s}.quarantine_status_idx`);
    await q.query(`ALTER TABLE ${s}.quarantine DROP COLUMN IF EXISTS status, DROP COLUMN IF EXISTS reviewed_by, DROP COLUMN IF EXISTS reviewed_at, DROP COLUMN IF EXISTS review_note`);
    await q.query(`ALTER TABLE ${s}.device_state DROP COLUMN IF EXISTS last_digest, DROP COLUMN IF EXISTS last_ts_ms, DROP COLUMN IF EXISTS metrics`);
    await q.query(`DROP TABLE IF EXISTS ${s}.registry_changes, ${s}.devices, ${s}.assets`);
  }
}

export const INTEGRITY_MIGRATIONS = [IntegrityInitial1732560000000, IntegrityRegistry1764028800000];
