import { waitFor } from '@twinline/testing';
import { getJson, postJson, startHarness, type Harness } from './harness';
import { P101_REGISTRATION, testRegistry } from './registry';

interface TwinEventPage {
  items: Array<{ type: string; occurredAt: string; data: Record<string, unknown> }>;
}
interface WorkOrder {
  workOrderId: string;
  assetId: string;
  type: string;
  cause: string;
  priority: string;
  status: string;
  alarmIds: string[];
  predictionIds?: string[];
  openedAt: string;
  dueAt: string | null;
}
interface FailurePredicted {
  predictionId: string;
  cause: string;
  metric: string;
  predictedFailureAt: string;
  earliestAt?: string;
  at: string;
}

const ASSET = 'P-301';
const HOUR = 3_600_000;

/**
 * The promise of predictive maintenance, end to end through the five services: a pump's temperature
 * climbs while still under its 80 °C limit; the twin's trend predicts the breach (FailurePredicted,
 * with a remaining-life estimate), the scheduler opens a predictive work order due before the
 * predicted failure, and when the limit is crossed hours later the alarm joins that same order —
 * the planner had the warning before the alarm.
 */
describe('prediction loop: rising trend → FailurePredicted → predictive work order → the alarm joins it', () => {
  let h: Harness;
  const registry = testRegistry([{ assetId: ASSET, registration: P101_REGISTRATION }]);
  // Half-hourly readings from 6 h ago: 60 °C climbing 4 °C an hour (the twin's trend needs 6 half-hour buckets).
  const start = Math.floor(Date.now() / HOUR) * HOUR - 6 * HOUR;
  const reading = (i: number, temperatureC: number) => ({
    deviceId: `${ASSET}-edge`,
    assetId: ASSET,
    seq: i + 1,
    ts: new Date(start + i * 0.5 * HOUR).toISOString(),
    // Vibration moves a little: integrity calls a sensor that repeats one value for long stuck.
    metrics: { temperatureC, pressurePsi: 1200 + i, vibrationMmS: i % 2 === 0 ? 1.9 : 2.0 },
  });
  const rising = registry.sign(Array.from({ length: 7 }, (_, i) => reading(i, 60 + 2 * i)));
  const crossing = registry.sign([reading(7, 76), reading(8, 79), reading(9, 82)]);

  beforeAll(async () => {
    h = await startHarness('e2e_prediction', registry.env);
  });
  afterAll(async () => {
    await h?.teardown();
  });

  const twin = () => h.platform.urls['twin-state'];
  const scheduler = () => h.platform.urls['maintenance-scheduler'];
  const events = (type: string) => getJson<TwinEventPage>(`${twin()}/v1/assets/${ASSET}/events?type=${type}&limit=100`, { token: h.tokens.operator });

  it('predicts the breach before the limit is crossed and opens a predictive work order the later alarm joins', async () => {
    for (const r of rising) expect((await postJson(`${h.platform.urls.ingestion}/v1/telemetry`, r)).status).toBe(202);

    // The twin predicts the breach of 80 °C while every reading is still under it.
    const predicted = await waitFor(() => events('FailurePredicted'), {
      accept: (r) => r.status === 200 && r.body.items.length >= 1,
      what: `a FailurePredicted on ${ASSET} after the rising temperatures`,
      timeoutMs: 30_000,
    });
    const prediction = predicted.body.items[0]!.data as unknown as FailurePredicted;
    const lastRising = Date.parse(rising[rising.length - 1]!.ts);
    expect(prediction).toMatchObject({ cause: 'THRESHOLD_EXCEEDED', metric: 'temperatureC' });
    // 72 °C climbing 4 °C/h crosses 80 °C about 2 h after the last reading (the fitted line decides exactly).
    const hoursAhead = (Date.parse(prediction.predictedFailureAt) - lastRising) / HOUR;
    expect(hoursAhead).toBeGreaterThan(1);
    expect(hoursAhead).toBeLessThan(3.5);
    if (prediction.earliestAt) expect(Date.parse(prediction.earliestAt)).toBeLessThanOrEqual(Date.parse(prediction.predictedFailureAt));
    expect((await events('AlarmRaised')).body.items).toEqual([]);
    const state = await getJson<{ status: string; prediction: { rul: { rulHours: number; lowerHours: number | null; upperHours: number | null } | null } }>(`${twin()}/v1/assets/${ASSET}`, { token: h.tokens.operator });
    expect(state.body.status).toBe('OPERATIONAL');
    expect(state.body.prediction.rul).not.toBeNull();
    expect(state.body.prediction.rul!.rulHours).toBeGreaterThan(0);

    // The scheduler opens a predictive work order for the cause, due before the predicted failure.
    const opened = await waitFor(() => getJson<{ items: WorkOrder[] }>(`${scheduler()}/v1/work-orders?assetId=${ASSET}`, { token: h.tokens.planner }), {
      accept: (r) => r.status === 200 && r.body.items.length === 1,
      what: `a predictive work order for ${ASSET}`,
    });
    const order = opened.body.items[0]!;
    expect(order).toMatchObject({ assetId: ASSET, type: 'predictive', cause: 'THRESHOLD_EXCEEDED', status: 'REQUESTED', alarmIds: [] });
    expect(Date.parse(order.dueAt!)).toBeLessThanOrEqual(Date.parse(prediction.predictedFailureAt));

    // Hours later the limit is crossed: the alarm joins the open order of its cause — no second order.
    for (const r of crossing) expect((await postJson(`${h.platform.urls.ingestion}/v1/telemetry`, r)).status).toBe(202);
    const alarms = await waitFor(() => events('AlarmRaised'), {
      accept: (r) => r.status === 200 && r.body.items.length === 1,
      what: `the ${ASSET} limit alarm`,
    });
    const alarm = alarms.body.items[0]!.data as { alarmId: string; cause: string; raisedAt: string };
    expect(alarm.cause).toBe('THRESHOLD_EXCEEDED');
    // The warning came first: the prediction's reading is older than the alarm's.
    expect(Date.parse(prediction.at)).toBeLessThan(Date.parse(alarm.raisedAt));
    const joined = await waitFor(() => getJson<{ items: WorkOrder[] }>(`${scheduler()}/v1/work-orders?assetId=${ASSET}`, { token: h.tokens.planner }), {
      accept: (r) => r.status === 200 && r.body.items.length === 1 && r.body.items[0]!.alarmIds.includes(alarm.alarmId),
      what: 'the alarm attached to the predictive work order',
    });
    expect(joined.body.items[0]).toMatchObject({ workOrderId: order.workOrderId, type: 'predictive' });
  });
});
