import { p101Readings, sendReadings, type ServiceName } from '@twinline/cli';
import { waitFor } from '@twinline/testing';
import { getJson, postJson, startHarness, MQTT_URL, type Harness } from './harness';
import { P101_REGISTRATION, testRegistry } from './registry';

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The Prometheus text exposition format, as far as this test needs it: `name{labels} value` lines. */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, raw] of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[key!] = raw!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

/** The value of the one series with this name and (at least) these labels; undefined when there is none. */
function valueOf(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} names ${found.length} series`);
  return found[0]?.value;
}

type Scrape = Record<ServiceName, Sample[]>;

const DURABLES: Partial<Record<ServiceName, string[]>> = {
  integrity: ['integrity__TELEMETRY'],
  'twin-state': ['twin-state__TELEMETRY', 'twin-state__QUARANTINE'],
  'maintenance-scheduler': ['maintenance-scheduler__TWIN'],
  notification: ['notification__TWIN', 'notification__MAINTENANCE'],
};

/**
 * GET /metrics of every service, scraped like Prometheus would after the P-101 demo and one impossible
 * reading: the named series are there with the values the run must have produced.
 */
describe('Prometheus metrics of every service', () => {
  let h: Harness;
  const registry = testRegistry([{ assetId: 'P-101', registration: P101_REGISTRATION }]);

  beforeAll(async () => {
    h = await startHarness('e2e_metrics', registry.env);
  });
  afterAll(async () => {
    await h?.teardown();
  });

  const scrape = async (): Promise<Scrape> => {
    const entries = await Promise.all(
      (Object.keys(h.platform.urls) as ServiceName[]).map(async (service) => {
        const response = await fetch(`${h.platform.urls[service]}/metrics`);
        if (response.status !== 200) throw new Error(`${service} /metrics answered ${response.status}`);
        expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
        return [service, parseExposition(await response.text())] as const;
      }),
    );
    return Object.fromEntries(entries) as Scrape;
  };

  it('counts what the P-101 table and a quarantined reading did, in every service', async () => {
    await sendReadings(registry.sign(p101Readings({ seqBase: 0 })), { via: 'mqtt', mqttUrl: MQTT_URL, ingestionUrl: h.platform.urls.ingestion, site: 'north-field', topicRoot: h.topicRoot });
    await waitFor(() => getJson<{ readingsApplied?: number }>(`${h.platform.urls['twin-state']}/v1/assets/P-101`, { token: h.tokens.auditor }), {
      accept: (r) => r.status === 200 && r.body.readingsApplied === 10,
      what: 'ten readings applied to P-101',
      timeoutMs: 30_000,
    });
    const [impossible] = registry.sign([{ deviceId: 'P-101-edge', assetId: 'P-101', seq: 11, ts: '2024-01-01T10:00:00Z', metrics: { temperatureC: 250 } }]);
    expect((await postJson(`${h.platform.urls.ingestion}/v1/telemetry`, impossible)).status).toBe(202);

    const m = await waitFor(scrape, {
      accept: (s) =>
        valueOf(s.integrity, 'twinline_readings_quarantined_total', { rule: 'range' })! >= 1 &&
        // P-101 is registered as a pump: 4 alarms (a limit and a vibration alarm per episode), 2 work orders (one per cause), 6 notifications.
        valueOf(s['maintenance-scheduler'], 'twinline_work_orders', { status: 'REQUESTED' }) === 2 &&
        valueOf(s.notification, 'twinline_notification_attempts_total', { outcome: 'delivered' }) === 6 &&
        valueOf(s.notification, 'twinline_notification_deliveries', { status: 'DELIVERED' }) === 6 &&
        // Read from JetStream and Postgres on scrape: present once the first read answered.
        (Object.entries(DURABLES) as Array<[ServiceName, string[]]>).every(([service, durables]) => durables.every((durable) => valueOf(s[service], 'twinline_consumer_lag', { durable }) !== undefined)) &&
        valueOf(s['twin-state'], 'twinline_outbox_lag_events') !== undefined &&
        valueOf(s['maintenance-scheduler'], 'twinline_outbox_lag_events') !== undefined,
      what: 'the metrics of the run',
      timeoutMs: 30_000,
      intervalMs: 250,
    });

    for (const service of Object.keys(m) as ServiceName[]) {
      expect(valueOf(m[service], 'process_cpu_seconds_total')).toBeGreaterThan(0);
      expect(valueOf(m[service], 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    }

    expect(valueOf(m.ingestion, 'twinline_readings_received_total', { channel: 'mqtt' })).toBe(10);
    expect(valueOf(m.ingestion, 'twinline_readings_received_total', { channel: 'http' })).toBeGreaterThanOrEqual(1);

    expect(valueOf(m.integrity, 'twinline_readings_accepted_total')).toBeGreaterThanOrEqual(10);
    expect(valueOf(m.integrity, 'twinline_readings_quarantined_total', { rule: 'range' })).toBeGreaterThanOrEqual(1);

    for (const [service, durables] of Object.entries(DURABLES) as Array<[ServiceName, string[]]>) {
      for (const durable of durables) {
        const series = (name: string, labels: Record<string, string> = {}) => valueOf(m[service], name, { durable, ...labels });
        expect({
          durable,
          handled: series('twinline_consumer_messages_total', { outcome: 'handled' })! > 0,
          deadLettered: series('twinline_consumer_messages_total', { outcome: 'dead_lettered' }),
          redeliveries: series('twinline_consumer_redeliveries_total')! >= 0,
          batches: series('twinline_consumer_batch_size_count')! > 0,
          lag: series('twinline_consumer_lag')! >= 0,
        }).toEqual({ durable, handled: true, deadLettered: 0, redeliveries: true, batches: true, lag: true });
      }
    }

    for (const service of ['twin-state', 'maintenance-scheduler'] as const) {
      expect(valueOf(m[service], 'twinline_eventstore_append_seconds_count')).toBeGreaterThan(0);
      expect(valueOf(m[service], 'twinline_eventstore_append_events_sum')).toBeGreaterThan(0);
      expect(valueOf(m[service], 'twinline_outbox_lag_events')).toBeGreaterThanOrEqual(0);
    }

    expect(valueOf(m['twin-state'], 'twinline_alarms_raised_total')).toBe(4);
    expect(valueOf(m['twin-state'], 'twinline_alarms_cleared_total')).toBe(4);
    expect(m['twin-state'].filter((s) => s.name === 'twinline_twins').reduce((n, s) => n + s.value, 0)).toBe(1);

    expect(valueOf(m['maintenance-scheduler'], 'twinline_work_orders', { status: 'REQUESTED' })).toBe(2);
    expect(valueOf(m['maintenance-scheduler'], 'twinline_work_orders_opened_total')).toBe(2);

    expect(valueOf(m.notification, 'twinline_notification_attempts_total', { outcome: 'delivered' })).toBe(6);
    expect(valueOf(m.notification, 'twinline_notification_attempts_total', { outcome: 'dead' })).toBe(0);
    expect(valueOf(m.notification, 'twinline_notification_deliveries', { status: 'DELIVERED' })).toBe(6);
  });
});
