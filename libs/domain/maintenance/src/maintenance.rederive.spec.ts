import type { AlarmSeverity, ConsumedAlarm } from '@twinline/contracts';
import * as fc from 'fast-check';
import { workOrdersAt, assetIdOfWorkOrder } from './maintenance.at';
import { decide } from './maintenance.decide';
import { evolve } from './maintenance.evolve';
import { rederiveWorkOrders, type AuditedWorkOrderEvent } from './maintenance.rederive';
import { initialMaintenanceState, type MaintenanceState } from './maintenance.state';

const T0 = Date.parse('2024-01-01T00:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const alarm = (id: string, minute: number, over: Partial<ConsumedAlarm> = {}): ConsumedAlarm => ({ alarmId: id, cause: 'THRESHOLD_EXCEEDED', severity: 'HIGH', message: 'Temperature 82 °C > 80 °C', raisedAt: at(minute), ...over });

/** The scheduler's stored events for alarms consumed in this order (redeliveries decide nothing). */
function store(alarms: readonly ConsumedAlarm[]): Array<AuditedWorkOrderEvent & { occurredAt: string }> {
  let state = initialMaintenanceState;
  const stored: Array<AuditedWorkOrderEvent & { occurredAt: string }> = [];
  for (const a of alarms) {
    for (const event of decide({ type: 'HandleAlarm', data: { assetId: 'P-101', ...a } }, state)) {
      state = evolve(state, event);
      stored.push({ eventId: `E-${stored.length + 1}`, type: event.type, streamVersion: stored.length + 1, data: event.data, occurredAt: a.raisedAt, metadata: { alarm: a, rules: { version: 'r1' } } });
    }
  }
  return stored;
}

describe('rederiveWorkOrders', () => {
  const alarms = [alarm('ALM-1', 1), alarm('ALM-2', 2), alarm('ALM-3', 3, { cause: 'SENSOR_FAULT', severity: 'CRITICAL' }), alarm('ALM-1', 4)];

  it('given the work orders decided from consumed alarms, when re-derived, then no divergence', () => {
    expect(rederiveWorkOrders('P-101', store(alarms))).toEqual({ ok: true, events: 3, checked: 3, unchecked: 0, rulesVersions: ['r1'] });
  });

  it('given an edited priority, when re-derived, then the field is named', () => {
    const doctored = store(alarms).map((e) => (e.type === 'WorkOrderOpened' && e.streamVersion === 3 ? { ...e, data: { ...(e.data as object), priority: 'P4' } } : e));
    expect(rederiveWorkOrders('P-101', doctored)).toMatchObject({ ok: false, divergence: { kind: 'different', streamVersion: 3, differences: [{ path: 'priority', stored: 'P4', derived: 'P1' }], rulesVersion: 'r1' } });
  });

  it('given a deleted work order, when re-derived, then the next one is numbered differently', () => {
    const events = store([alarm('ALM-1', 1), alarm('ALM-9', 2, { cause: 'SENSOR_FAULT' })]);
    const doctored = events.slice(1).map((e, i) => ({ ...e, streamVersion: i + 1 }));
    expect(rederiveWorkOrders('P-101', doctored)).toMatchObject({ ok: false, divergence: { kind: 'different', streamVersion: 1, differences: [{ path: 'workOrderId', stored: 'WO-P-101-0002', derived: 'WO-P-101-0001' }] } });
  });

  it('given an alarm decided twice, when re-derived, then the second decision is unexpected', () => {
    const events = store([alarm('ALM-1', 1)]);
    const doctored = [...events, { ...events[0]!, eventId: 'again', streamVersion: 2 }];
    expect(rederiveWorkOrders('P-101', doctored)).toMatchObject({ ok: false, divergence: { kind: 'unexpected', streamVersion: 2, derived: null } });
  });

  it('folds events without a recorded alarm as stored, and counts them unchecked', () => {
    const events = store(alarms).map((e, i) => (i === 0 ? { ...e, metadata: {} } : e));
    expect(rederiveWorkOrders('P-101', events)).toMatchObject({ ok: true, checked: 2, unchecked: 1 });
  });
});

describe('work orders: properties', () => {
  const SEVERITIES: AlarmSeverity[] = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
  const alarmsArb = fc.array(fc.record({ id: fc.integer({ min: 1, max: 12 }), cause: fc.constantFrom('THRESHOLD_EXCEEDED', 'SENSOR_FAULT', 'VIBRATION'), severity: fc.constantFrom(...SEVERITIES) }), { minLength: 1, maxLength: 30 }).map((raw) =>
    raw.map((a, i) => alarm(`ALM-${a.id}`, i, { cause: a.cause, severity: a.severity })),
  );

  it('re-derivation of any history the rules produced finds no divergence', () => {
    fc.assert(fc.property(alarmsArb, (alarms) => expect(rederiveWorkOrders('P-101', store(alarms))).toMatchObject({ ok: true, unchecked: 0 })));
  });

  it('the work orders at any time equal those decided from the alarms raised up to that time', () => {
    fc.assert(
      fc.property(alarmsArb, fc.integer({ min: -1, max: 31 }), (alarms, minute) => {
        const expected = alarms.filter((a) => Date.parse(a.raisedAt) <= Date.parse(at(minute))).reduce<MaintenanceState>((s, a) => decide({ type: 'HandleAlarm', data: { assetId: 'P-101', ...a } }, s).reduce(evolve, s), initialMaintenanceState);
        expect(workOrdersAt(store(alarms), at(minute))).toEqual(expected);
      }),
    );
  });
});

describe('workOrdersAt and assetIdOfWorkOrder', () => {
  it('compares instants, not text, and rejects a time it cannot read', () => {
    const events = store([alarm('ALM-1', 60)]);
    expect(workOrdersAt(events, '2024-01-01T01:30:00+01:00').count).toBe(0);
    expect(workOrdersAt(events, '2024-01-01T01:00:00.000Z').count).toBe(1);
    expect(() => workOrdersAt(events, 'yesterday')).toThrow(expect.objectContaining({ code: 'MAINTENANCE.INVALID_TIME' }));
  });

  it('reads the asset out of a work-order id', () => {
    expect(assetIdOfWorkOrder('WO-P-101-0001')).toBe('P-101');
    expect(assetIdOfWorkOrder('WO-A-B-12345')).toBe('A-B');
    expect(assetIdOfWorkOrder('P-101')).toBeNull();
  });
});
