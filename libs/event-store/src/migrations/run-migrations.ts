import { DataSource, type MigrationInterface } from 'typeorm';
import { quoteIdent } from '../sql';
import { eventStoreMigrations } from './event-store.migrations';

/** A TypeORM migration class. Its `name` (or class name) must end in a 13-digit timestamp. */
export type MigrationCtor = new () => MigrationInterface;

export interface RunMigrationsOptions {
  /** Postgres connection string. */
  readonly url: string;
  /** Target schema (created if missing); migrations read it with `migrationSchema(queryRunner)`. */
  readonly schema: string;
  readonly migrations: readonly MigrationCtor[];
  /** Table recording applied migrations, inside `schema`. Default `migrations`. */
  readonly migrationsTableName?: string;
  /** Shown in pg_stat_activity. Default `twinline-migrations`. */
  readonly applicationName?: string;
}

/**
 * Runs the pending migrations into one schema, each in its own transaction, and returns the names
 * of those it applied (none when up to date: running it again is harmless). Processes that start at
 * the same time take turns on an advisory lock per schema, so exactly one of them applies each
 * migration and the others then find nothing to do.
 */
export async function runMigrations(options: RunMigrationsOptions): Promise<string[]> {
  const { url, schema, migrations, migrationsTableName = 'migrations', applicationName = 'twinline-migrations' } = options;
  const quotedSchema = quoteIdent(schema);
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    schema,
    migrationsTableName,
    migrations: [...migrations],
    migrationsTransactionMode: 'each',
    applicationName,
    logging: false,
    extra: { max: 2 },
  });
  await dataSource.initialize();
  // A session-level advisory lock lives on one connection: hold that connection until done.
  const lockHolder = dataSource.createQueryRunner();
  try {
    await lockHolder.connect();
    await lockHolder.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [`twinline.migrations:${schema}`]);
    try {
      // Under the lock: concurrent CREATE SCHEMA IF NOT EXISTS can still fail on pg_namespace.
      await lockHolder.query(`CREATE SCHEMA IF NOT EXISTS ${quotedSchema}`);
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    } finally {
      await lockHolder.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [`twinline.migrations:${schema}`]);
    }
  } finally {
    await lockHolder.release();
    await dataSource.destroy();
  }
}

/** Creates or updates the event store's tables (events, streams, checkpoints) in `schema`. */
export function runEventStoreMigrations(options: { readonly url: string; readonly schema: string }): Promise<string[]> {
  return runMigrations({ ...options, migrations: eventStoreMigrations });
}
