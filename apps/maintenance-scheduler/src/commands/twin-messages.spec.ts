import { ROOT_CONTEXT } from '@opentelemetry/api';
import { maintenanceEventSchemas, type AlarmRaisedData, type FailurePredictedData, type PublishedEvent, type RulEstimatedData } from '@twinline/contracts';
import { InMemoryEventStore, WrongExpectedVersionError, type StoredEvent } from '@twinline/event-store';
import { isPermanent, isTransient, PermanentError, type Delivery } from '@twinline/messaging';
import {
  handleAlarms,
  handlePredictions,
  handleRulEstimates,
  parseAlarmRaised,
  parseFailurePredicted,
  parseRulEstimated,
  type AlarmRaisedMessage,
  type FailurePredictedMessage,
  type RulEstimatedMessage,
} from './twin-messages';
import { WorkOrderRepository } from './work-order-commands';
import { MAINTENANCE_RULES_VERSION } from '../rules';

function alarmData(readingId: string, over: Partial<AlarmRaisedData> = {}): AlarmRaisedData {
  return {
    assetId: 'P-101',
    alarmId: `ALM-${readingId}`,
    cause: 'THRESHOLD_EXCEEDED',
    severity: 'HIGH',
    message: 'Temperature 82 °C > 80 °C; pressure 1550 psi > 1500 psi',
    raisedAt: '2024-01-01T03:00:00Z',
    readingId,
    conditions: [{ metric: 'temperatureC', value: 82, limit: 80, comparator: '>' }],
    profile: 'pump',
    ...over,
  };
}

/** A twin event (AlarmRaised unless told) as twin-state's outbox publishes it. */
function published(eventId: string, data: Record<string, unknown>, type = 'AlarmRaised'): PublishedEvent {
  return {
    eventId,
    type,
    schemaVersion: 1,
    occurredAt: String(data['raisedAt'] ?? data['at'] ?? '2024-01-01T03:00:00Z'),
    recordedAt: '2024-01-01T03:00:01.000Z',
    assetId: String(data['assetId'] ?? 'P-101'),
    streamId: `asset-${String(data['assetId'] ?? 'P-101')}`,
    streamVersion: 3,
    position: '3',
    correlationId: `C-${eventId}`,
    causationId: 'V-1',
    data,
    metadata: { correlationId: `C-${eventId}`, causationId: 'V-1', actor: 'service:twin-state' },
  };
}

let seq = 0;
function delivery(eventId: string, data: AlarmRaisedData): Delivery<AlarmRaisedMessage> {
  return {
    // Through the consumer's parse step, as the runtime does.
    data: parseAlarmRaised(JSON.parse(JSON.stringify(published(eventId, data)))),
    subject: `twin.${data.assetId}.AlarmRaised`,
    streamSeq: ++seq,
    deliveryCount: 1,
    headers: undefined,
    traceContext: ROOT_CONTEXT,
  };
}

function predictionData(predictionId: string, over: Partial<FailurePredictedData> = {}): FailurePredictedData {
  return {
    assetId: 'P-101',
    predictionId,
    cause: 'BEARING_WEAR',
    predictedFailureAt: '2024-01-03T00:00:00Z',
    message: 'vibration trend crosses 7 mm/s in 48 h',
    at: '2024-01-01T00:00:00Z',
    ...over,
  };
}

function predictionDelivery(eventId: string, data: FailurePredictedData): Delivery<FailurePredictedMessage> {
  return {
    data: parseFailurePredicted(JSON.parse(JSON.stringify(published(eventId, data, 'FailurePredicted')))),
    subject: `twin.${data.assetId}.FailurePredicted`,
    streamSeq: ++seq,
    deliveryCount: 1,
    headers: undefined,
    traceContext: ROOT_CONTEXT,
  };
}

function rulDelivery(eventId: string, data: RulEstimatedData): Delivery<RulEstimatedMessage> {
  return {
    data: parseRulEstimated(JSON.parse(JSON.stringify(published(eventId, data, 'RulEstimated')))),
    subject: `twin.${data.assetId}.RulEstimated`,
    streamSeq: ++seq,
    deliveryCount: 1,
    headers: undefined,
    traceContext: ROOT_CONTEXT,
  };
}

