import type { AlarmSeverity, MaintenanceEvent } from '@twinline/contracts';
import { specFor } from '@twinline/testing';
import type { CompleteWorkOrder, HandleAlarm, HandlePrediction, HandleRulEstimate, MaintenanceCommand, OpenPreventive } from './maintenance.commands';
import { decide, priorityForSeverity } from './maintenance.decide';
import { maintenanceDecider } from './maintenance.decider';
import { MaintenanceError, maintenanceErrorStatus } from './maintenance.errors';
import { evolve } from './maintenance.evolve';
import { initialMaintenanceState } from './maintenance.state';
import { workOrdersView } from './maintenance.view';

const given = specFor(maintenanceDecider);

type Data<T extends MaintenanceEvent['type']> = Extract<MaintenanceEvent, { type: T }>['data'];
const WO = 'WO-P-101-0001';

const alarm = (alarmId: string, over: Partial<HandleAlarm['data']> = {}): HandleAlarm => ({
  type: 'HandleAlarm',
  data: { assetId: 'P-101', alarmId, cause: 'THRESHOLD_EXCEEDED', severity: 'HIGH', message: 'ALARM: Predictive Maintenance Required', raisedAt: '2024-01-01T03:00:00Z', ...over },
});

const prediction = (predictionId: string, over: Partial<HandlePrediction['data']> = {}): HandlePrediction => ({
  type: 'HandlePrediction',
  data: { assetId: 'P-101', predictionId, cause: 'THRESHOLD_EXCEEDED', predictedFailureAt: '2024-01-03T00:00:00Z', message: 'Temperature predicted to exceed 80 °C', at: '2024-01-01T00:00:00Z', ...over },
});

const rul = (rulHours: number, at = '2024-01-01T04:00:00Z'): HandleRulEstimate => ({ type: 'HandleRulEstimate', data: { assetId: 'P-101', cause: 'THRESHOLD_EXCEEDED', rulHours, at } });

const preventive = (occurrence: number, over: Partial<OpenPreventive['data']> = {}): OpenPreventive => ({
  type: 'OpenPreventive',
  data: { assetId: 'P-101', scheduleId: 'S-LUBE', occurrence, title: 'Lubricate bearings', dueAt: '2024-02-08T00:00:00Z', at: '2024-02-01T00:00:00Z', ...over },
});

/** The corrective order the HIGH alarm ALM-R-3 opens at 03:00: P2, due 72 h later. */
const opened = (over: Partial<Data<'WorkOrderOpened'>> = {}): MaintenanceEvent => ({
  type: 'WorkOrderOpened',
  data: {
    workOrderId: WO,
    assetId: 'P-101',
    cause: 'THRESHOLD_EXCEEDED',
    priority: 'P2',
    title: 'P-101: ALARM: Predictive Maintenance Required',
    alarmId: 'ALM-R-3',
    openedAt: '2024-01-01T03:00:00Z',
    type: 'corrective',
    dueAt: '2024-01-04T03:00:00.000Z',
    ...over,
  },
});

const preventiveOpened = (over: Partial<Data<'WorkOrderOpened'>> = {}): MaintenanceEvent => ({
  type: 'WorkOrderOpened',
  data: { workOrderId: WO, assetId: 'P-101', cause: 'preventive:S-LUBE', priority: 'P4', title: 'P-101: Lubricate bearings', openedAt: '2024-02-01T00:00:00Z', type: 'preventive', dueAt: '2024-02-08T00:00:00Z', scheduleId: 'S-LUBE', occurrence: 1, ...over },
});

const by = 'planner-anna';
const approved: MaintenanceEvent = { type: 'WorkOrderApproved', data: { workOrderId: WO, assetId: 'P-101', by, at: '2024-01-01T04:00:00Z' } };
const scheduled: MaintenanceEvent = { type: 'WorkOrderScheduled', data: { workOrderId: WO, assetId: 'P-101', scheduledFor: '2024-01-02T08:00:00Z', crew: 'crew-B', by, at: '2024-01-01T05:00:00Z' } };
const started: MaintenanceEvent = { type: 'WorkOrderStarted', data: { workOrderId: WO, assetId: 'P-101', by, at: '2024-01-02T08:00:00Z' } };
const completedEvent = (over: Partial<Data<'WorkOrderCompleted'>> = {}): MaintenanceEvent => ({
  type: 'WorkOrderCompleted',
  data: { workOrderId: WO, assetId: 'P-101', by, at: '2024-01-02T12:00:00Z', findings: 'Bearing worn; replaced', failure: { mode: 'bearing wear', failedAt: '2024-01-02T06:00:00Z' }, parts: [{ partNumber: 'BRG-6204', quantity: 2 }], labourHours: 3.5, ...over },
});
const cancelled: MaintenanceEvent = { type: 'WorkOrderCancelled', data: { workOrderId: WO, assetId: 'P-101', by, at: '2024-01-01T06:00:00Z', reason: 'duplicate of a contractor job' } };

