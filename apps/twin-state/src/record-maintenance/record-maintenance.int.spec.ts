import { topology, type PublishedEvent } from '@twinline/contracts';
import { eventStoreMigrations, PostgresEventStore, runMigrations } from '@twinline/event-store';
import { decodeJson, deleteStreams, Messaging, type RunningConsumer } from '@twinline/messaging';
import { createTestSchema, uniqueName, waitFor, type TestSchema } from '@twinline/testing';
import { TwinRepository } from '../apply-readings/twin-repository';
import { twinStreamId } from '../streams';
import { at, completedEvent } from './maintenance-event.fixture';
import { consumeCompletedMaintenance, MAINTENANCE_DURABLE } from './record-maintenance.handler';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

describe('the completed-maintenance consumer on a real JetStream and Postgres', () => {
  const t = topology(uniqueName('twinmaint'));
  let bus: Messaging;
  let db: TestSchema;
  let store: PostgresEventStore;
  let consumer: RunningConsumer | undefined;

  const start = async () => {
    consumer = await consumeCompletedMaintenance(bus, t, { store, twins: new TwinRepository(store), actor: 'service:twin-state' });
    return consumer;
  };
  const publish = (event: PublishedEvent, msgId = event.eventId) => bus.publish({ subject: t.maintenanceEvent(event.assetId, event.type), payload: event, msgId });
  const deadLetters = async () => {
    const info = await bus.jsm.streams.info(t.streams.deadletter);
    const out: Array<{ subject: string; error: string | undefined; body: unknown }> = [];
    for (let seq = info.state.first_seq; info.state.messages > 0 && seq <= info.state.last_seq; seq++) {
      const m = await bus.jsm.streams.getMessage(t.streams.deadletter, { seq });
      out.push({ subject: m.subject, error: m.header.get('Twinline-Error'), body: decodeJson(m.data) });
    }
    return out;
  };

  beforeAll(async () => {
    bus = await Messaging.connect({ url: NATS_URL, name: 'twin-maintenance-int', topology: t });
    db = await createTestSchema('twinmaint');
    await runMigrations({ url: db.url, schema: db.schema, migrations: eventStoreMigrations });
    store = new PostgresEventStore(db.pool, { schema: db.schema });
  });
  afterEach(async () => {
    await consumer?.stop();
    consumer = undefined;
  });
  afterAll(async () => {
    if (bus) {
      await deleteStreams(bus.jsm, t);
      await bus.close();
    }
    await db?.drop();
  });

  it('records each completed work order once on the twin, whatever is redelivered; other maintenance events and bad messages are not its business', async () => {
    const running = await start();
    // Its own durable, with ONE filter subject (nats-server 2.9).
    const info = await bus.jsm.consumers.info(t.streams.maintenance, MAINTENANCE_DURABLE);
    expect(info.config.filter_subject).toBe(`${t.prefix}.maintenance.workorder.*.MaintenanceCompleted`);

    await publish(completedEvent('M-1'));
    await publish(completedEvent('M-1'), 'M-1-redelivered'); // the same event again (past JetStream's dedupe)
    await publish(completedEvent('M-1-again', { completedAt: at(61) })); // the same work order under another event id
    await publish(completedEvent('M-2', { workOrderId: 'WO-2', assetId: 'P-102', failure: null, resets: [] }));
    await publish({ ...completedEvent('W-1'), type: 'WorkOrderCompleted' }); // another subject: not consumed
    await bus.publish({ subject: t.maintenanceEvent('P-101', 'MaintenanceCompleted'), payload: { not: 'an event' }, msgId: 'bad-1' });

    await waitFor(() => running.stats().handled + running.stats().deadLettered === 5, { what: 'five MaintenanceCompleted messages handled or dead-lettered' });
    expect(running.stats().deadLettered).toBe(1);

    const p101 = await store.readStream(twinStreamId('P-101'));
    expect(p101.map((e) => [e.type, e.eventId, e.metadata.causationId])).toEqual([['MaintenanceCompleted', 'M-1:twin:MaintenanceCompleted', 'M-1']]);
    expect(p101[0]!.data).toMatchObject({ workOrderId: 'WO-1', completedAt: at(60), resets: ['baseline', 'health-index'] });
    expect((await store.readStream(twinStreamId('P-102'))).map((e) => e.eventId)).toEqual(['M-2:twin:MaintenanceCompleted']);
    const twin = await new TwinRepository(store).load(twinStreamId('P-101'));
    expect(twin.state).toMatchObject({ maintenanceCount: 1, maintainedSince: at(60), lastMaintenance: { workOrderId: 'WO-1', failure: { mode: 'bearing wear' } } });

    const dead = await deadLetters();
    expect(dead).toEqual([{ subject: t.deadletter('twin-state'), error: expect.stringMatching(/maintenance event is invalid/), body: { not: 'an event' } }]);
  });

  it('after a restart on the same durable, a message published again records nothing new', async () => {
    const before = await store.readStream(twinStreamId('P-101'));
    const running = await start();
    await publish(completedEvent('M-1'), 'M-1-after-restart');
    await waitFor(() => running.stats().handled === 1, { what: 'the republished message handled' });
    expect(await store.readStream(twinStreamId('P-101'))).toEqual(before);
  });
});
