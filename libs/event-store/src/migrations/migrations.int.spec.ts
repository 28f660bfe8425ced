import { createTestSchema, uniqueName, type TestSchema } from '@twinline/testing';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { eventStoreMigrations, migrationSchema } from './event-store.migrations';
import { runEventStoreMigrations, runMigrations } from './run-migrations';

/** A service's own migration, written the way services are meant to write theirs. */
class CreateWorkOrders1764028800001 implements MigrationInterface {
  readonly name = 'CreateWorkOrders1764028800001';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE ${migrationSchema(queryRunner)}."work_orders" (id text PRIMARY KEY)`);
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE ${migrationSchema(queryRunner)}."work_orders"`);
  }
}

describe('event store migrations', () => {
  let db: TestSchema;
  /** Schemas the tests let the migrations create: dropped at the end. */
  const created: string[] = [];

  beforeAll(async () => {
    db = await createTestSchema('es_mig', 4);
  });
  afterAll(async () => {
    for (const schema of created) await db.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.drop();
  });

  async function tables(schema: string): Promise<string[]> {
    const { rows } = await db.pool.query<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
      [schema],
    );
    return rows.map((row) => row.table_name);
  }

  it('creates the tables once: a second run finds nothing to do', async () => {
    expect(await runEventStoreMigrations({ url: db.url, schema: db.schema })).toEqual(['CreateEventStoreTables1764028800000', 'CreateSnapshotsTable1764806400000']);
    expect(await runEventStoreMigrations({ url: db.url, schema: db.schema })).toEqual([]);
    expect(await tables(db.schema)).toEqual(['checkpoints', 'events', 'migrations', 'snapshots', 'streams']);
  });

  it('lets processes that start together migrate a schema that does not exist yet', async () => {
    const schema = uniqueName('es_mig_race');
    created.push(schema);

    const applied = await Promise.all(Array.from({ length: 3 }, () => runEventStoreMigrations({ url: db.url, schema })));

    expect(applied.flat()).toEqual(['CreateEventStoreTables1764028800000', 'CreateSnapshotsTable1764806400000']);
    expect(await tables(schema)).toEqual(['checkpoints', 'events', 'migrations', 'snapshots', 'streams']);
  });

  it("runs a service's migrations together with the event store's", async () => {
    const schema = uniqueName('es_mig_svc');
    created.push(schema);

    const applied = await runMigrations({ url: db.url, schema, migrations: [...eventStoreMigrations, CreateWorkOrders1764028800001] });

    expect(applied).toEqual(['CreateEventStoreTables1764028800000', 'CreateWorkOrders1764028800001', 'CreateSnapshotsTable1764806400000']);
    expect(await tables(schema)).toEqual(['checkpoints', 'events', 'migrations', 'snapshots', 'streams', 'work_orders']);
  });
});
