import type { AlarmSeverity, ConsumedAlarm, MaintenanceEvent } from '@twinline/contracts';
import * as fc from 'fast-check';
import { workOrdersAt, assetIdOfWorkOrder } from './maintenance.at';
import type { MaintenanceCommand } from './maintenance.commands';
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

type Stored = AuditedWorkOrderEvent & { occurredAt: string };

/** The scheduler's stored events as it records them now: each with the deciding command (`metadata.command`, without assetId). */
function storeCommands(commands: readonly MaintenanceCommand[]): Stored[] {
  let state = initialMaintenanceState;
  const stored: Stored[] = [];
  for (const command of commands) {
    const { assetId: _assetId, ...data } = command.data;
    let decided: MaintenanceEvent[];
    try {
      decided = decide(command, state);
    } catch {
      continue; // rejected (the adapter answers 4xx and stores nothing)
    }
    for (const event of decided) {
      state = evolve(state, event);
      stored.push({ eventId: `E-${stored.length + 1}`, type: event.type, streamVersion: stored.length + 1, data: event.data, occurredAt: at(0), metadata: { command: { type: command.type, data }, rules: { version: 'r2' } } });
    }
  }
  return stored;
}

describe('rederiveWorkOrders: every command recorded', () => {
  const WO = 'WO-P-101-0001';
  const planner = 'planner-anna';
  const lifecycle: MaintenanceCommand[] = [
    { type: 'HandleAlarm', data: { assetId: 'P-101', ...alarm('ALM-1', 1) } },
    { type: 'HandleAlarm', data: { assetId: 'P-101', ...alarm('ALM-2', 2, { severity: 'CRITICAL' }) } },
    { type: 'HandlePrediction', data: { assetId: 'P-101', predictionId: 'PRED-1', cause: 'THRESHOLD_EXCEEDED', predictedFailureAt: at(600), message: 'failure predicted', at: at(3) } },
    { type: 'HandleRulEstimate', data: { assetId: 'P-101', cause: 'THRESHOLD_EXCEEDED', rulHours: 2, at: at(4) } },
    { type: 'ApproveWorkOrder', data: { assetId: 'P-101', workOrderId: WO, by: planner, at: at(5) } },
    { type: 'ScheduleWorkOrder', data: { assetId: 'P-101', workOrderId: WO, scheduledFor: at(60), crew: 'crew-B', by: planner, at: at(6) } },
    { type: 'StartWorkOrder', data: { assetId: 'P-101', workOrderId: WO, by: planner, at: at(60) } },
    { type: 'CompleteWorkOrder', data: { assetId: 'P-101', workOrderId: WO, by: planner, at: at(120), findings: 'seal replaced', failure: { mode: 'seal leak', failedAt: at(50) }, parts: [{ partNumber: 'SEAL-9', quantity: 1, description: 'mechanical seal' }], labourHours: 2 } },
    { type: 'OpenPreventive', data: { assetId: 'P-101', scheduleId: 'S-1', occurrence: 1, title: 'Lubricate', dueAt: at(2000), at: at(130) } },
    { type: 'CancelWorkOrder', data: { assetId: 'P-101', workOrderId: 'WO-P-101-0002', by: planner, at: at(131), reason: 'done with the repair' } },
  ];

  it('given a whole life of work orders (several events per command), when re-derived, then no divergence', () => {
    const events = storeCommands(lifecycle);
    expect(events.map((e) => e.type)).toEqual([
      'WorkOrderOpened',
      'AlarmAttachedToWorkOrder',
      'WorkOrderPriorityRaised',
      'PredictionAttachedToWorkOrder',
      'WorkOrderPriorityRaised',
      // The remaining useful life (2 h) moves the due date once more.
      'WorkOrderPriorityRaised',
      'WorkOrderApproved',
      'WorkOrderScheduled',
      'WorkOrderStarted',
      'WorkOrderCompleted',
      'MaintenanceCompleted',
      'WorkOrderOpened',
      'WorkOrderCancelled',
    ]);
    expect(rederiveWorkOrders('P-101', events)).toEqual({ ok: true, events: 13, checked: 13, unchecked: 0, rulesVersions: ['r2'] });
  });

  it('compares data, not the order of its keys (a store may reorder them)', () => {
    const events = storeCommands(lifecycle).map((e) => ({ ...e, data: Object.fromEntries(Object.entries(e.data as object).reverse()) }));
    expect(rederiveWorkOrders('P-101', events)).toMatchObject({ ok: true });
  });

  it('given an edited crew in a planner transition, when re-derived, then the field and the command are named', () => {
    const doctored = storeCommands(lifecycle).map((e) => (e.type === 'WorkOrderScheduled' ? { ...e, data: { ...(e.data as object), crew: 'crew-Z' } } : e));
    expect(rederiveWorkOrders('P-101', doctored)).toMatchObject({
      ok: false,
      divergence: { kind: 'different', streamVersion: 8, command: { type: 'ScheduleWorkOrder' }, differences: [{ path: 'crew', stored: 'crew-Z', derived: 'crew-B' }], rulesVersion: 'r2', message: 'version 8: stored WorkOrderScheduled for ScheduleWorkOrder WO-P-101-0001 differs from the derived WorkOrderScheduled in crew' },
    });
  });

  it('given a planner transition the rules reject (the approval removed), when re-derived, then the start is unexpected', () => {
    const events = storeCommands(lifecycle);
    const doctored = events.filter((e) => e.type !== 'WorkOrderApproved' && e.type !== 'WorkOrderScheduled').map((e, i) => ({ ...e, streamVersion: i + 1 }));
    expect(rederiveWorkOrders('P-101', doctored)).toMatchObject({
      ok: false,
      divergence: { kind: 'unexpected', streamVersion: 7, stored: { type: 'WorkOrderStarted' }, derived: null, message: expect.stringContaining('MAINTENANCE.INVALID_TRANSITION work order WO-P-101-0001 is REQUESTED: start needs APPROVED or SCHEDULED') },
    });
  });

  it('given a priority raise removed after an attachment, when re-derived, then it is missing after the attachment', () => {
    const doctored = storeCommands(lifecycle)
      .filter((e) => e.streamVersion !== 3)
      .map((e, i) => ({ ...e, streamVersion: i + 1 }));
    expect(rederiveWorkOrders('P-101', doctored)).toMatchObject({
      ok: false,
      divergence: { kind: 'missing', streamVersion: 3, stored: null, derived: { type: 'WorkOrderPriorityRaised' }, message: 'after version 2: HandleAlarm ALM-2 also decides WorkOrderPriorityRaised, which the stream does not hold' },
    });
  });

  it('given the MaintenanceCompleted of the last command removed, when re-derived, then it is missing', () => {
    const events = storeCommands(lifecycle.slice(0, 8));
    expect(rederiveWorkOrders('P-101', events.slice(0, -1))).toMatchObject({ ok: false, divergence: { kind: 'missing', streamVersion: 11, eventId: null, stored: null, derived: { type: 'MaintenanceCompleted' } } });
  });

  it('given a v1 stream (no type or due date, one event per alarm, only the alarm recorded), when re-derived, then no divergence', () => {
    const v1 = (e: Stored): Stored => {
      if (e.type !== 'WorkOrderOpened') return e;
      const { type: _type, dueAt: _dueAt, ...data } = e.data as Record<string, unknown>;
      return { ...e, data };
    };
    // ALM-2 is CRITICAL: the current rules raise the order's priority after attaching it; v1 did not.
    const events = store([alarm('ALM-1', 1), alarm('ALM-2', 2, { severity: 'CRITICAL' }), alarm('ALM-3', 3, { cause: 'SENSOR_FAULT' })])
      .filter((e) => e.type !== 'WorkOrderPriorityRaised')
      .map((e, i) => v1({ ...e, streamVersion: i + 1 }));
    expect(events.map((e) => e.type)).toEqual(['WorkOrderOpened', 'AlarmAttachedToWorkOrder', 'WorkOrderOpened']);
    expect(rederiveWorkOrders('P-101', events)).toEqual({ ok: true, events: 3, checked: 3, unchecked: 0, rulesVersions: ['r1'] });
    expect(workOrdersAt(events, at(10)).orders['WO-P-101-0001']).toMatchObject({ type: 'corrective', status: 'REQUESTED', priority: 'P2', dueAt: '2024-01-04T00:01:00.000Z' });
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

  it('re-derivation of any history of mixed commands (alarms, predictions, estimates, preventive, planner steps) finds no divergence', () => {
    const causes = ['THRESHOLD_EXCEEDED', 'VIBRATION'] as const;
    const commandArb = fc.oneof(
      fc.record({ id: fc.integer({ min: 1, max: 8 }), cause: fc.constantFrom(...causes), severity: fc.constantFrom(...SEVERITIES) }).map((a) => (i: number): MaintenanceCommand => ({ type: 'HandleAlarm', data: { assetId: 'P-101', ...alarm(`ALM-${a.id}`, i, { cause: a.cause, severity: a.severity }) } })),
      fc.record({ id: fc.integer({ min: 1, max: 8 }), cause: fc.constantFrom(...causes), hours: fc.integer({ min: -10, max: 800 }) }).map(
        (p) =>
          (i: number): MaintenanceCommand => ({ type: 'HandlePrediction', data: { assetId: 'P-101', predictionId: `PRED-${p.id}`, cause: p.cause, predictedFailureAt: at(i + p.hours * 60), message: 'failure predicted', at: at(i) } }),
      ),
      fc.record({ cause: fc.constantFrom(...causes), rulHours: fc.integer({ min: 0, max: 800 }) }).map((r) => (i: number): MaintenanceCommand => ({ type: 'HandleRulEstimate', data: { assetId: 'P-101', cause: r.cause, rulHours: r.rulHours, at: at(i) } })),
      fc.integer({ min: 1, max: 4 }).map((occurrence) => (i: number): MaintenanceCommand => ({ type: 'OpenPreventive', data: { assetId: 'P-101', scheduleId: 'S-1', occurrence, title: 'Lubricate', dueAt: at(i + 600), at: at(i) } })),
      fc.record({ n: fc.integer({ min: 1, max: 4 }), step: fc.constantFrom('ApproveWorkOrder', 'ScheduleWorkOrder', 'StartWorkOrder', 'CompleteWorkOrder', 'CancelWorkOrder') }).map(({ n, step }) => (i: number): MaintenanceCommand => {
        const base = { assetId: 'P-101', workOrderId: `WO-P-101-000${n}`, by: 'planner', at: at(i) };
        switch (step) {
          case 'ApproveWorkOrder':
          case 'StartWorkOrder':
            return { type: step, data: base };
          case 'ScheduleWorkOrder':
            return { type: step, data: { ...base, scheduledFor: at(i + 60), crew: 'crew-A' } };
          case 'CompleteWorkOrder':
            return { type: step, data: { ...base, findings: 'done', failure: i % 2 ? { mode: 'wear', failedAt: at(i - 5) } : null, parts: [], labourHours: 1 } };
          default:
            return { type: 'CancelWorkOrder', data: { ...base, reason: 'not needed' } };
        }
      }),
    );
    fc.assert(
      fc.property(fc.array(commandArb, { minLength: 1, maxLength: 40 }), (makers) => {
        const events = storeCommands(makers.map((make, i) => make(i)));
        expect(rederiveWorkOrders('P-101', events)).toMatchObject({ ok: true, unchecked: 0, checked: events.length });
      }),
    );
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
