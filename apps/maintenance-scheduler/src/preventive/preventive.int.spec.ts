import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { topology, type FieldError, type Role, type ValidatedTelemetry } from '@twinline/contracts';
import { EVENT_STORE, eventStoreMigrations, PostgresEventStore, runMigrations, type EventStore } from '@twinline/event-store';
import { deleteStreams, Messaging, type Delivery } from '@twinline/messaging';
import { authProviders, createServiceApp, eventStoreProviders, issueToken, PG_POOL, TOPOLOGY } from '@twinline/service-kit';
import { createTestSchema, uniqueName, waitFor, type TestSchema } from '@twinline/testing';
import { WorkOrderRepository } from '../commands/work-order-commands';
import { workOrderStreamId } from '../streams';
import { openDuePreventive, PREVENTIVE_ACTOR, PREVENTIVE_CONTROLLERS, PREVENTIVE_MIGRATIONS, PreventiveStore, preventiveProviders, preventiveStreamId, type PreventiveScheduleView } from './index';
import { accumulateReadings } from './running-hours';

/** A schedule, a list of them, or problem details. */
type Answer = Partial<PreventiveScheduleView> & { items: PreventiveScheduleView[]; code?: string; detail?: string; errors?: FieldError[] };

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const SECRET = 'a-preventive-test-secret-of-32-characters';
const DAY_MS = 24 * 3_600_000;
const token = (role: Role, sub = 'pat') => issueToken({ sub, roles: [role], ttlSeconds: 3600, nowSeconds: Math.floor(Date.now() / 1000) }, SECRET);

/** Validated telemetry of one asset: a reading every 5 minutes from `start`, `count` of them. */
function telemetry(assetId: string, start: number, count: number, eventId: string): ValidatedTelemetry {
  const readings = Array.from({ length: count }, (_, i) => {
    const ts = new Date(start + i * 300_000).toISOString();
    return { readingId: `${eventId}-${i}`, deviceId: `D-${assetId}`, assetId, seq: i, ts, receivedAt: ts, metrics: { temperatureC: 60 } };
  });
  return { type: 'TelemetryValidated', schemaVersion: 1, eventId, occurredAt: readings[readings.length - 1]!.ts, assetId, correlationId: eventId, causationId: null, readings };
}
const delivery = (data: ValidatedTelemetry, seq: number): Delivery<ValidatedTelemetry> => ({ data, subject: `telemetry.validated.${data.assetId}`, streamSeq: seq, deliveryCount: 1, headers: undefined, traceContext: ROOT_CONTEXT });

