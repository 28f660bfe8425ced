import { InMemoryEventStore, WrongExpectedVersionError, type StoredEvent } from '@twinline/event-store';
import { MaintenanceError, workOrdersView, type MaintenanceCommand } from '@twinline/domain-maintenance';
import { maintenanceEventSchemas } from '@twinline/contracts';
import { executeCommand, handleCommands, WorkOrderRepository, type CommandEnvelope } from './work-order-commands';
import { MAINTENANCE_RULES_VERSION } from '../rules';

const alarm = (alarmId: string, raisedAt: string): CommandEnvelope => ({
  command: { type: 'HandleAlarm', data: { assetId: 'P-101', alarmId, cause: 'THRESHOLD_EXCEEDED', severity: 'HIGH', message: 'Temperature 82 °C > 80 °C', raisedAt } },
  idBase: `E-${alarmId}:AlarmRaised`,
  correlationId: `C-${alarmId}`,
  causationId: `E-${alarmId}:AlarmRaised`,
  actor: 'service:maintenance-scheduler',
  occurredAt: raisedAt,
});

describe('executeCommand (a planner command)', () => {
  let store: InMemoryEventStore;
  let orders: WorkOrderRepository;
  const stream = () => store.readStream('workorders-P-101');
  const order = (WO = 'WO-P-101-0001') => ({ assetId: 'P-101', workOrderId: WO });
  const by = 'user:alice';
  const run = (command: MaintenanceCommand, at: string, deps = { store, orders }) => executeCommand(command, { actor: by, at }, deps);
  const statusOf = async (result: Promise<{ state: Parameters<typeof workOrdersView>[0] }>) => workOrdersView((await result).state)[0]!.status;

  beforeEach(async () => {
    store = new InMemoryEventStore();
    orders = new WorkOrderRepository(store);
    await handleCommands([alarm('ALM-1', '2024-01-01T03:00:00Z')], { store, orders });
  });

  it('walks a work order through approve, schedule, start and complete, each event attributed and carrying its command', async () => {
    expect(await statusOf(run({ type: 'ApproveWorkOrder', data: { ...order(), by, at: '2024-01-01T04:00:00Z', note: 'go' } }, '2024-01-01T04:00:00Z'))).toBe('APPROVED');
    expect(await statusOf(run({ type: 'ScheduleWorkOrder', data: { ...order(), scheduledFor: '2024-01-02T08:00:00Z', crew: 'crew-a', by, at: '2024-01-01T05:00:00Z' } }, '2024-01-01T05:00:00Z'))).toBe('SCHEDULED');
    expect(await statusOf(run({ type: 'StartWorkOrder', data: { ...order(), by, at: '2024-01-02T08:00:00Z' } }, '2024-01-02T08:00:00Z'))).toBe('IN_PROGRESS');
    const completed = await run(
      {
        type: 'CompleteWorkOrder',
        data: { ...order(), by, at: '2024-01-02T12:00:00Z', findings: 'bearing worn', failure: { mode: 'bearing-wear', failedAt: '2024-01-01T03:00:00Z' }, parts: [{ partNumber: 'BRG-6205', quantity: 2 }], labourHours: 3.5 },
      },
      '2024-01-02T12:00:00Z',
    );
    expect(workOrdersView(completed.state)[0]).toMatchObject({
      status: 'COMPLETED',
      approvedBy: by,
      crew: 'crew-a',
      scheduledFor: '2024-01-02T08:00:00Z',
      completedAt: '2024-01-02T12:00:00Z',
      failure: { mode: 'bearing-wear', failedAt: '2024-01-01T03:00:00Z' },
      parts: [{ partNumber: 'BRG-6205', quantity: 2 }],
      labourHours: 3.5,
    });
    const events = await stream();
    expect(events.map((e) => e.type)).toEqual(['WorkOrderOpened', 'WorkOrderApproved', 'WorkOrderScheduled', 'WorkOrderStarted', 'WorkOrderCompleted', 'MaintenanceCompleted']);
    for (const e of events.slice(1)) expect(maintenanceEventSchemas[e.type as keyof typeof maintenanceEventSchemas].safeParse(e.data).success).toBe(true);
    const [completedEvent, maintenance] = events.slice(-2) as [StoredEvent, StoredEvent];
    // One command, one fresh id: the events of the command share it, each with its type.
    expect(completedEvent.eventId).toMatch(/^[0-9a-f-]{36}:WorkOrderCompleted$/);
    expect(maintenance.eventId).toBe(completedEvent.eventId.replace(':WorkOrderCompleted', ':MaintenanceCompleted'));
    expect(maintenance.data).toMatchObject({ workOrderId: 'WO-P-101-0001', type: 'corrective', cause: 'THRESHOLD_EXCEEDED', completedAt: '2024-01-02T12:00:00Z', resets: ['baseline', 'health-index'] });
    expect(completedEvent.metadata).toEqual({
      correlationId: completedEvent.eventId.split(':')[0],
      causationId: null,
      actor: by,
      rules: { version: MAINTENANCE_RULES_VERSION },
      command: { type: 'CompleteWorkOrder', data: expect.objectContaining({ workOrderId: 'WO-P-101-0001', by, labourHours: 3.5 }) },
    });
    expect(completedEvent.occurredAt).toMatch(/^2024-01-02T12:00:00/);
    expect(events[1]!.data).toMatchObject({ by, note: 'go' });
  });

  it('throws the decider’s MaintenanceError for an invalid transition and an unknown order, appending nothing', async () => {
    const before = await stream();
    const invalid = await run({ type: 'StartWorkOrder', data: { ...order(), by, at: '2024-01-01T04:00:00Z' } }, '2024-01-01T04:00:00Z').catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(MaintenanceError);
    expect(invalid).toMatchObject({ code: 'MAINTENANCE.INVALID_TRANSITION' });
    expect((invalid as Error).message).toContain('REQUESTED');
    const unknown = await run({ type: 'ApproveWorkOrder', data: { ...order('WO-P-101-0042'), by, at: '2024-01-01T04:00:00Z' } }, '2024-01-01T04:00:00Z').catch((e: unknown) => e);
    expect(unknown).toMatchObject({ code: 'MAINTENANCE.UNKNOWN_WORK_ORDER' });
    expect(await stream()).toEqual(before);
    // The repository was not left holding an undecided state.
    expect(await statusOf(run({ type: 'ApproveWorkOrder', data: { ...order(), by, at: '2024-01-01T04:00:00Z' } }, '2024-01-01T04:00:00Z'))).toBe('APPROVED');
  });

  it('decides again on the new state when another writer moved the stream on meanwhile', async () => {
    await orders.load('workorders-P-101');
    // Another scheduler instance attaches an alarm: this repository's cached state is now stale.
    await handleCommands([alarm('ALM-2', '2024-01-01T05:00:00Z')], { store, orders: new WorkOrderRepository(store) });
    const approved = await run({ type: 'ApproveWorkOrder', data: { ...order(), by, at: '2024-01-01T06:00:00Z' } }, '2024-01-01T06:00:00Z');
    expect(workOrdersView(approved.state)[0]).toMatchObject({ status: 'APPROVED', alarmIds: ['ALM-1', 'ALM-2'] });
    expect((await stream()).map((e) => [e.type, e.streamVersion])).toEqual([
      ['WorkOrderOpened', 1],
      ['AlarmAttachedToWorkOrder', 2],
      ['WorkOrderApproved', 3],
    ]);
  });

  it('gives up after its attempts when the stream keeps moving, with the WrongExpectedVersionError', async () => {
    const racing = {
      ...store,
      readStream: store.readStream.bind(store),
      appendMany: async () => {
        throw new WrongExpectedVersionError('workorders-P-101', 1, 2);
      },
    } as unknown as InMemoryEventStore;
    const error = await executeCommand({ type: 'ApproveWorkOrder', data: { ...order(), by, at: '2024-01-01T06:00:00Z' } }, { actor: by, at: '2024-01-01T06:00:00Z' }, { store: racing, orders: new WorkOrderRepository(racing) }, 3).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
  });
});