describe('handleAlarms', () => {
  let store: InMemoryEventStore;
  let deps: { store: InMemoryEventStore; orders: WorkOrderRepository; actor: string };
  const firstAlarm = delivery('E-R-4:AlarmRaised', alarmData('R-4'));
  const secondAlarm = delivery('E-R-8:AlarmRaised', alarmData('R-8', { raisedAt: '2024-01-01T07:00:00Z', message: 'Temperature 95 °C > 80 °C' }));

  beforeEach(() => {
    store = new InMemoryEventStore();
    deps = { store, orders: new WorkOrderRepository(store), actor: 'service:maintenance-scheduler' };
  });

  const stream = (assetId = 'P-101') => store.readStream(`workorders-${assetId}`);
  const allEvents = () => store.readAll({ after: '0', limit: 1000 });
  const summary = (events: readonly StoredEvent[]) => events.map((e) => [e.type, e.eventId, e.streamVersion]);

  it('opens a corrective work order for the first alarm of a cause, in stream workorders-<asset>, due by its priority', async () => {
    expect(await handleAlarms([firstAlarm], deps)).toBe(1);
    const events = await stream();
    expect(summary(events)).toEqual([['WorkOrderOpened', 'E-R-4:AlarmRaised:WorkOrderOpened', 1]]);
    expect(events[0]!.data).toEqual({
      workOrderId: 'WO-P-101-0001',
      assetId: 'P-101',
      cause: 'THRESHOLD_EXCEEDED',
      priority: 'P2',
      title: 'P-101: Temperature 82 °C > 80 °C; pressure 1550 psi > 1500 psi',
      alarmId: 'ALM-R-4',
      openedAt: '2024-01-01T03:00:00Z',
      type: 'corrective',
      // P2: due 72 h after the alarm.
      dueAt: '2024-01-04T03:00:00.000Z',
    });
    expect(Date.parse(events[0]!.occurredAt)).toBe(Date.parse('2024-01-01T03:00:00Z'));
    expect(events[0]!.metadata).toEqual({
      correlationId: 'C-E-R-4:AlarmRaised',
      causationId: 'E-R-4:AlarmRaised',
      actor: 'service:maintenance-scheduler',
      // What the re-derivation audit decides again from: the rules version, the command and the alarm as consumed.
      rules: { version: MAINTENANCE_RULES_VERSION },
      command: {
        type: 'HandleAlarm',
        data: { assetId: 'P-101', alarmId: 'ALM-R-4', cause: 'THRESHOLD_EXCEEDED', severity: 'HIGH', message: 'Temperature 82 °C > 80 °C; pressure 1550 psi > 1500 psi', raisedAt: '2024-01-01T03:00:00Z' },
      },
      alarm: { alarmId: 'ALM-R-4', cause: 'THRESHOLD_EXCEEDED', severity: 'HIGH', message: 'Temperature 82 °C > 80 °C; pressure 1550 psi > 1500 psi', raisedAt: '2024-01-01T03:00:00Z' },
    });
    expect(maintenanceEventSchemas.WorkOrderOpened.safeParse(events[0]!.data).success).toBe(true);
  });

  it('attaches a second alarm of the same cause to the open work order', async () => {
    await handleAlarms([firstAlarm], deps);
    expect(await handleAlarms([secondAlarm], deps)).toBe(1);
    const events = await stream();
    expect(summary(events)).toEqual([
      ['WorkOrderOpened', 'E-R-4:AlarmRaised:WorkOrderOpened', 1],
      ['AlarmAttachedToWorkOrder', 'E-R-8:AlarmRaised:AlarmAttachedToWorkOrder', 2],
    ]);
    expect(events[1]!.data).toEqual({ workOrderId: 'WO-P-101-0001', assetId: 'P-101', alarmId: 'ALM-R-8', attachedAt: '2024-01-01T07:00:00Z' });
    expect(maintenanceEventSchemas.AlarmAttachedToWorkOrder.safeParse(events[1]!.data).success).toBe(true);
  });

  it('decides the same when both alarms arrive in one batch', async () => {
    expect(await handleAlarms([firstAlarm, secondAlarm], deps)).toBe(2);
    expect((await stream()).map((e) => e.type)).toEqual(['WorkOrderOpened', 'AlarmAttachedToWorkOrder']);
  });

  it('opens a separate work order, numbered on, for an alarm of another cause, and a P1 for a CRITICAL alarm', async () => {
    await handleAlarms([firstAlarm], deps);
    const sensor = delivery('E-R-9:AlarmRaised', alarmData('R-9', { cause: 'VIBRATION', severity: 'CRITICAL', message: 'vibration 9.1 mm/s > 7 mm/s' }));
    expect(await handleAlarms([sensor], deps)).toBe(1);
    expect((await stream())[1]).toMatchObject({ type: 'WorkOrderOpened', streamVersion: 2 });
    expect((await stream())[1]!.data).toMatchObject({ workOrderId: 'WO-P-101-0002', cause: 'VIBRATION', priority: 'P1', alarmId: 'ALM-R-9' });
  });

  it('appends nothing for a redelivered alarm, with a warm or a cold repository', async () => {
    await handleAlarms([firstAlarm, secondAlarm], deps);
    const before = await allEvents();
    expect(await handleAlarms([firstAlarm], deps)).toBe(0);
    expect(await handleAlarms([secondAlarm, firstAlarm], deps)).toBe(0);
    expect(await handleAlarms([firstAlarm, secondAlarm], { ...deps, orders: new WorkOrderRepository(store) })).toBe(0);
    expect(await allEvents()).toEqual(before);
  });

  it('opens one work order for an alarm that appears twice in one batch', async () => {
    expect(await handleAlarms([firstAlarm, firstAlarm], deps)).toBe(1);
    expect(summary(await stream())).toEqual([['WorkOrderOpened', 'E-R-4:AlarmRaised:WorkOrderOpened', 1]]);
  });

  it('writes the work orders of each asset to its own stream', async () => {
    const p102 = delivery('E-P102:AlarmRaised', alarmData('P-102-R-1', { assetId: 'P-102' }));
    expect(await handleAlarms([firstAlarm, p102], deps)).toBe(2);
    expect((await stream('P-102')).map((e) => [e.type, (e.data as { workOrderId: string }).workOrderId])).toEqual([['WorkOrderOpened', 'WO-P-102-0001']]);
    expect(await stream()).toHaveLength(1);
  });

  it('throws a transient WrongExpectedVersionError when another writer moved the stream on, and a retry re-decides', async () => {
    await handleAlarms([firstAlarm], deps);
    // Another scheduler instance handles the second alarm meanwhile.
    await handleAlarms([secondAlarm], { ...deps, orders: new WorkOrderRepository(store) });
    const third = delivery('E-R-10:AlarmRaised', alarmData('R-10', { raisedAt: '2024-01-01T09:00:00Z' }));

    const error = await handleAlarms([third], deps).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(error).toMatchObject({ streamId: 'workorders-P-101', expectedVersion: 1, actualVersion: 2, transient: true });
    expect(isTransient(error)).toBe(true);

    expect(await handleAlarms([third], deps)).toBe(1);
    expect(summary(await stream()).slice(-1)).toEqual([['AlarmAttachedToWorkOrder', 'E-R-10:AlarmRaised:AlarmAttachedToWorkOrder', 3]]);
  });
});