describe('preventive schedules, the preventive timer and running hours (Postgres, NATS)', () => {
  const t = topology(uniqueName('prevent'));
  let db: TestSchema;
  let bus: Messaging;
  let app: NestFastifyApplication;
  let store: PostgresEventStore;

  const call = async (method: 'GET' | 'PUT' | 'DELETE', url: string, o: { role?: Role; sub?: string; body?: unknown } = {}) => {
    const r = await app.inject({ method, url, headers: { authorization: `Bearer ${token(o.role ?? 'planner', o.sub)}` }, ...(o.body !== undefined ? { payload: o.body as Record<string, unknown> } : {}) });
    return { status: r.statusCode, body: JSON.parse(r.body) as Answer };
  };
  const opened = async (assetId: string) => (await store.readStream(workOrderStreamId(assetId))).filter((e) => e.type === 'WorkOrderOpened');

  beforeAll(async () => {
    db = await createTestSchema('preventive');
    await runMigrations({ url: db.url, schema: db.schema, migrations: [...eventStoreMigrations, ...PREVENTIVE_MIGRATIONS] });
    store = new PostgresEventStore(db.pool, { schema: db.schema });
    bus = await Messaging.connect({ url: NATS_URL, name: 'preventive-int', topology: t });
    @Module({
      controllers: PREVENTIVE_CONTROLLERS,
      providers: [
        ...authProviders(SECRET),
        { provide: PG_POOL, useValue: db.pool },
        { provide: TOPOLOGY, useValue: t },
        { provide: Messaging, useValue: bus },
        ...eventStoreProviders(db.schema),
        { provide: WorkOrderRepository, inject: [EVENT_STORE], useFactory: (events: EventStore) => new WorkOrderRepository(events) },
        ...preventiveProviders(db.schema, { PREVENTIVE_POLL_SECONDS: 1 }),
      ],
    })
    class TestModule {}
    app = await createServiceApp({ name: 'preventive-test', module: TestModule });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    if (bus) {
      await deleteStreams(bus.jsm, t);
      await bus.close();
    }
    await db?.drop();
  });

  describe('the schedule API', () => {
    const body = { assetId: 'P-1', title: 'Replace the seals', everyDays: 90, startAt: '2099-01-01T00:00:00Z' };

    it('sets a schedule as a planner, attributed in its event stream, and lists it', async () => {
      const put = await call('PUT', '/v1/preventive-schedules/SEALS-1', { body, sub: 'pat' });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ scheduleId: 'SEALS-1', assetId: 'P-1', title: 'Replace the seals', everyDays: 90, everyRunningHours: null, startAt: '2099-01-01T00:00:00.000Z', priority: null, active: true, version: 1, setBy: 'user:pat', lastOccurrence: 0, runningHours: 0 });
      // The same schedule again changes nothing and records nothing.
      expect((await call('PUT', '/v1/preventive-schedules/SEALS-1', { body, sub: 'quinn' })).body).toMatchObject({ version: 1, setBy: 'user:pat' });
      const changed = await call('PUT', '/v1/preventive-schedules/SEALS-1', { body: { ...body, everyDays: 60, priority: 'P2', startAt: undefined }, sub: 'quinn' });
      // Without startAt a change keeps the schedule's start.
      expect(changed.body).toMatchObject({ version: 2, everyDays: 60, priority: 'P2', startAt: '2099-01-01T00:00:00.000Z', setBy: 'user:quinn' });

      const events = await store.readStream(preventiveStreamId('SEALS-1'));
      expect(events.map((e) => [e.type, e.metadata.actor, e.data.by, e.data.everyDays])).toEqual([
        ['PreventiveScheduleSet', 'user:pat', 'user:pat', 90],
        ['PreventiveScheduleSet', 'user:quinn', 'user:quinn', 60],
      ]);

      await call('PUT', '/v1/preventive-schedules/HOURS-1', { body: { assetId: 'P-2', title: 'Oil change', everyRunningHours: 500 } });
      const all = await call('GET', '/v1/preventive-schedules', { role: 'operator' });
      expect(all.body.items.map((s) => s.scheduleId)).toEqual(['HOURS-1', 'SEALS-1']);
      const mine = await call('GET', '/v1/preventive-schedules?assetId=P-2', { role: 'auditor' });
      expect(mine.body.items).toEqual([expect.objectContaining({ scheduleId: 'HOURS-1', everyRunningHours: 500, everyDays: null })]);
      expect((await call('GET', '/v1/preventive-schedules/HOURS-1', { role: 'auditor' })).body).toMatchObject({ scheduleId: 'HOURS-1', assetId: 'P-2' });
    });

    it('removes a schedule as a planner: attributed, no longer listed, kept in its stream', async () => {
      await call('PUT', '/v1/preventive-schedules/GONE-1', { body: { ...body, assetId: 'P-3' } });
      const removed = await call('DELETE', '/v1/preventive-schedules/GONE-1', { sub: 'rae' });
      expect(removed).toMatchObject({ status: 200, body: { scheduleId: 'GONE-1', active: false, removedBy: 'user:rae', version: 2 } });
      expect((await call('GET', '/v1/preventive-schedules?assetId=P-3')).body.items).toEqual([]);
      expect((await call('GET', '/v1/preventive-schedules?assetId=P-3&includeRemoved=true')).body.items).toHaveLength(1);
      expect((await call('DELETE', '/v1/preventive-schedules/GONE-1')).status).toBe(404);
      expect((await store.readStream(preventiveStreamId('GONE-1'))).map((e) => [e.type, e.metadata.actor])).toEqual([
        ['PreventiveScheduleSet', 'user:pat'],
        ['PreventiveScheduleRemoved', 'user:rae'],
      ]);
    });

    it.each<[string, string, unknown]>([
      ['no interval', 'everyDays', { assetId: 'P-1', title: 'x' }],
      ['both intervals', 'everyRunningHours', { assetId: 'P-1', title: 'x', everyDays: 1, everyRunningHours: 10 }],
      ['a zero interval', 'everyDays', { assetId: 'P-1', title: 'x', everyDays: 0 }],
      ['a negative running-hours interval', 'everyRunningHours', { assetId: 'P-1', title: 'x', everyRunningHours: -5 }],
      ['a text interval', 'everyDays', { assetId: 'P-1', title: 'x', everyDays: 'weekly' }],
      ['an empty title', 'title', { assetId: 'P-1', title: ' ', everyDays: 1 }],
      ['no asset', 'assetId', { title: 'x', everyDays: 1 }],
      ['a bad start', 'startAt', { assetId: 'P-1', title: 'x', everyDays: 1, startAt: 'next monday' }],
      ['an unknown priority', 'priority', { assetId: 'P-1', title: 'x', everyDays: 1, priority: 'P9' }],
    ])('answers %s with 400 naming %s', async (_what, field, invalid) => {
      const r = await call('PUT', '/v1/preventive-schedules/BAD-1', { body: invalid });
      expect(r.status).toBe(400);
      expect(r.body.errors?.map((e) => e.field)).toContain(field);
      expect(r.body.detail).toContain(field);
      expect(await store.streamVersion(preventiveStreamId('BAD-1'))).toBe(0);
    });

    it('answers a bad schedule id with 400, a move to another asset with 409, other roles with 403', async () => {
      expect((await call('PUT', '/v1/preventive-schedules/bad%20id', { body })).body.errors).toEqual([expect.objectContaining({ field: 'scheduleId' })]);
      const moved = await call('PUT', '/v1/preventive-schedules/SEALS-1', { body: { ...body, assetId: 'P-9' } });
      expect(moved).toMatchObject({ status: 409, body: { code: 'PREVENTIVE.ASSET_CHANGE' } });
      for (const role of ['operator', 'auditor'] as const) {
        expect((await call('PUT', '/v1/preventive-schedules/SEALS-1', { role, body })).status).toBe(403);
        expect((await call('DELETE', '/v1/preventive-schedules/SEALS-1', { role })).status).toBe(403);
      }
      expect((await call('GET', '/v1/preventive-schedules/NOPE-1', { role: 'operator' })).status).toBe(404);
    });
  });

  describe('the timer', () => {
    it('opens a calendar-due order exactly once, however often it runs', async () => {
      // Starts now: opened at the start of its period, occurrence 1 is due 7 days later.
      const startAt = new Date(Date.now()).toISOString();
      await call('PUT', '/v1/preventive-schedules/CAL-1', { body: { assetId: 'P-7', title: 'Monthly inspection', everyDays: 30, startAt, priority: 'P3' }, sub: 'pat' });
      // The runtime's timer (every second) opens occurrence 1.
      const [order] = await waitFor(() => opened('P-7'), { accept: (events) => events.length > 0, what: 'the preventive order of CAL-1' });
      expect(order).toMatchObject({
        eventId: 'preventive:CAL-1:1:WorkOrderOpened',
        data: { assetId: 'P-7', type: 'preventive', scheduleId: 'CAL-1', occurrence: 1, priority: 'P3', dueAt: new Date(Date.parse(startAt) + 7 * DAY_MS).toISOString() },
        metadata: { actor: PREVENTIVE_ACTOR, correlationId: 'preventive:CAL-1:1', command: { type: 'OpenPreventive', data: { scheduleId: 'CAL-1', occurrence: 1 } } },
      });
      const deps = { store, orders: new WorkOrderRepository(store), schedules: new PreventiveStore(db.pool, db.schema) };
      await waitFor(async () => (await deps.schedules.get('CAL-1'))?.lastOccurrence === 1, { what: 'occurrence 1 recorded' });

      // Run twice more, also at once, and once after losing the record of the occurrence (a crash
      // between the append and the record): nothing more is opened.
      const runs = await Promise.all([openDuePreventive(deps), openDuePreventive(deps)]);
      expect(runs.map((r) => r.opened)).toEqual([0, 0]);
      await db.pool.query(`UPDATE "${db.schema}".preventive_schedules SET last_occurrence = 0 WHERE schedule_id = 'CAL-1'`);
      const again = await openDuePreventive({ ...deps, orders: new WorkOrderRepository(store) });
      expect(again).toMatchObject({ opened: 0 });
      expect(await opened('P-7')).toHaveLength(1);
      await waitFor(async () => (await deps.schedules.get('CAL-1'))?.lastOccurrence === 1, { what: 'occurrence 1 recorded again' });
      expect((await deps.schedules.get('CAL-1'))!.lastDueAt).toBe(order!.data.dueAt);

      // Its calendar numbers the occurrences: once one opened, it cannot change; the rest can.
      const regrid = await call('PUT', '/v1/preventive-schedules/CAL-1', { body: { assetId: 'P-7', title: 'Monthly inspection', everyDays: 10, priority: 'P3' } });
      expect(regrid).toMatchObject({ status: 409, body: { code: 'PREVENTIVE.CALENDAR_CHANGE', errors: [{ field: 'everyDays' }] } });
      const restart = await call('PUT', '/v1/preventive-schedules/CAL-1', { body: { assetId: 'P-7', title: 'Monthly inspection', everyDays: 30, startAt: new Date().toISOString() } });
      expect(restart).toMatchObject({ status: 409, body: { errors: [{ field: 'startAt' }] } });
      const renamed = await call('PUT', '/v1/preventive-schedules/CAL-1', { body: { assetId: 'P-7', title: 'Monthly pump inspection', everyDays: 30, priority: 'P3' } });
      expect(renamed).toMatchObject({ status: 200, body: { title: 'Monthly pump inspection', version: 2, lastOccurrence: 1 } });
    });

    it('opens nothing before startAt', async () => {
      await call('PUT', '/v1/preventive-schedules/LATER-1', { body: { assetId: 'P-6', title: 'Later', everyDays: 1, startAt: new Date(Date.now() + 30 * DAY_MS).toISOString() } });
      const schedules = new PreventiveStore(db.pool, db.schema);
      expect(await openDuePreventive({ store, orders: new WorkOrderRepository(store), schedules })).toMatchObject({ failed: 0 });
      expect(await opened('P-6')).toEqual([]);
    });
  });

  describe('running hours', () => {
    it('counts each reading once, also when a batch is delivered again', async () => {
      const schedules = new PreventiveStore(db.pool, db.schema);
      const start = Date.parse('2024-03-01T00:00:00Z');
      // 25 readings 5 minutes apart: 2 hours running.
      const batch = [delivery(telemetry('P-5', start, 13, 'T-1'), 1), delivery(telemetry('P-5', start + 13 * 300_000, 12, 'T-2'), 2)];
      expect(await accumulateReadings(batch, schedules)).toBe(1);
      expect(await accumulateReadings(batch, schedules)).toBe(0);
      expect(await accumulateReadings(batch.slice(1), schedules)).toBe(0);
      expect((await schedules.runningHours(['P-5'])).get('P-5')).toBeCloseTo(2, 9);
      // The first reading is kept (the reliability figures count the asset in service from it).
      const first = await db.pool.query(`SELECT first_reading_at FROM "${db.schema}".running_hours WHERE asset_id = 'P-5'`);
      expect(new Date(first.rows[0].first_reading_at).toISOString()).toBe('2024-03-01T00:00:00.000Z');
    });

    it('accumulates validated telemetry from JetStream and opens a running-hours order when they are due', async () => {
      const start = Date.parse('2024-03-01T00:00:00Z');
      const message = telemetry('P-8', start, 25, 'T-8');
      await bus.publish({ subject: t.validatedTelemetry('P-8'), payload: message, msgId: 'T-8' });
      // The same message published again under another id: handled, but counted once.
      await bus.publish({ subject: t.validatedTelemetry('P-8'), payload: message, msgId: 'T-8-again' });
      await bus.publish({ subject: t.validatedTelemetry('P-8'), payload: telemetry('P-8', start + 25 * 300_000, 1, 'T-9'), msgId: 'T-9' });
      const schedules = new PreventiveStore(db.pool, db.schema);
      await waitFor(async () => (await schedules.runningHours(['P-8'])).get('P-8'), { accept: (h) => h !== undefined && h > 2, what: 'the running hours of P-8' });
      expect((await schedules.runningHours(['P-8'])).get('P-8')).toBeCloseTo(25 / 12, 9);

      await call('PUT', '/v1/preventive-schedules/RUN-1', { body: { assetId: 'P-8', title: 'Oil change', everyRunningHours: 2, startAt: '2024-01-01T00:00:00Z' } });
      const [order] = await waitFor(() => opened('P-8'), { accept: (events) => events.length > 0, what: 'the running-hours order of RUN-1' });
      expect(order).toMatchObject({ eventId: 'preventive:RUN-1:1:WorkOrderOpened', data: { scheduleId: 'RUN-1', occurrence: 1, type: 'preventive' } });
      const listed = await waitFor(async () => (await call('GET', '/v1/preventive-schedules?assetId=P-8', { role: 'operator' })).body.items[0], { accept: (s) => s?.lastOccurrence === 1, what: 'RUN-1 listed with its occurrence' });
      expect(listed!.runningHours).toBeCloseTo(25 / 12, 9);
      expect(listed!.lastOccurrenceRunningHours).toBeCloseTo(25 / 12, 9);
      expect(listed!.runningHoursAsOf).toBe(new Date(start + 25 * 300_000).toISOString());
    });
  });
});
