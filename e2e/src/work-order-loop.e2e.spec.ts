import { p101Readings, sendReadings } from '@twinline/cli';
import { waitFor } from '@twinline/testing';
import { getJson, postJson, startHarness, MQTT_URL, type Harness } from './harness';
import { P101_REGISTRATION, testRegistry } from './registry';

/** Priority by alarm severity and the due window by priority (the maintenance rules, MAINTENANCE_RULES). */
const PRIORITY_BY_SEVERITY: Record<string, string> = { CRITICAL: 'P1', HIGH: 'P2', MEDIUM: 'P3', LOW: 'P4' };
const DUE_HOURS_BY_PRIORITY: Record<string, number> = { P1: 24, P2: 72, P3: 336, P4: 720 };

interface WorkOrder {
  workOrderId: string;
  assetId: string;
  type: string;
  cause: string;
  priority: string;
  status: string;
  alarmIds: string[];
  openedAt: string;
  dueAt: string | null;
  approvedBy: string | null;
  scheduledFor: string | null;
  crew: string | null;
  startedAt: string | null;
  completedAt: string | null;
  failure: { mode: string; failedAt: string } | null;
  parts: Array<{ partNumber: string; quantity: number }> | null;
  labourHours: number | null;
}
interface Problem {
  status: number;
  code: string;
  detail: string;
}
interface TwinEventPage {
  items: Array<{ type: string; occurredAt: string; data: Record<string, unknown> }>;
}
interface Reliability {
  assets: Array<{ assetId: string; failures: number; mtbfHours: number | null; mttrHours: number | null; mttfHours: number | null; availability: number | null }>;
  classes: Array<{ assetClass: string; failures: number }>;
}

/**
 * The work-order loop end to end, through the HTTP APIs of the five services: the P-101 readings
 * raise alarms (limits and vibration: P-101 is registered as a pump), the scheduler opens a corrective
 * work order per cause, a planner takes the limit alarms' one through
 * approval, scheduling, start and completion with the failure the crew found, the twin records the
 * completed maintenance, and the reliability figures count the failure.
 */