describe('handlePredictions and handleRulEstimates', () => {
  let store: InMemoryEventStore;
  let deps: { store: InMemoryEventStore; orders: WorkOrderRepository; actor: string };
  const stream = () => store.readStream('workorders-P-101');
  const summary = (events: readonly StoredEvent[]) => events.map((e) => [e.type, e.eventId, e.streamVersion]);
  const prediction = predictionDelivery('E-PRED-1:FailurePredicted', predictionData('PRED-1'));

  beforeEach(() => {
    store = new InMemoryEventStore();
    deps = { store, orders: new WorkOrderRepository(store), actor: 'service:maintenance-scheduler' };
  });

  it('opens a predictive work order, recording the command it was decided from', async () => {
    expect(await handlePredictions([prediction], deps)).toBe(1);
    const [opened] = await stream();
    expect(opened).toMatchObject({ type: 'WorkOrderOpened', eventId: 'E-PRED-1:FailurePredicted:WorkOrderOpened', occurredAt: expect.stringMatching(/^2024-01-01T00:00:00/) });
    expect(opened!.data).toMatchObject({ workOrderId: 'WO-P-101-0001', type: 'predictive', cause: 'BEARING_WEAR', predictionId: 'PRED-1', predictedFailureAt: '2024-01-03T00:00:00Z' });
    expect(maintenanceEventSchemas.WorkOrderOpened.safeParse(opened!.data).success).toBe(true);
    expect(opened!.metadata).toEqual({
      correlationId: 'C-E-PRED-1:FailurePredicted',
      causationId: 'E-PRED-1:FailurePredicted',
      actor: 'service:maintenance-scheduler',
      rules: { version: MAINTENANCE_RULES_VERSION },
      command: { type: 'HandlePrediction', data: predictionData('PRED-1') },
    });
  });

  it('never opens a second work order for a redelivered prediction: twice in one batch, then again in two batches', async () => {
    expect(await handlePredictions([prediction, prediction], deps)).toBe(1);
    const before = await store.readAll({ after: '0', limit: 1000 });
    expect(await handlePredictions([prediction], deps)).toBe(0);
    expect(await handlePredictions([{ ...prediction, deliveryCount: 2 }], { ...deps, orders: new WorkOrderRepository(store) })).toBe(0);
    expect(await store.readAll({ after: '0', limit: 1000 })).toEqual(before);
    expect(summary(await stream())).toEqual([['WorkOrderOpened', 'E-PRED-1:FailurePredicted:WorkOrderOpened', 1]]);
  });

  it('attaches a later prediction of the same cause to the open order, moving its due date earlier', async () => {
    await handlePredictions([prediction], deps);
    const sooner = predictionDelivery('E-PRED-2:FailurePredicted', predictionData('PRED-2', { predictedFailureAt: '2024-01-01T12:00:00Z', at: '2024-01-01T02:00:00Z' }));
    expect(await handlePredictions([sooner], deps)).toBeGreaterThanOrEqual(1);
    const events = await stream();
    expect(events.map((e) => e.type)).toContain('PredictionAttachedToWorkOrder');
    const attached = events.find((e) => e.type === 'PredictionAttachedToWorkOrder')!;
    expect(attached.eventId).toBe('E-PRED-2:FailurePredicted:PredictionAttachedToWorkOrder');
    expect(attached.data).toMatchObject({ workOrderId: 'WO-P-101-0001', predictionId: 'PRED-2' });
    expect(events.filter((e) => e.type === 'WorkOrderOpened')).toHaveLength(1);
  });

  it('lets a remaining-useful-life estimate move the open order forward, once per estimate even when redelivered', async () => {
    await handlePredictions([prediction], deps);
    const estimate = rulDelivery('E-RUL-1:RulEstimated', { assetId: 'P-101', cause: 'BEARING_WEAR', rulHours: 5, at: '2024-01-01T06:00:00Z' });
    const appended = await handleRulEstimates([estimate, estimate], deps);
    expect(appended).toBeGreaterThanOrEqual(1);
    const after = await stream();
    expect(after.slice(1).every((e) => e.eventId.startsWith('E-RUL-1:RulEstimated:'))).toBe(true);
    expect(after.slice(1).map((e) => e.metadata)).toEqual(after.slice(1).map(() => expect.objectContaining({ command: { type: 'HandleRulEstimate', data: { assetId: 'P-101', cause: 'BEARING_WEAR', rulHours: 5, at: '2024-01-01T06:00:00Z' } } })));
    expect(await handleRulEstimates([estimate], deps)).toBe(0);
    expect(await handleRulEstimates([estimate], { ...deps, orders: new WorkOrderRepository(store) })).toBe(0);
    expect(await stream()).toEqual(after);
  });

  it('opens nothing for a remaining-useful-life estimate without an open order of its cause', async () => {
    expect(await handleRulEstimates([rulDelivery('E-RUL-2:RulEstimated', { assetId: 'P-101', cause: 'SEAL_LEAK', rulHours: 10, at: '2024-01-01T06:00:00Z' })], deps)).toBe(0);
    expect(await stream()).toEqual([]);
  });

  it('turns a command the maintenance rules refuse into a PermanentError (dead-lettered, never retried)', async () => {
    const broken: Delivery<FailurePredictedMessage> = { ...prediction, data: { ...prediction.data, prediction: { ...prediction.data.prediction, predictedFailureAt: 'soon' } } };
    const error = await handlePredictions([broken], deps).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PermanentError);
    expect(isPermanent(error)).toBe(true);
    expect((error as Error).message).toMatch(/^MAINTENANCE\.INVALID_(TIME|INPUT): /);
    expect(await stream()).toEqual([]);
  });

  it('keeps alarms and predictions of one asset in one stream, numbering orders on', async () => {
    await handlePredictions([prediction], deps);
    const alarm = delivery('E-R-20:AlarmRaised', alarmData('R-20'));
    expect(await handleAlarms([alarm], deps)).toBe(1);
    expect((await stream()).map((e) => [e.type, (e.data as { workOrderId: string; type?: string }).workOrderId, (e.data as { type?: string }).type])).toEqual([
      ['WorkOrderOpened', 'WO-P-101-0001', 'predictive'],
      ['WorkOrderOpened', 'WO-P-101-0002', 'corrective'],
    ]);
  });
});