const approve = (over: Record<string, unknown> = {}): MaintenanceCommand => ({ type: 'ApproveWorkOrder', data: { assetId: 'P-101', workOrderId: WO, by, at: '2024-01-01T04:00:00Z', ...over } });
const schedule = (over: Record<string, unknown> = {}): MaintenanceCommand => ({ type: 'ScheduleWorkOrder', data: { assetId: 'P-101', workOrderId: WO, scheduledFor: '2024-01-02T08:00:00Z', crew: 'crew-B', by, at: '2024-01-01T05:00:00Z', ...over } });
const start = (over: Record<string, unknown> = {}): MaintenanceCommand => ({ type: 'StartWorkOrder', data: { assetId: 'P-101', workOrderId: WO, by, at: '2024-01-02T08:00:00Z', ...over } });
const complete = (over: Partial<CompleteWorkOrder['data']> = {}): CompleteWorkOrder => ({
  type: 'CompleteWorkOrder',
  data: { assetId: 'P-101', workOrderId: WO, by, at: '2024-01-02T12:00:00Z', findings: 'Bearing worn; replaced', failure: { mode: 'bearing wear', failedAt: '2024-01-02T06:00:00Z' }, parts: [{ partNumber: 'BRG-6204', quantity: 2 }], labourHours: 3.5, ...over },
});
const cancel = (over: Record<string, unknown> = {}): MaintenanceCommand => ({ type: 'CancelWorkOrder', data: { assetId: 'P-101', workOrderId: WO, by, at: '2024-01-01T06:00:00Z', reason: 'duplicate of a contractor job', ...over } });

/** The error a command throws on the given history. */
function errorOf(history: MaintenanceEvent[], command: MaintenanceCommand): MaintenanceError {
  const state = history.reduce(evolve, initialMaintenanceState);
  try {
    decide(command, state);
  } catch (error) {
    return error as MaintenanceError;
  }
  throw new Error('expected the command to be rejected');
}

