import { notificationFor } from './notification.policy';

describe('notificationFor', () => {
  it('given an AlarmRaised event, then an alarm notification carrying the event id', () => {
    const data = {
      assetId: 'P-101',
      alarmId: 'ALM-R-3',
      cause: 'THRESHOLD_EXCEEDED',
      severity: 'HIGH',
      message: 'Temperature 82 °C > 80 °C; pressure 1550 psi > 1500 psi',
      raisedAt: '2024-01-01T03:00:00Z',
      readingId: 'R-3',
      conditions: [{ metric: 'temperatureC', value: 82, limit: 80, comparator: '>' }],
      profile: 'pump',
    };
    expect(notificationFor({ type: 'AlarmRaised', eventId: 'E-1', assetId: 'P-101', data })).toEqual({
      kind: 'alarm.raised',
      subject: '[HIGH] P-101: Temperature 82 °C > 80 °C; pressure 1550 psi > 1500 psi',
      body: { eventId: 'E-1', eventType: 'AlarmRaised', ...data },
    });
  });

  it('given a WorkOrderOpened event, then a work-order notification', () => {
    const data = { workOrderId: 'WO-P-101-0001', assetId: 'P-101', cause: 'THRESHOLD_EXCEEDED', priority: 'P2', title: 'P-101: ALARM: Predictive Maintenance Required', alarmId: 'ALM-R-3', openedAt: '2024-01-01T03:00:00Z' };
    expect(notificationFor({ type: 'WorkOrderOpened', eventId: 'E-2', assetId: 'P-101', data })).toEqual({
      kind: 'workorder.opened',
      subject: '[P2] Work order WO-P-101-0001 opened: P-101: ALARM: Predictive Maintenance Required',
      body: { eventId: 'E-2', eventType: 'WorkOrderOpened', ...data },
    });
  });

  it('does not let event data overwrite the event id, and leaves out unknown fields', () => {
    const n = notificationFor({ type: 'AlarmRaised', eventId: 'E-3', assetId: 'P-101', data: { eventId: 'forged', severity: 'LOW', secret: 'x' } });
    expect(n?.body).toEqual({ eventId: 'E-3', eventType: 'AlarmRaised', assetId: 'P-101', severity: 'LOW' });
    expect(n?.subject).toBe('[LOW] P-101: alarm raised');
  });

  it.each(['ReadingsApplied', 'TwinStatusChanged', 'AlarmCleared', 'AlarmAttachedToWorkOrder', 'Whatever'])('given %s, then no notification', (type) => {
    expect(notificationFor({ type, eventId: 'E', assetId: 'P-101', data: {} })).toBeNull();
  });
});