describe('work-order loop: alarm → work order → planner → twin → reliability', () => {
  let h: Harness;
  const registry = testRegistry([{ assetId: 'P-101', registration: P101_REGISTRATION }]);
  const readings = registry.sign(p101Readings({ seqBase: 0 }));

  beforeAll(async () => {
    h = await startHarness('e2e_wo_loop', registry.env);
  });
  afterAll(async () => {
    await h?.teardown();
  });

  const scheduler = () => h.platform.urls['maintenance-scheduler'];
  const twin = () => h.platform.urls['twin-state'];
  const asPlanner = <T = WorkOrder>(path: string, body: unknown) => postJson<T>(`${scheduler()}/v1/work-orders/${path}`, body, { token: h.tokens.planner });

  it('opens a REQUESTED corrective work order per alarm cause, and lets a planner take it to COMPLETED; the twin and the reliability figures follow', async () => {
    await sendReadings(readings, { via: 'mqtt', mqttUrl: MQTT_URL, ingestionUrl: h.platform.urls.ingestion, site: 'north-field', topicRoot: h.topicRoot });
    // P-101 is registered as a pump: the pump profile (from the asset directory) raises, in each of the two
    // episodes, a limit alarm (THRESHOLD_EXCEEDED) and an ISO 10816-3 vibration alarm (VIBRATION_HIGH).
    const alarms = await waitFor(() => getJson<TwinEventPage>(`${twin()}/v1/assets/P-101/events?type=AlarmRaised&limit=100`, { token: h.tokens.operator }), {
      accept: (r) => r.status === 200 && r.body.items.length === 4,
      what: 'the four P-101 alarms raised by the twin (two episodes, two causes each)',
      timeoutMs: 30_000,
    });
    const raised = alarms.body.items.map((e) => e.data as { alarmId: string; severity: string; raisedAt: string; cause: string });
    expect(raised.map((a) => a.cause)).toEqual(['THRESHOLD_EXCEEDED', 'VIBRATION_HIGH', 'THRESHOLD_EXCEEDED', 'VIBRATION_HIGH']);
    const [first, second] = raised.filter((a) => a.cause === 'THRESHOLD_EXCEEDED');
    const vibration = raised.filter((a) => a.cause === 'VIBRATION_HIGH');

    // Alarm → work order: one order per cause, each holding that cause's two alarms, REQUESTED, corrective.
    const listed = await waitFor(() => getJson<{ items: WorkOrder[] }>(`${scheduler()}/v1/work-orders?assetId=P-101`, { token: h.tokens.operator }), {
      accept: (r) => r.status === 200 && r.body.items.length === 2 && r.body.items.every((o) => o.alarmIds.length === 2),
      what: 'two work orders (one per cause), each holding its two alarms',
    });
    const order = listed.body.items.find((o) => o.cause === 'THRESHOLD_EXCEEDED')!;
    expect(order).toMatchObject({ assetId: 'P-101', type: 'corrective', status: 'REQUESTED', cause: first!.cause, alarmIds: [first!.alarmId, second!.alarmId] });
    const vibrationOrder = listed.body.items.find((o) => o.cause === 'VIBRATION_HIGH')!;
    expect(vibrationOrder).toMatchObject({ assetId: 'P-101', type: 'corrective', status: 'REQUESTED', alarmIds: vibration.map((a) => a.alarmId) });
    // Priority from the alarm severity; due date by the priority at opening (a later alarm only moves it earlier).
    const openingPriority = PRIORITY_BY_SEVERITY[first!.severity]!;
    const openingDue = Date.parse(first!.raisedAt) + DUE_HOURS_BY_PRIORITY[openingPriority]! * 3_600_000;
    if (second!.severity === first!.severity) {
      expect(order.priority).toBe(openingPriority);
      expect(Date.parse(order.dueAt!)).toBe(openingDue);
    } else {
      expect(['P1', 'P2', 'P3', 'P4']).toContain(order.priority);
      expect(Date.parse(order.dueAt!)).toBeLessThanOrEqual(openingDue);
    }
    // The limit alarm comes first in each episode, so its order was opened first.
    const id = order.workOrderId;
    expect(id).toBe('WO-P-101-0001');
    expect(vibrationOrder.workOrderId).toBe('WO-P-101-0002');

    // Only planners (and admins) move work orders; the rules refuse a transition the status does not allow.
    const byOperator = await postJson<Problem>(`${scheduler()}/v1/work-orders/${id}/approve`, {}, { token: h.tokens.operator });
    expect(byOperator.status).toBe(403);
    expect(byOperator.body.code).toBe('AUTH.FORBIDDEN');
    const tooEarly = await asPlanner<Problem>(`${id}/start`, {});
    expect(tooEarly.status).toBe(409);
    expect(tooEarly.contentType).toContain('application/problem+json');
    expect(tooEarly.body.code).toBe('MAINTENANCE.INVALID_TRANSITION');
    expect(tooEarly.body.detail).toContain('REQUESTED');

    const approved = await asPlanner(`${id}/approve`, { note: 'seal suspected' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'APPROVED', approvedBy: 'user:planner' });
    const scheduledFor = new Date(Date.now() + 24 * 3_600_000).toISOString();
    const scheduled = await asPlanner(`${id}/schedule`, { scheduledFor, crew: 'north-field crew A' });
    expect(scheduled.status).toBe(200);
    expect(scheduled.body).toMatchObject({ status: 'SCHEDULED', crew: 'north-field crew A' });
    expect(Date.parse(scheduled.body.scheduledFor!)).toBe(Date.parse(scheduledFor));
    expect((await asPlanner(`${id}/start`, {})).body).toMatchObject({ status: 'IN_PROGRESS' });
    const failure = { mode: 'mechanical-seal-leak', failedAt: first!.raisedAt };
    const completed = await asPlanner(`${id}/complete`, { findings: 'mechanical seal leaking; replaced seal and bearing', failure, parts: [{ partNumber: 'SEAL-MS-40', quantity: 1 }, { partNumber: 'BRG-6205', quantity: 2 }], labourHours: 4.5 });
    expect(completed.status).toBe(200);
    expect(completed.body).toMatchObject({ status: 'COMPLETED', failure, labourHours: 4.5, parts: [{ partNumber: 'SEAL-MS-40', quantity: 1 }, { partNumber: 'BRG-6205', quantity: 2 }] });
    expect((await asPlanner<Problem>(`${id}/cancel`, { reason: 'too late' })).status).toBe(409);

    // The full view, and the read model, show the completed order.
    const full = await getJson<WorkOrder>(`${scheduler()}/v1/work-orders/${id}`, { token: h.tokens.auditor });
    expect(full.body).toMatchObject({ status: 'COMPLETED', approvedBy: 'user:planner', crew: 'north-field crew A', failure });
    await waitFor(() => getJson<{ items: WorkOrder[] }>(`${scheduler()}/v1/work-orders?assetId=P-101&status=COMPLETED`, { token: h.tokens.operator }), {
      accept: (r) => r.body.items.length === 1 && r.body.items[0]!.labourHours === 4.5,
      what: 'the completed order in the work-orders read model',
    });

    // The re-derivation audit decides every recorded command again (the alarms and the planner's) and finds the same events.
    const audit = await getJson<{ ok: boolean; checked: number }>(`${scheduler()}/v1/audit/rederive/work-orders/P-101`, { token: h.tokens.auditor });
    expect(audit.status).toBe(200);
    expect(audit.body).toMatchObject({ ok: true });

    // The twin records MaintenanceCompleted (published on maintenance.workorder.P-101.MaintenanceCompleted).
    const recorded = await waitFor(() => getJson<TwinEventPage>(`${twin()}/v1/assets/P-101/events?type=MaintenanceCompleted&limit=10`, { token: h.tokens.operator }), {
      accept: (r) => r.status === 200 && r.body.items.length === 1,
      what: 'MaintenanceCompleted in the twin history of P-101',
      timeoutMs: 30_000,
    });
    expect(recorded.body.items[0]!.data).toMatchObject({ assetId: 'P-101', workOrderId: id, type: 'corrective', failure });

    // The failure counts in the reliability figures of P-101.
    const reliability = await waitFor(() => getJson<Reliability>(`${scheduler()}/v1/reliability?assetId=P-101`, { token: h.tokens.auditor }), {
      accept: (r) => r.status === 200 && r.body.assets.some((a) => a.assetId === 'P-101' && a.failures === 1),
      what: 'one failure of P-101 in the reliability figures',
    });
    const p101 = reliability.body.assets.find((a) => a.assetId === 'P-101')!;
    for (const figure of [p101.mtbfHours, p101.mttrHours, p101.mttfHours, p101.availability]) expect(typeof figure).toBe('number');
    // Repair time: from the failure to the completion.
    expect(p101.mttrHours!).toBeCloseTo((Date.parse(completed.body.completedAt!) - Date.parse(failure.failedAt)) / 3_600_000, 1);
    expect(reliability.body.classes.reduce((n, c) => n + c.failures, 0)).toBe(1);
  });
});