describe('maintenance decider: alarms', () => {
  it('given no work orders, when an alarm is raised, then a corrective work order is opened, P2 for HIGH, due 72 h later', () => {
    given().when(alarm('ALM-R-3')).then([opened()]);
  });

  it('given an open work order for the cause, when another alarm of that cause is raised, then it is attached', () => {
    given(opened())
      .when(alarm('ALM-R-7', { raisedAt: '2024-01-01T07:00:00Z' }))
      .then([{ type: 'AlarmAttachedToWorkOrder', data: { workOrderId: WO, assetId: 'P-101', alarmId: 'ALM-R-7', attachedAt: '2024-01-01T07:00:00Z' } }]);
  });

  it('given an open P2 order, when a CRITICAL alarm of its cause is raised, then it is attached and the order raised to P1, due 24 h after that alarm', () => {
    given(opened())
      .when(alarm('ALM-R-7', { severity: 'CRITICAL', message: 'Temperature 99 °C', raisedAt: '2024-01-01T07:00:00Z' }))
      .then([
        { type: 'AlarmAttachedToWorkOrder', data: { workOrderId: WO, assetId: 'P-101', alarmId: 'ALM-R-7', attachedAt: '2024-01-01T07:00:00Z' } },
        { type: 'WorkOrderPriorityRaised', data: { workOrderId: WO, assetId: 'P-101', from: 'P2', to: 'P1', dueAt: '2024-01-02T07:00:00.000Z', reason: 'alarm ALM-R-7 (CRITICAL): Temperature 99 °C', at: '2024-01-01T07:00:00Z' } },
      ]);
  });

  it('given an open P2 order, when a LOW alarm of its cause is raised, then it is only attached (priority and due date never move back)', () => {
    given(opened())
      .when(alarm('ALM-R-7', { severity: 'LOW', raisedAt: '2024-01-01T07:00:00Z' }))
      .then((events) => expect(events.map((e) => e.type)).toEqual(['AlarmAttachedToWorkOrder']));
  });

  it('given an open work order, when an alarm of another cause is raised, then a second work order is opened', () => {
    given(opened())
      .when(alarm('ALM-R-9', { cause: 'SENSOR_FAULT', severity: 'CRITICAL', message: 'Sensor fault', raisedAt: '2024-01-01T09:00:00Z' }))
      .then([opened({ workOrderId: 'WO-P-101-0002', cause: 'SENSOR_FAULT', priority: 'P1', title: 'P-101: Sensor fault', alarmId: 'ALM-R-9', openedAt: '2024-01-01T09:00:00Z', dueAt: '2024-01-02T09:00:00.000Z' })]);
  });

  it('given an alarm that opened a work order, when it is redelivered, then nothing happens', () => {
    given(opened()).when(alarm('ALM-R-3')).then([]);
  });

  it('given an alarm that was attached, when it is redelivered, then nothing happens', () => {
    given(opened(), { type: 'AlarmAttachedToWorkOrder', data: { workOrderId: WO, assetId: 'P-101', alarmId: 'ALM-R-7', attachedAt: '2024-01-01T07:00:00Z' } })
      .when(alarm('ALM-R-7', { severity: 'CRITICAL' }))
      .then([]);
  });

  it('given a completed work order, when an alarm of its cause is raised, then a new work order is opened (completion frees the cause)', () => {
    given(opened(), approved, started, completedEvent())
      .when(alarm('ALM-R-20', { raisedAt: '2024-01-03T00:00:00Z' }))
      .then([opened({ workOrderId: 'WO-P-101-0002', alarmId: 'ALM-R-20', openedAt: '2024-01-03T00:00:00Z', dueAt: '2024-01-06T00:00:00.000Z' })]);
  });

  it('given a cancelled work order, when an alarm of its cause is raised, then a new work order is opened', () => {
    given(opened(), cancelled)
      .when(alarm('ALM-R-20', { raisedAt: '2024-01-03T00:00:00Z' }))
      .then((events) => expect(events).toMatchObject([{ type: 'WorkOrderOpened', data: { workOrderId: 'WO-P-101-0002' } }]));
  });

  it('given the work orders of P-101, when an alarm of another asset arrives, then MAINTENANCE.ASSET_MISMATCH', () => {
    given(opened()).when(alarm('ALM-X', { assetId: 'C-201' })).thenThrows('MAINTENANCE.ASSET_MISMATCH');
  });

  it('given an alarm with a time it cannot read, then MAINTENANCE.INVALID_TIME naming raisedAt', () => {
    given().when(alarm('ALM-X', { raisedAt: 'yesterday' })).thenThrows('MAINTENANCE.INVALID_TIME');
    expect(errorOf([], alarm('ALM-X', { raisedAt: 'yesterday' })).message).toMatch(/^raisedAt: /);
  });

  it('numbers work orders per asset with four digits, growing beyond 9999', () => {
    const state = { ...initialMaintenanceState, assetId: 'P-101', count: 9999 };
    expect(decide(alarm('A'), state)[0]?.data).toMatchObject({ workOrderId: 'WO-P-101-10000' });
    expect(decide(alarm('A'), { ...state, count: 41 })[0]?.data).toMatchObject({ workOrderId: 'WO-P-101-0042' });
  });

  it.each([
    ['CRITICAL', 'P1', '2024-01-02T03:00:00.000Z'],
    ['HIGH', 'P2', '2024-01-04T03:00:00.000Z'],
    ['MEDIUM', 'P3', '2024-01-15T03:00:00.000Z'],
    ['LOW', 'P4', '2024-01-31T03:00:00.000Z'],
  ] as const)('maps severity %s to priority %s, due %s (24 h, 72 h, 14 d, 30 d after 03:00)', (severity: AlarmSeverity, priority, dueAt) => {
    expect(priorityForSeverity(severity)).toBe(priority);
    expect(decide(alarm('A', { severity }), initialMaintenanceState)[0]?.data).toMatchObject({ priority, dueAt });
  });
});

