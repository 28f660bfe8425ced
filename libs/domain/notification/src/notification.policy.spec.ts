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

  it('given a SecurityViolationDetected event, then a security-violation notification naming asset, rules, devices and count', () => {
    const data = { assetId: 'P-101', at: '2024-01-01T03:00:00Z', readingId: 'R-9', rules: ['signature', 'replay'], deviceIds: ['P-101-edge', 'X-1'], count: 3 };
    expect(notificationFor({ type: 'SecurityViolationDetected', eventId: 'E-4', assetId: 'P-101', data })).toEqual({
      kind: 'security-violation',
      subject: '[SECURITY] P-101: 3 readings broke security rules (signature, replay) from devices P-101-edge, X-1',
      body: { eventId: 'E-4', eventType: 'SecurityViolationDetected', ...data },
    });
    const one = notificationFor({ type: 'SecurityViolationDetected', eventId: 'E-5', assetId: 'P-101', data: { ...data, rules: ['device'], deviceIds: [], count: 1 } });
    expect(one?.subject).toBe('[SECURITY] P-101: 1 reading broke security rules (device) from no registered device');
    const single = notificationFor({ type: 'SecurityViolationDetected', eventId: 'E-6', assetId: 'P-101', data: { ...data, deviceIds: ['P-101-edge'], count: 1 } });
    expect(single?.subject).toBe('[SECURITY] P-101: 1 reading broke security rules (signature, replay) from device P-101-edge');
    const flood = notificationFor({ type: 'SecurityViolationDetected', eventId: 'E-7', assetId: 'P-101', data: { ...data, rules: ['device'], deviceIds: ['A', 'B', 'C', 'D', 'E', 'F', 'G'], count: 700 } });
    expect(flood?.subject).toBe('[SECURITY] P-101: 700 readings broke security rules (device) from devices A, B, C, D, E and 2 more');
  });

  it('given a SensorFaultDetected event, then a sensor-fault notification saying the twin is blind', () => {
    const data = { assetId: 'P-202', at: '2024-01-01T03:00:00Z', readingId: 'R-5', violations: 5, rules: ['finite', 'range'] };
    expect(notificationFor({ type: 'SensorFaultDetected', eventId: 'E-7', assetId: 'P-202', data })).toEqual({
      kind: 'sensor-fault',
      subject: '[SENSOR FAULT] P-202: the twin is blind, 5 readings in a row failed data checks (finite, range)',
      body: { eventId: 'E-7', eventType: 'SensorFaultDetected', ...data },
    });
  });

  it('words security and sensor-fault subjects without the counts or lists it was not given', () => {
    expect(notificationFor({ type: 'SecurityViolationDetected', eventId: 'E', assetId: 'P-1', data: { count: 'many', rules: 'x' } })?.subject).toBe('[SECURITY] P-1: readings broke security rules from no registered device');
    expect(notificationFor({ type: 'SensorFaultDetected', eventId: 'E', assetId: 'P-1', data: {} })?.subject).toBe('[SENSOR FAULT] P-1: the twin is blind, readings keep failing data checks');
  });

  it.each(['ReadingsApplied', 'TwinStatusChanged', 'AlarmCleared', 'AlarmAttachedToWorkOrder', 'ReadingsQuarantined', 'SensorFaultCleared', 'Whatever'])('given %s, then no notification', (type) => {
    expect(notificationFor({ type, eventId: 'E', assetId: 'P-101', data: {} })).toBeNull();
  });
});
