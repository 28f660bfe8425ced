import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from '@twinline/event-store';

/** The delivery log: one row per notification and channel, and every attempt. */
export class DeliveriesInitial1732560000300 implements MigrationInterface {
  name = 'DeliveriesInitial1732560000300';
  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`CREATE TABLE IF NOT EXISTS ${s}.deliveries (
      delivery_id text PRIMARY KEY,
      event_id text NOT NULL,
      channel text NOT NULL,
      kind text NOT NULL,
      asset_id text NOT NULL,
      subject text NOT NULL,
      body jsonb NOT NULL,
      target text,
      status text NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      lease_until timestamptz,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      delivered_at timestamptz,
      position bigserial NOT NULL,
      UNIQUE (event_id, channel))`);
    await q.query(`CREATE INDEX IF NOT EXISTS deliveries_due_idx ON ${s}.deliveries (next_attempt_at) WHERE status IN ('PENDING', 'SENDING')`);
    await q.query(`CREATE TABLE IF NOT EXISTS ${s}.delivery_attempts (
      delivery_id text NOT NULL REFERENCES ${s}.deliveries (delivery_id),
      attempt integer NOT NULL,
      at timestamptz NOT NULL DEFAULT now(),
      ok boolean NOT NULL,
      status_code integer,
      error text,
      duration_ms integer NOT NULL,
      PRIMARY KEY (delivery_id, attempt))`);
  }
  async down(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`DROP TABLE IF EXISTS ${s}.delivery_attempts, ${s}.deliveries`);
  }
}

/** Deliveries remember the trace of the event they announce, so the webhook call continues it. */
export class DeliveriesTraceparent1732560000400 implements MigrationInterface {
  name = 'DeliveriesTraceparent1732560000400';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ${migrationSchema(q)}.deliveries ADD COLUMN IF NOT EXISTS traceparent text`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ${migrationSchema(q)}.deliveries DROP COLUMN IF EXISTS traceparent`);
  }
}

/**
 * Dead letters an admin can retry: who retried last and when, the attempt count at that retry (the
 * retry policy counts afresh from there), and every retry in `delivery_retries`.
 */
export class DeliveriesRetry1732560000500 implements MigrationInterface {
  name = 'DeliveriesRetry1732560000500';
  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`ALTER TABLE ${s}.deliveries ADD COLUMN IF NOT EXISTS retried_by text, ADD COLUMN IF NOT EXISTS retried_at timestamptz, ADD COLUMN IF NOT EXISTS retry_base_attempts integer NOT NULL DEFAULT 0`);
    await q.query(`CREATE TABLE IF NOT EXISTS ${s}.delivery_retries (
      delivery_id text NOT NULL REFERENCES ${s}.deliveries (delivery_id),
      after_attempt integer NOT NULL,
      by text NOT NULL,
      at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (delivery_id, after_attempt))`);
  }
  async down(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`DROP TABLE IF EXISTS ${s}.delivery_retries`);
    await q.query(`ALTER TABLE ${s}.deliveries DROP COLUMN IF EXISTS retried_by, DROP COLUMN IF EXISTS retried_at, DROP COLUMN IF EXISTS retry_base_attempts`);
  }
}

/**
 * Rate limits and de-duplication: a held-back delivery (status SUPPRESSED) keeps why, until when its
 * window runs (held_until), and the digest delivery that named it once the window ended (digest_id).
 */
export class DeliveriesThrottle1732560000600 implements MigrationInterface {
  name = 'DeliveriesThrottle1732560000600';
  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`ALTER TABLE ${s}.deliveries ADD COLUMN IF NOT EXISTS suppressed_reason text, ADD COLUMN IF NOT EXISTS held_until timestamptz, ADD COLUMN IF NOT EXISTS digest_id text`);
    await q.query(`CREATE INDEX IF NOT EXISTS deliveries_recent_idx ON ${s}.deliveries (asset_id, channel, created_at)`);
    await q.query(`CREATE INDEX IF NOT EXISTS deliveries_held_idx ON ${s}.deliveries (held_until) WHERE status = 'SUPPRESSED' AND digest_id IS NULL`);
  }
  async down(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`DROP INDEX IF EXISTS ${s}.deliveries_held_idx`);
    await q.query(`DROP INDEX IF EXISTS ${s}.deliveries_recent_idx`);
    await q.query(`ALTER TABLE ${s}.deliveries DROP COLUMN IF EXISTS suppressed_reason, DROP COLUMN IF EXISTS held_until, DROP COLUMN IF EXISTS digest_id`);
  }
}