describe('maintenance decider: predictions and remaining useful life', () => {
  it('given no work orders, when a failure is predicted in 48 h, then a predictive P2 order is opened, due after 80 % of the time (38.4 h)', () => {
    given()
      .when(prediction('PRED-1'))
      .then([
        {
          type: 'WorkOrderOpened',
          data: {
            workOrderId: WO,
            assetId: 'P-101',
            cause: 'THRESHOLD_EXCEEDED',
            priority: 'P2',
            title: 'P-101: Temperature predicted to exceed 80 °C',
            openedAt: '2024-01-01T00:00:00Z',
            type: 'predictive',
            dueAt: '2024-01-02T14:24:00.000Z',
            predictionId: 'PRED-1',
            predictedFailureAt: '2024-01-03T00:00:00Z',
          },
        },
      ]);
  });

  it.each([
    ['2024-01-02T00:00:00Z', 'P1', '2024-01-01T19:12:00.000Z'], // 24 h
    ['2024-01-02T00:00:00.001Z', 'P2', '2024-01-01T19:12:00.000Z'], // just over 24 h (0.8 ms rounds down)
    ['2024-01-04T00:00:00Z', 'P2', '2024-01-03T09:36:00.000Z'], // 72 h
    ['2024-01-15T00:00:00Z', 'P3', '2024-01-12T04:48:00.000Z'], // 14 d
    ['2024-01-21T00:00:00Z', 'P4', '2024-01-17T00:00:00.000Z'], // 20 d
    ['2023-12-31T00:00:00Z', 'P1', '2024-01-01T00:00:00.000Z'], // already past: due at once
  ])('a failure predicted at %s is %s, due %s', (predictedFailureAt, priority, dueAt) => {
    expect(decide(prediction('PRED-1', { predictedFailureAt }), initialMaintenanceState)[0]?.data).toMatchObject({ priority, dueAt });
  });

  it('given an open corrective P3 order, when a prediction of its cause says failure in 100 h, then it is attached and due earlier (80 h), still P3', () => {
    given(opened({ priority: 'P3', dueAt: '2024-01-15T03:00:00.000Z' }))
      .when(prediction('PRED-1', { at: '2024-01-01T04:00:00Z', predictedFailureAt: '2024-01-05T08:00:00Z' }))
      .then([
        { type: 'PredictionAttachedToWorkOrder', data: { workOrderId: WO, assetId: 'P-101', predictionId: 'PRED-1', predictedFailureAt: '2024-01-05T08:00:00Z', attachedAt: '2024-01-01T04:00:00Z' } },
        { type: 'WorkOrderPriorityRaised', data: { workOrderId: WO, assetId: 'P-101', from: 'P3', to: 'P3', dueAt: '2024-01-04T12:00:00.000Z', reason: 'prediction PRED-1: failure predicted at 2024-01-05T08:00:00Z', at: '2024-01-01T04:00:00Z' } },
      ]);
  });

  it('given an open order, when a prediction of its cause is later than its due date, then it is only attached', () => {
    given(opened())
      .when(prediction('PRED-1', { at: '2024-01-01T04:00:00Z', predictedFailureAt: '2024-02-01T00:00:00Z' }))
      .then((events) => expect(events.map((e) => e.type)).toEqual(['PredictionAttachedToWorkOrder']));
  });

  it('given a prediction handled before, when it is redelivered, then nothing happens', () => {
    given(opened(), { type: 'PredictionAttachedToWorkOrder', data: { workOrderId: WO, assetId: 'P-101', predictionId: 'PRED-1', predictedFailureAt: '2024-01-02T00:00:00Z', attachedAt: '2024-01-01T04:00:00Z' } })
      .when(prediction('PRED-1', { predictedFailureAt: '2024-01-01T05:00:00Z' }))
      .then([]);
  });

  it('given a prediction with an unreadable failure time, then MAINTENANCE.INVALID_TIME', () => {
    given().when(prediction('PRED-1', { predictedFailureAt: 'soon' })).thenThrows('MAINTENANCE.INVALID_TIME');
  });

  it('given no open order of the cause, when a remaining-useful-life estimate arrives, then nothing is decided (it opens nothing)', () => {
    given().when(rul(5)).then([]);
    given(opened(), cancelled).when(rul(5)).then([]);
  });

  it('given an open P2 order due in 71 h, when the remaining useful life is 10 h, then it is raised to P1, due in 8 h', () => {
    given(opened())
      .when(rul(10))
      .then([{ type: 'WorkOrderPriorityRaised', data: { workOrderId: WO, assetId: 'P-101', from: 'P2', to: 'P1', dueAt: '2024-01-01T12:00:00.000Z', reason: 'remaining useful life 10 h at 2024-01-01T04:00:00Z', at: '2024-01-01T04:00:00Z' } }]);
  });

  it('given a remaining-useful-life estimate already applied, when it is redelivered, then nothing is decided', () => {
    const raised: MaintenanceEvent = { type: 'WorkOrderPriorityRaised', data: { workOrderId: WO, assetId: 'P-101', from: 'P2', to: 'P1', dueAt: '2024-01-01T12:00:00.000Z', reason: 'remaining useful life 10 h at 2024-01-01T04:00:00Z', at: '2024-01-01T04:00:00Z' } };
    given(opened(), raised).when(rul(10)).then([]);
  });

  it('given an open order, when the remaining useful life changes nothing (1000 h), then nothing is decided', () => {
    given(opened()).when(rul(1000)).then([]);
  });

  it('given a negative remaining useful life, then MAINTENANCE.INVALID_INPUT naming rulHours', () => {
    expect(errorOf([opened()], rul(-1))).toMatchObject({ code: 'MAINTENANCE.INVALID_INPUT', message: expect.stringMatching(/^rulHours: /) });
  });
});

