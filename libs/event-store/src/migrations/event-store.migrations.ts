import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteIdent } from '../sql';
import type { MigrationCtor } from './run-migrations';

/** Constraint names the store maps errors from (unique per table, so per schema). */
export const CONSTRAINTS = {
  eventId: 'events_event_id_key',
  streamVersion: 'events_stream_version_key',
  streamsKey: 'streams_pkey',
} as const;

/**
 * The quoted target schema of a migration: the DataSource's `schema` option (set by runMigrations).
 * Services use it in their own migrations too, so one migration class serves every schema.
 */
export function migrationSchema(queryRunner: QueryRunner): string {
  const schema = (queryRunner.connection.options as { schema?: string }).schema;
  if (!schema) throw new Error('migration: the DataSource has no `schema` option; run migrations with runMigrations({ url, schema, migrations })');
  return quoteIdent(schema);
}

export class CreateEventStoreTables1764028800000 implements MigrationInterface {
  readonly name = 'CreateEventStoreTables1764028800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = migrationSchema(queryRunner);
    await queryRunner.query(`
      CREATE TABLE ${schema}."events" (
        position       bigserial PRIMARY KEY,
        -- The writing transaction: readAll reads only below the oldest running one (never skips).
        transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        stream_id      text NOT NULL,
        stream_version int NOT NULL CHECK (stream_version > 0),
        event_id       text NOT NULL,
        type           text NOT NULL,
        schema_version int NOT NULL,
        occurred_at    timestamptz NOT NULL,
        recorded_at    timestamptz NOT NULL DEFAULT now(),
        data           jsonb NOT NULL,
        metadata       jsonb NOT NULL,
        prev_hash      text NOT NULL,
        hash           text NOT NULL,
        CONSTRAINT ${CONSTRAINTS.eventId} UNIQUE (event_id),
        CONSTRAINT ${CONSTRAINTS.streamVersion} UNIQUE (stream_id, stream_version)
      )`);
    await queryRunner.query(`CREATE INDEX events_transaction_position_idx ON ${schema}."events" (transaction_id, position)`);
    await queryRunner.query(`
      CREATE TABLE ${schema}."streams" (
        stream_id text NOT NULL,
        version   int NOT NULL,
        last_hash text NOT NULL,
        CONSTRAINT ${CONSTRAINTS.streamsKey} PRIMARY KEY (stream_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE ${schema}."checkpoints" (
        name       text PRIMARY KEY,
        position   bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = migrationSchema(queryRunner);
    await queryRunner.query(`DROP TABLE ${schema}."checkpoints", ${schema}."streams", ${schema}."events"`);
  }
}

/**
 * Snapshots of aggregates (see SnapshotStore): the latest state of a stream at a version, with the
 * version of the state's shape it was written in. A cache: dropping every row loses nothing.
 */
export class CreateSnapshotsTable1764806400000 implements MigrationInterface {
  readonly name = 'CreateSnapshotsTable1764806400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = migrationSchema(queryRunner);
    await queryRunner.query(`
      CREATE TABLE ${schema}."snapshots" (
        stream_id      text PRIMARY KEY,
        stream_version int NOT NULL CHECK (stream_version > 0),
        -- Version of the state's shape (and of the fold that made it): another version is ignored.
        state_version  int NOT NULL,
        state          jsonb NOT NULL,
        taken_at       timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE ${migrationSchema(queryRunner)}."snapshots"`);
  }
}

/** The event store's migrations, in order: combine them with a service's own in runMigrations. */
export const eventStoreMigrations: readonly MigrationCtor[] = [CreateEventStoreTables1764028800000, CreateSnapshotsTable1764806400000];