/**
 * Routing and escalation: a delivery names its recipient (null without NOTIFY_ROUTES), one per event,
 * recipient and channel; `escalations` keeps every escalation of an unacknowledged alarm (it survives a
 * restart), `alarm_stops` the first acknowledgement or clearing of each alarm (one that arrives before
 * its alarm's escalation still stops it).
 */
export class DeliveriesRouting1732560000700 implements MigrationInterface {
  name = 'DeliveriesRouting1732560000700';
  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`ALTER TABLE ${s}.deliveries ADD COLUMN IF NOT EXISTS recipient text`);
    await q.query(`ALTER TABLE ${s}.deliveries DROP CONSTRAINT IF EXISTS deliveries_event_id_channel_key`);
    await q.query(`CREATE UNIQUE INDEX IF NOT EXISTS deliveries_event_recipient_channel_key ON ${s}.deliveries (event_id, channel, COALESCE(recipient, ''))`);
    await q.query(`CREATE INDEX IF NOT EXISTS deliveries_recipient_idx ON ${s}.deliveries (recipient, position) WHERE recipient IS NOT NULL`);
    await q.query(`CREATE TABLE IF NOT EXISTS ${s}.escalations (
      escalation_id text PRIMARY KEY,
      event_id text NOT NULL,
      asset_id text NOT NULL,
      alarm_id text NOT NULL,
      rule text NOT NULL,
      subject text NOT NULL,
      body jsonb NOT NULL,
      traceparent text,
      after_ms jsonb NOT NULL,
      levels jsonb NOT NULL,
      level integer NOT NULL DEFAULT 0,
      started_at timestamptz NOT NULL DEFAULT now(),
      next_at timestamptz,
      escalated_at timestamptz,
      stopped_at timestamptz,
      stop_reason text,
      position bigserial NOT NULL)`);
    await q.query(`CREATE INDEX IF NOT EXISTS escalations_due_idx ON ${s}.escalations (next_at) WHERE next_at IS NOT NULL`);
    await q.query(`CREATE INDEX IF NOT EXISTS escalations_alarm_idx ON ${s}.escalations (asset_id, alarm_id)`);
    await q.query(`CREATE TABLE IF NOT EXISTS ${s}.alarm_stops (
      asset_id text NOT NULL,
      alarm_id text NOT NULL,
      event_id text NOT NULL,
      reason text NOT NULL,
      at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (asset_id, alarm_id))`);
  }
  async down(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`DROP TABLE IF EXISTS ${s}.alarm_stops, ${s}.escalations`);
    await q.query(`DROP INDEX IF EXISTS ${s}.deliveries_recipient_idx`);
    await q.query(`DROP INDEX IF EXISTS ${s}.deliveries_event_recipient_channel_key`);
    await q.query(`ALTER TABLE ${s}.deliveries DROP COLUMN IF EXISTS recipient`);
    await q.query(`ALTER TABLE ${s}.deliveries ADD CONSTRAINT deliveries_event_id_channel_key UNIQUE (event_id, channel)`);
  }
}

/**
 * `alarm_stops.liftable`: a stop that ends (a shelve, lifted by its unshelve) rather than one for good
 * (acknowledged, cleared, out of service); a stop for good replaces a liftable one.
 */
export class DeliveriesLiftableStops1732560000800 implements MigrationInterface {
  name = 'DeliveriesLiftableStops1732560000800';
  async up(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`ALTER TABLE ${s}.alarm_stops ADD COLUMN IF NOT EXISTS liftable boolean NOT NULL DEFAULT false`);
  }
  async down(q: QueryRunner): Promise<void> {
    const s = migrationSchema(q);
    await q.query(`ALTER TABLE ${s}.alarm_stops DROP COLUMN IF EXISTS liftable`);
  }
}

/** Every migration of the notification service, in order. */
export const NOTIFICATION_MIGRATIONS = [
  DeliveriesInitial1732560000300,
  DeliveriesTraceparent1732560000400,
  DeliveriesRetry1732560000500,
  DeliveriesThrottle1732560000600,
  DeliveriesRouting1732560000700,
  DeliveriesLiftableStops1732560000800,
];