describe('maintenance decider: preventive orders', () => {
  it('given no work orders, when a preventive occurrence is due, then a P4 preventive order is opened, due when the schedule says', () => {
    given().when(preventive(1)).then([preventiveOpened()]);
  });

  it('takes the priority of the schedule when it has one', () => {
    given()
      .when(preventive(1, { priority: 'P2' }))
      .then([preventiveOpened({ priority: 'P2' })]);
  });

  it('given an occurrence opened before, when it is sent again, then nothing happens', () => {
    given(preventiveOpened()).when(preventive(1)).then([]);
  });

  it('given the previous occurrence still open, when the next is due, then nothing is decided until it is done', () => {
    given(preventiveOpened()).when(preventive(2)).then([]);
  });

  it('given the previous occurrence completed, when the next is due, then it opens (and completing a preventive order resets nothing in the twin)', () => {
    const inProgress: MaintenanceEvent[] = [preventiveOpened(), { ...approved, data: { ...approved.data, at: '2024-02-01T01:00:00Z' } }, { ...started, data: { ...started.data, at: '2024-02-02T00:00:00Z' } }];
    const done = [...inProgress, completedEvent({ at: '2024-02-02T04:00:00Z', failure: null })];
    given(...inProgress)
      .when(complete({ at: '2024-02-02T04:00:00Z', failure: null }))
      .then((events) => expect(events.map((e) => e.type)).toEqual(['WorkOrderCompleted']));
    given(...done)
      .when(preventive(2, { at: '2024-03-01T00:00:00Z', dueAt: '2024-03-08T00:00:00Z' }))
      .then([preventiveOpened({ workOrderId: 'WO-P-101-0002', occurrence: 2, openedAt: '2024-03-01T00:00:00Z', dueAt: '2024-03-08T00:00:00Z' })]);
  });

  it('rejects an occurrence that is not a positive integer, naming the field', () => {
    expect(errorOf([], preventive(0))).toMatchObject({ code: 'MAINTENANCE.INVALID_INPUT', message: expect.stringMatching(/^occurrence: /) });
    expect(errorOf([], preventive(1, { title: ' ' }))).toMatchObject({ code: 'MAINTENANCE.INVALID_INPUT', message: expect.stringMatching(/^title: /) });
  });
});