describe('parseFailurePredicted and parseRulEstimated', () => {
  it('reject an event of another type and data that breaks the contract, as permanent errors naming the field', () => {
    expect(() => parseFailurePredicted(published('E-1', alarmData('R-1')))).toThrow(PermanentError);
    expect(() => parseFailurePredicted(published('E-1', alarmData('R-1')))).toThrow('expected a FailurePredicted event, got AlarmRaised');
    expect(() => parseFailurePredicted(published('E-2', { ...predictionData('P-1'), predictedFailureAt: 'soon' }, 'FailurePredicted'))).toThrow(/^FailurePredicted data is invalid: predictedFailureAt: /);
    expect(() => parseRulEstimated(published('E-3', { assetId: 'P-101', cause: 'X', rulHours: -1, at: '2024-01-01T00:00:00Z' }, 'RulEstimated'))).toThrow(/^RulEstimated data is invalid: rulHours: /);
  });
});

describe('parseAlarmRaised', () => {
  function permanentErrorOf(body: unknown): Error {
    let caught: unknown;
    try {
      parseAlarmRaised(body);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PermanentError);
    expect(isPermanent(caught)).toBe(true);
    return caught as Error;
  }

  it('returns the event and its alarm data', () => {
    const body = published('E-1', alarmData('R-4'));
    expect(parseAlarmRaised(body)).toEqual({ event: body, alarm: alarmData('R-4') });
  });

  it('rejects an event of another type', () => {
    const body = published('E-2', { assetId: 'P-101', from: 'OPERATIONAL', to: 'ALARM' }, 'TwinStatusChanged');
    expect(permanentErrorOf(body).message).toBe('expected an AlarmRaised event, got TwinStatusChanged');
  });

  it('rejects an AlarmRaised event whose data breaks the contract, naming the field', () => {
    const message = permanentErrorOf(published('E-3', { ...alarmData('R-4'), severity: 'EXTREME' })).message;
    expect(message).toMatch(/^AlarmRaised data is invalid: severity: /);
  });

  it('rejects a body that is not a published event, naming the missing fields', () => {
    const message = permanentErrorOf({ type: 'AlarmRaised' }).message;
    expect(message).toMatch(/^twin event is invalid: /);
    expect(message).toContain('eventId: ');
    expect(message).toContain('streamVersion: ');
  });
});
