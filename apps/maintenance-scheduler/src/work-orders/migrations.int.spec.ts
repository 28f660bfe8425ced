import { eventStoreMigrations, runMigrations } from '@twinline/event-store';
import { createTestSchema, type TestSchema } from '@twinline/testing';
import { WORK_ORDERS_MIGRATIONS, WorkOrdersInitial1732560000200 } from './migrations';
import { WorkOrdersProjection } from './work-orders.projection';

describe('work_orders migrations (Postgres)', () => {
  let db: TestSchema;

  beforeAll(async () => {
    db = await createTestSchema('womigrate');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('turns the OPEN work orders of the alarm-only scheduler into REQUESTED corrective ones, keeping their alarms', async () => {
    await runMigrations({ url: db.url, schema: db.schema, migrations: [...eventStoreMigrations, WorkOrdersInitial1732560000200] });
    await db.pool.query(
      `INSERT INTO "${db.schema}".work_orders (work_order_id, asset_id, cause, priority, status, title, alarm_ids, opened_at, updated_at)
       VALUES ('WO-P-101-0001', 'P-101', 'THRESHOLD_EXCEEDED', 'P2', 'OPEN', 'P-101: hot', '["ALM-1","ALM-2"]', '2024-01-01T03:00:00Z', '2024-01-01T07:00:01Z')`,
    );
    await runMigrations({ url: db.url, schema: db.schema, migrations: [...eventStoreMigrations, ...WORK_ORDERS_MIGRATIONS] });
    const [row] = await new WorkOrdersProjection(db.pool, db.schema).list({ limit: 10 });
    expect(row).toMatchObject({
      workOrderId: 'WO-P-101-0001',
      status: 'REQUESTED',
      type: 'corrective',
      alarmIds: ['ALM-1', 'ALM-2'],
      predictionIds: [],
      dueAt: null,
      firstWarningAt: '2024-01-01T03:00:00.000Z',
      approvedBy: null,
      parts: null,
    });
    expect(await new WorkOrdersProjection(db.pool, db.schema).countByStatus()).toEqual(new Map([['REQUESTED', 1]]));
  });
});