describe('maintenance decider: lifecycle', () => {
  it('given a requested order, when a planner approves it, then it is approved (with the note)', () => {
    given(opened())
      .when(approve({ note: 'go' }))
      .then([{ type: 'WorkOrderApproved', data: { workOrderId: WO, assetId: 'P-101', by, at: '2024-01-01T04:00:00Z', note: 'go' } }]);
  });

  it('given an approved order, when it is approved again, then MAINTENANCE.INVALID_TRANSITION naming the order, its status and the allowed status', () => {
    given(opened(), approved).when(approve()).thenThrows('MAINTENANCE.INVALID_TRANSITION');
    expect(errorOf([opened(), approved], approve()).message).toBe('work order WO-P-101-0001 is APPROVED: approve needs REQUESTED');
  });

  it('given an approved order, when it is scheduled, then it is scheduled for the date and crew', () => {
    given(opened(), approved).when(schedule()).then([scheduled]);
  });

  it('given a scheduled order, when it is scheduled again, then it is re-scheduled', () => {
    given(opened(), approved, scheduled)
      .when(schedule({ scheduledFor: '2024-01-03T08:00:00Z', crew: 'crew-C' }))
      .then([{ type: 'WorkOrderScheduled', data: { workOrderId: WO, assetId: 'P-101', scheduledFor: '2024-01-03T08:00:00Z', crew: 'crew-C', by, at: '2024-01-01T05:00:00Z' } }]);
  });

  it('given a requested order, when it is scheduled, then MAINTENANCE.INVALID_TRANSITION (approve first)', () => {
    expect(errorOf([opened()], schedule())).toMatchObject({ code: 'MAINTENANCE.INVALID_TRANSITION', message: 'work order WO-P-101-0001 is REQUESTED: schedule needs APPROVED or SCHEDULED' });
  });

  it('given an approved order, when it is scheduled without a crew, then MAINTENANCE.INVALID_INPUT naming crew', () => {
    expect(errorOf([opened(), approved], schedule({ crew: '  ' }))).toMatchObject({ code: 'MAINTENANCE.INVALID_INPUT', message: 'crew: must not be empty' });
  });

  it('given a scheduled order, when the work starts, then it is in progress', () => {
    given(opened(), approved, scheduled).when(start()).then([started]);
  });

  it('given an approved urgent order, when the work starts without a schedule, then it is in progress', () => {
    given(opened({ priority: 'P1' }), approved).when(start()).then([started]);
  });

  it('given a requested order, when the work starts, then MAINTENANCE.INVALID_TRANSITION', () => {
    given(opened()).when(start()).thenThrows('MAINTENANCE.INVALID_TRANSITION');
  });

  it('given a corrective order in progress, when it is completed, then WorkOrderCompleted and MaintenanceCompleted (the twin resets its baseline and health index)', () => {
    given(opened(), approved, scheduled, started)
      .when(complete())
      .then([
        completedEvent(),
        {
          type: 'MaintenanceCompleted',
          data: { workOrderId: WO, assetId: 'P-101', type: 'corrective', cause: 'THRESHOLD_EXCEEDED', completedAt: '2024-01-02T12:00:00Z', failure: { mode: 'bearing wear', failedAt: '2024-01-02T06:00:00Z' }, findings: 'Bearing worn; replaced', resets: ['baseline', 'health-index'] },
        },
      ]);
  });

  it('given a predictive order in progress, when it is completed without a failure, then MaintenanceCompleted too', () => {
    given(opened({ type: 'predictive', alarmId: undefined, predictionId: 'PRED-1' }), approved, started)
      .when(complete({ failure: null }))
      .then((events) => expect(events).toMatchObject([{ type: 'WorkOrderCompleted', data: { failure: null } }, { type: 'MaintenanceCompleted', data: { type: 'predictive', failure: null } }]));
  });

  it('given a scheduled order, when it is completed before it started, then MAINTENANCE.INVALID_TRANSITION', () => {
    expect(errorOf([opened(), approved, scheduled], complete())).toMatchObject({ code: 'MAINTENANCE.INVALID_TRANSITION', message: 'work order WO-P-101-0001 is SCHEDULED: complete needs IN_PROGRESS' });
  });

  it.each([
    [{ findings: '' }, 'findings'],
    [{ labourHours: -1 }, 'labourHours'],
    [{ labourHours: Number.NaN }, 'labourHours'],
    [{ parts: [{ partNumber: '', quantity: 1 }] }, 'parts[0].partNumber'],
    [{ parts: [{ partNumber: 'BRG-6204', quantity: 0 }] }, 'parts[0].quantity'],
    [{ failure: { mode: '', failedAt: '2024-01-02T06:00:00Z' } }, 'failure.mode'],
    [{ failure: { mode: 'bearing wear', failedAt: '2024-01-02T12:00:01Z' } }, 'failure.failedAt'],
  ] as const)('given an order in progress, when it is completed with %j, then MAINTENANCE.INVALID_INPUT naming %s', (over, field) => {
    const error = errorOf([opened(), approved, started], complete(over as Partial<CompleteWorkOrder['data']>));
    expect(error).toMatchObject({ code: 'MAINTENANCE.INVALID_INPUT' });
    expect(error.message.startsWith(`${field}: `)).toBe(true);
  });

  it('accepts a failure before the order was opened (the asset failed, then alarmed: an unpredicted failure)', () => {
    given(opened(), approved, started)
      .when(complete({ failure: { mode: 'seal leak', failedAt: '2024-01-01T01:00:00Z' } }))
      .then((events) => expect(events[0]).toMatchObject({ type: 'WorkOrderCompleted', data: { failure: { failedAt: '2024-01-01T01:00:00Z' } } }));
  });

  it('given an order in progress, when it is completed before it started, then MAINTENANCE.INVALID_TIME', () => {
    given(opened(), approved, started).when(complete({ at: '2024-01-02T07:00:00Z', failure: null })).thenThrows('MAINTENANCE.INVALID_TIME');
  });

  it.each([
    ['REQUESTED', [opened()]],
    ['APPROVED', [opened(), approved]],
    ['SCHEDULED', [opened(), approved, scheduled]],
    ['IN_PROGRESS', [opened(), approved, scheduled, started]],
  ])('given a %s order, when it is cancelled with a reason, then it is cancelled', (_status, history) => {
    given(...history)
      .when(cancel({ at: '2024-01-02T09:00:00Z' }))
      .then([{ type: 'WorkOrderCancelled', data: { workOrderId: WO, assetId: 'P-101', by, at: '2024-01-02T09:00:00Z', reason: 'duplicate of a contractor job' } }]);
  });

  it('given a completed or cancelled order, when anything moves it, then MAINTENANCE.INVALID_TRANSITION', () => {
    const done = [opened(), approved, started, completedEvent()];
    for (const command of [approve(), schedule(), start(), complete(), cancel({ at: '2024-01-03T00:00:00Z' })]) expect(errorOf(done, command)).toMatchObject({ code: 'MAINTENANCE.INVALID_TRANSITION' });
    expect(errorOf([opened(), cancelled], cancel()).message).toBe('work order WO-P-101-0001 is CANCELLED: cancel needs REQUESTED or APPROVED or SCHEDULED or IN_PROGRESS');
  });

  it('given an order, when it is cancelled without a reason, then MAINTENANCE.INVALID_INPUT naming reason', () => {
    expect(errorOf([opened()], cancel({ reason: '' }))).toMatchObject({ code: 'MAINTENANCE.INVALID_INPUT', message: 'reason: must not be empty' });
    expect(errorOf([opened()], approve({ by: '' }))).toMatchObject({ code: 'MAINTENANCE.INVALID_INPUT', message: 'by: must not be empty' });
  });

  it('given no such order, when a planner moves it, then MAINTENANCE.UNKNOWN_WORK_ORDER', () => {
    given(opened()).when(approve({ workOrderId: 'WO-P-101-0009' })).thenThrows('MAINTENANCE.UNKNOWN_WORK_ORDER');
    given().when(approve()).thenThrows('MAINTENANCE.UNKNOWN_WORK_ORDER');
  });

  it('given an order, when a time before its opening (or unreadable) is given, then MAINTENANCE.INVALID_TIME naming the field', () => {
    expect(errorOf([opened()], approve({ at: '2024-01-01T02:59:59Z' }))).toMatchObject({ code: 'MAINTENANCE.INVALID_TIME', message: 'at: 2024-01-01T02:59:59Z is before work order WO-P-101-0001 was opened (2024-01-01T03:00:00Z)' });
    expect(errorOf([opened(), approved], schedule({ scheduledFor: '2023-12-31T00:00:00Z' }))).toMatchObject({ code: 'MAINTENANCE.INVALID_TIME', message: expect.stringMatching(/^scheduledFor: /) });
    expect(errorOf([opened()], cancel({ at: 'now' }))).toMatchObject({ code: 'MAINTENANCE.INVALID_TIME', message: expect.stringMatching(/^at: /) });
  });

  it('given the orders of P-101, when a planner command names another asset, then MAINTENANCE.ASSET_MISMATCH', () => {
    given(opened()).when(approve({ assetId: 'C-201' })).thenThrows('MAINTENANCE.ASSET_MISMATCH');
  });

  it.each([
    ['MAINTENANCE.UNKNOWN_WORK_ORDER', 404],
    ['MAINTENANCE.INVALID_TRANSITION', 409],
    ['MAINTENANCE.INVALID_INPUT', 400],
    ['MAINTENANCE.INVALID_TIME', 400],
    ['MAINTENANCE.ASSET_MISMATCH', 422],
    ['MAINTENANCE.UNKNOWN_EVENT', 422],
  ] as const)('maps %s to HTTP %d', (code, status) => {
    expect(maintenanceErrorStatus(code)).toBe(status);
  });
});

