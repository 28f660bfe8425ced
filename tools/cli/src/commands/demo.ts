import type { Platform } from '../platform';
import { P101_START, P101_TABLE, p101Readings } from '../seed';
import { sendReadings } from '../send';
import { deviceSecret, signAll } from '../dev-registry';
import { getJson, poll } from '../api';
import { markdownTable } from '../table';

interface AssetView {
  status: string;
  label: string;
  readingsApplied: number;
  lastReadingTs?: string | null;
}

/**
 * The P-101 demo: sends the source study's ten readings over MQTT (HTTP when MQTT is off), waits
 * for the twin, then prints the study's Table 1 from the twin's history (`?at=` each row's time),
 * and the alarms (per cause), work orders (one per cause) and notifications that followed.
 */
export async function runDemo(platform: Platform, o: { mqttUrl: string; token: string }): Promise<void> {
  const get = <T>(url: string) => getJson<T>(url, o.token);
  const twinUrl = `${platform.urls['twin-state']}/v1/assets/P-101`;
  const twin = await get<AssetView>(twinUrl).catch(() => null);
  const before = twin?.readingsApplied ?? 0;
  // The study's times on a fresh platform; on a later run the next day after the last reading, as
  // a device's readings must not go back in time (integrity's order rule).
  const start = twin?.lastReadingTs ? Math.max(P101_START, Math.floor(Date.parse(twin.lastReadingTs) / 86_400_000 + 1) * 86_400_000) : P101_START;
  // Signed like a device does, with the demo device's secret (`twinline up` generated it).
  const readings = signAll(p101Readings({ seqBase: Date.now(), start }), (deviceId) => deviceSecret(deviceId));
  const via = o.mqttUrl === 'off' ? 'http' : 'mqtt';
  console.log(`\n▶ demo: sending the P-101 table (${readings.length} readings) over ${via.toUpperCase()}…`);
  await sendReadings(readings, { via, mqttUrl: o.mqttUrl, ingestionUrl: platform.urls.ingestion, site: 'demo-site', topicRoot: process.env.MQTT_TOPIC_ROOT ?? 'twinline' });
  await poll(() => get<AssetView>(twinUrl), (v) => v.readingsApplied >= before + readings.length, 30_000, 'the twin to apply the readings');

  const rows: string[][] = [];
  for (const [i, r] of readings.entries()) {
    const at = await get<AssetView>(`${twinUrl}?at=${encodeURIComponent(r.ts)}`);
    rows.push([r.ts.replace('T', ' ').replace('Z', ''), 'P-101', String(r.metrics.pressurePsi), String(r.metrics.temperatureC), r.metrics.vibrationMmS.toFixed(1), at.label, P101_TABLE[i]!.status === 'ALARM' ? 'ALARM' : 'Operational']);
  }
  console.log('\nTable 1 — P-101 twin (status from the stored history at each reading time):\n');
  console.log(markdownTable(['Timestamp', 'Pump', 'Pressure (PSI)', 'Temperature (°C)', 'Vibration (mm/s)', 'Twin status', 'Study'], rows));

  // The alarms of this run, per cause. P-101 is registered as a pump (dev-registry.ts), so twin-state
  // decides it by the pump profile (the class comes from the asset directory): the study's limits
  // (THRESHOLD_EXCEEDED) and ISO 10816-3 vibration zones (VIBRATION_HIGH, ALARM from 4.5 mm/s).
  const span = `from=${encodeURIComponent(readings[0]!.ts)}&to=${encodeURIComponent(readings[readings.length - 1]!.ts)}`;
  const raised = (await get<{ items: Array<{ data: { alarmId: string; cause: string; message: string; raisedAt: string } }> }>(`${twinUrl}/events?type=AlarmRaised&${span}&limit=1000`)).items.map((e) => e.data);
  const causes = [...new Set(raised.map((a) => a.cause))];
  console.log(`\nAlarms raised: ${raised.length}${causes.length ? ` (${causes.map((c) => `${c} ${raised.filter((a) => a.cause === c).length}`).join(', ')})` : ''}`);
  for (const a of raised) console.log(`  ${a.raisedAt} ${a.cause}: ${a.message}`);

  // The scheduler opens one corrective work order per asset and cause (or attaches to the open one): wait until it holds every alarm of this run.
  type Order = { workOrderId: string; type?: string; cause?: string; priority: string; status: string; dueAt?: string | null; alarmIds: string[]; title: string };
  const held = (v: { items: Order[] }) => raised.every((a) => v.items.some((w) => w.alarmIds.includes(a.alarmId)));
  const orders = await poll(() => get<{ items: Order[] }>(`${platform.urls['maintenance-scheduler']}/v1/work-orders?assetId=P-101`), (v) => v.items.length > 0 && held(v), 15_000, 'the work orders holding the alarms');
  const ours = orders.items.filter((w) => raised.some((a) => w.alarmIds.includes(a.alarmId)));
  console.log(`\nWork orders for P-101 (one per cause): ${ours.length}`);
  for (const w of ours) console.log(`  ${w.workOrderId} ${w.priority} ${w.type ?? 'corrective'}${w.cause ? ` ${w.cause}` : ''} ${w.status}${w.dueAt ? ` due ${w.dueAt}` : ''} — ${w.title} (alarms: ${w.alarmIds.length})`);
  const first = ours[0] ?? orders.items[0]!;
  console.log(
    [
      '  As a planner (README "For maintenance planners"):',
      '    PLANNER=$(npx twinline token create --sub planner --role planner)',
      `    curl -X POST -H "Authorization: Bearer $PLANNER" -H 'content-type: application/json' -d '{}' ${platform.urls['maintenance-scheduler']}/v1/work-orders/${first.workOrderId}/approve`,
    ].join('\n'),
  );
  // Notifications: one per raised alarm and one per opened work order (unless routing rules say otherwise); wait briefly for them to settle.
  type Deliveries = { items: Array<{ kind: string; status: string }> };
  const deliveriesUrl = `${platform.urls.notification}/v1/deliveries?assetId=P-101`;
  const inFlight = (d: { status: string }) => d.status === 'PENDING' || d.status === 'SENDING';
  let deliveries = await get<Deliveries>(deliveriesUrl);
  let stable = 0;
  const deadline = Date.now() + 10_000;
  while (stable < 5 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    const next = await get<Deliveries>(deliveriesUrl);
    stable = next.items.length === deliveries.items.length && !next.items.some(inFlight) ? stable + 1 : 0;
    deliveries = next;
  }
  const byKind = new Map<string, number>();
  for (const d of deliveries.items) byKind.set(`${d.kind} ${d.status}`, (byKind.get(`${d.kind} ${d.status}`) ?? 0) + 1);
  console.log(`\nNotifications for P-101: ${deliveries.items.length} (${[...byKind].map(([k, n]) => `${n} × ${k}`).join(', ')})`);
}
