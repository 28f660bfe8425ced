import type { AlarmSeverity, MaintenanceEvent } from '@twinline/contracts';
import { specFor } from '@twinline/testing';
import type { HandleAlarm } from './maintenance.commands';
import { decide, priorityForSeverity } from './maintenance.decide';
import { maintenanceDecider } from './maintenance.decider';
import { evolve } from './maintenance.evolve';
import { initialMaintenanceState } from './maintenance.state';
import { workOrdersView } from './maintenance.view';

const given = specFor(maintenanceDecider);

const alarm = (alarmId: string, over: Partial<HandleAlarm['data']> = {}): HandleAlarm => ({
  type: 'HandleAlarm',
  data: { assetId: 'P-101', alarmId, cause: 'THRESHOLD_EXCEEDED', severity: 'HIGH', message: 'ALARM: Predictive Maintenance Required', raisedAt: '2024-01-01T03:00:00Z', ...over },
});

const opened = (over: Partial<Extract<MaintenanceEvent, { type: 'WorkOrderOpened' }>['data']> = {}): MaintenanceEvent => ({
  type: 'WorkOrderOpened',
  data: {
    workOrderId: 'WO-P-101-0001',
    assetId: 'P-101',
    cause: 'THRESHOLD_EXCEEDED',
    priority: 'P2',
    title: 'P-101: ALARM: Predictive Maintenance Required',
    alarmId: 'ALM-R-3',
    openedAt: '2024-01-01T03:00:00Z',
    ...over,
  },
});

describe('maintenance decider', () => {
  it('given no work orders, when an alarm is raised, then a work order is opened', () => {
    given().when(alarm('ALM-R-3')).then([opened()]);
  });

  it('given an open work order for the cause, when another alarm of that cause is raised, then it is attached', () => {
    given(opened())
      .when(alarm('ALM-R-7', { raisedAt: '2024-01-01T07:00:00Z' }))
      .then([{ type: 'AlarmAttachedToWorkOrder', data: { workOrderId: 'WO-P-101-0001', assetId: 'P-101', alarmId: 'ALM-R-7', attachedAt: '2024-01-01T07:00:00Z' } }]);
  });

  it('given an open work order, when an alarm of another cause is raised, then a second work order is opened', () => {
    given(opened())
      .when(alarm('ALM-R-9', { cause: 'SENSOR_FAULT', severity: 'CRITICAL', message: 'Sensor fault', raisedAt: '2024-01-01T09:00:00Z' }))
      .then([opened({ workOrderId: 'WO-P-101-0002', cause: 'SENSOR_FAULT', priority: 'P1', title: 'P-101: Sensor fault', alarmId: 'ALM-R-9', openedAt: '2024-01-01T09:00:00Z' })]);
  });

  it('given an alarm that opened a work order, when it is redelivered, then nothing happens', () => {
    given(opened()).when(alarm('ALM-R-3')).then([]);
  });

  it('given an alarm that was attached, when it is redelivered, then nothing happens', () => {
    given(opened(), { type: 'AlarmAttachedToWorkOrder', data: { workOrderId: 'WO-P-101-0001', assetId: 'P-101', alarmId: 'ALM-R-7', attachedAt: '2024-01-01T07:00:00Z' } })
      .when(alarm('ALM-R-7'))
      .then([]);
  });

  it('given the work orders of P-101, when an alarm of another asset arrives, then MAINTENANCE.ASSET_MISMATCH', () => {
    given(opened()).when(alarm('ALM-X', { assetId: 'C-201' })).thenThrows('MAINTENANCE.ASSET_MISMATCH');
  });

  it('numbers work orders per asset with four digits, growing beyond 9999', () => {
    const state = { ...initialMaintenanceState, assetId: 'P-101', count: 9999 };
    expect(decide(alarm('A'), state)[0]?.data).toMatchObject({ workOrderId: 'WO-P-101-10000' });
    expect(decide(alarm('A'), { ...state, count: 41 })[0]?.data).toMatchObject({ workOrderId: 'WO-P-101-0042' });
  });

  it.each([
    ['CRITICAL', 'P1'],
    ['HIGH', 'P2'],
    ['MEDIUM', 'P3'],
    ['LOW', 'P4'],
  ] as const)('maps severity %s to priority %s', (severity: AlarmSeverity, priority) => {
    expect(priorityForSeverity(severity)).toBe(priority);
  });
});

describe('workOrdersView', () => {
  it('lists the orders in opening order with every alarm attached', () => {
    const commands = [alarm('ALM-1'), alarm('ALM-2', { cause: 'SENSOR_FAULT', severity: 'LOW', message: 'Sensor fault' }), alarm('ALM-3'), alarm('ALM-3')];
    const state = commands.reduce((s, c) => decide(c, s).reduce(evolve, s), initialMaintenanceState);
    expect(workOrdersView(state)).toEqual([
      { workOrderId: 'WO-P-101-0001', assetId: 'P-101', cause: 'THRESHOLD_EXCEEDED', priority: 'P2', status: 'OPEN', title: 'P-101: ALARM: Predictive Maintenance Required', alarmIds: ['ALM-1', 'ALM-3'], openedAt: '2024-01-01T03:00:00Z' },
      { workOrderId: 'WO-P-101-0002', assetId: 'P-101', cause: 'SENSOR_FAULT', priority: 'P4', status: 'OPEN', title: 'P-101: Sensor fault', alarmIds: ['ALM-2'], openedAt: '2024-01-01T03:00:00Z' },
    ]);
    expect(state.count).toBe(2);
  });

  it('is empty before any work order', () => {
    expect(workOrdersView(initialMaintenanceState)).toEqual([]);
  });
});