describe('workOrdersView', () => {
  const fold = (commands: MaintenanceCommand[]) => commands.reduce((s, c) => decide(c, s).reduce(evolve, s), initialMaintenanceState);

  it('lists the orders in opening order with every alarm attached', () => {
    const state = fold([alarm('ALM-1'), alarm('ALM-2', { cause: 'SENSOR_FAULT', severity: 'LOW', message: 'Sensor fault' }), alarm('ALM-3'), alarm('ALM-3')]);
    expect(workOrdersView(state)).toMatchObject([
      { workOrderId: 'WO-P-101-0001', assetId: 'P-101', type: 'corrective', cause: 'THRESHOLD_EXCEEDED', priority: 'P2', status: 'REQUESTED', title: 'P-101: ALARM: Predictive Maintenance Required', alarmIds: ['ALM-1', 'ALM-3'], openedAt: '2024-01-01T03:00:00Z' },
      { workOrderId: 'WO-P-101-0002', assetId: 'P-101', type: 'corrective', cause: 'SENSOR_FAULT', priority: 'P4', status: 'REQUESTED', title: 'P-101: Sensor fault', alarmIds: ['ALM-2'], openedAt: '2024-01-01T03:00:00Z' },
    ]);
    expect(state.count).toBe(2);
  });

  it('shows the whole life of an order: the earliest warning, the latest prediction, the planner steps and the repair', () => {
    const state = fold([
      prediction('PRED-1', { at: '2024-01-01T05:00:00Z', predictedFailureAt: '2024-01-09T05:00:00Z' }),
      alarm('ALM-1', { raisedAt: '2024-01-01T06:00:00Z' }),
      prediction('PRED-2', { at: '2024-01-01T07:00:00Z', predictedFailureAt: '2024-01-03T07:00:00Z' }),
      approve({ at: '2024-01-01T08:00:00Z' }),
      schedule({ at: '2024-01-01T09:00:00Z' }),
      start(),
      complete(),
    ]);
    expect(workOrdersView(state)).toEqual([
      {
        workOrderId: WO,
        assetId: 'P-101',
        type: 'predictive',
        cause: 'THRESHOLD_EXCEEDED',
        // Opened P3 (192 h to failure), raised to P2 by the HIGH alarm, due 38.4 h after PRED-2.
        priority: 'P2',
        status: 'COMPLETED',
        title: 'P-101: Temperature predicted to exceed 80 °C',
        alarmIds: ['ALM-1'],
        predictionIds: ['PRED-1', 'PRED-2'],
        openedAt: '2024-01-01T05:00:00Z',
        dueAt: '2024-01-02T21:24:00.000Z',
        approvedBy: by,
        approvedAt: '2024-01-01T08:00:00Z',
        scheduledFor: '2024-01-02T08:00:00Z',
        crew: 'crew-B',
        startedAt: '2024-01-02T08:00:00Z',
        completedAt: '2024-01-02T12:00:00Z',
        cancelledAt: null,
        cancelReason: null,
        findings: 'Bearing worn; replaced',
        failure: { mode: 'bearing wear', failedAt: '2024-01-02T06:00:00Z' },
        parts: [{ partNumber: 'BRG-6204', quantity: 2 }],
        labourHours: 3.5,
        scheduleId: null,
        occurrence: null,
        predictedFailureAt: '2024-01-03T07:00:00Z',
        firstWarningAt: '2024-01-01T05:00:00Z',
      },
    ]);
    expect(state.openByCause).toEqual({});
  });

  it('takes the earliest warning even when an attachment arrives late with an earlier time', () => {
    const state = [opened(), { type: 'AlarmAttachedToWorkOrder', data: { workOrderId: WO, assetId: 'P-101', alarmId: 'ALM-0', attachedAt: '2024-01-01T02:00:00+00:00' } } as MaintenanceEvent].reduce(evolve, initialMaintenanceState);
    expect(workOrdersView(state)[0]).toMatchObject({ firstWarningAt: '2024-01-01T02:00:00+00:00' });
  });

  it('reads a v1 WorkOrderOpened (no type, no due date) as a corrective REQUESTED order due by its priority', () => {
    const v1 = { type: 'WorkOrderOpened', data: { workOrderId: WO, assetId: 'P-101', cause: 'THRESHOLD_EXCEEDED', priority: 'P3', title: 'P-101: old', alarmId: 'ALM-OLD', openedAt: '2023-06-01T00:00:00Z' } } as MaintenanceEvent;
    const state = evolve(initialMaintenanceState, v1);
    expect(workOrdersView(state)[0]).toMatchObject({ type: 'corrective', status: 'REQUESTED', priority: 'P3', dueAt: '2023-06-15T00:00:00.000Z', alarmIds: ['ALM-OLD'], predictionIds: [], firstWarningAt: '2023-06-01T00:00:00Z' });
    expect(decide(alarm('ALM-NEW', { severity: 'MEDIUM', raisedAt: '2023-06-02T00:00:00Z' }), state).map((e) => e.type)).toEqual(['AlarmAttachedToWorkOrder']);
  });

  it('remembers the latest occurrence of each preventive schedule', () => {
    const state = fold([preventive(3)]);
    expect(state.lastOccurrenceBySchedule).toEqual({ 'S-LUBE': { occurrence: 3, openedAt: '2024-02-01T00:00:00Z', workOrderId: WO } });
    expect(workOrdersView(state)[0]).toMatchObject({ type: 'preventive', scheduleId: 'S-LUBE', occurrence: 3, firstWarningAt: null, alarmIds: [], predictionIds: [] });
  });

  it('is empty before any work order', () => {
    expect(workOrdersView(initialMaintenanceState)).toEqual([]);
  });
});
