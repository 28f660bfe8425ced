/* eslint-disable @nx/enforce-module-boundaries -- this test composes the five services' Nest modules in
   one process, so that one in-memory span exporter sees every hop of one reading's trace. */
import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { eventStoreMigrations, runMigrations } from '@twinline/event-store';
import { startTracingTo, stopTelemetry } from '@twinline/observability';
import { runService, schemaName } from '@twinline/service-kit';
import { freePort, startRecordingServer, TEST_DATABASE_URL, uniqueName, waitFor } from '@twinline/testing';
import { NATS_URL, removeIsolated } from './harness';
import { IngestionModule } from '../../apps/ingestion/src/app.module';
import { loadIngestionConfig } from '../../apps/ingestion/src/config';
import { IntegrityModule } from '../../apps/integrity/src/app.module';
import { loadIntegrityConfig } from '../../apps/integrity/src/config';
import { INTEGRITY_MIGRATIONS } from '../../apps/integrity/src/store/migrations';
import { P101_REGISTRATION, testRegistry } from './registry';
import { TwinStateModule } from '../../apps/twin-state/src/app.module';
import { loadTwinConfig } from '../../apps/twin-state/src/config';
import { TWIN_VIEW_MIGRATIONS } from '../../apps/twin-state/src/twin-view/migrations';
import { SchedulerModule } from '../../apps/maintenance-scheduler/src/app.module';
import { loadSchedulerConfig } from '../../apps/maintenance-scheduler/src/config';
import { SCHEDULER_MIGRATIONS } from '../../apps/maintenance-scheduler/src/migrations';
import { NotificationModule } from '../../apps/notification/src/app.module';
import { loadNotificationConfig } from '../../apps/notification/src/config';
import { NOTIFICATION_MIGRATIONS } from '../../apps/notification/src/deliveries/migrations';

describe('one trace follows a reading across every hop', () => {
  const exporter = new InMemorySpanExporter();
  const id = uniqueName('trace');
  const registry = testRegistry([{ assetId: 'P-7', registration: P101_REGISTRATION }]);
  const apps: INestApplication[] = [];
  let webhook: Awaited<ReturnType<typeof startRecordingServer>>;
  let ingestionUrl = '';

  beforeAll(async () => {
    process.env.LOG_LEVEL = 'warn';
    startTracingTo(exporter);
    webhook = await startRecordingServer();
    const env = (extra: Record<string, string>) => ({
      NATS_URL,
      DATABASE_URL: TEST_DATABASE_URL,
      NATS_PREFIX: id,
      DB_SCHEMA_PREFIX: `${id}_`,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      AUTH_SECRET: randomBytes(32).toString('base64url'),
      ...extra,
    });
    const start = async (name: string, module: unknown, port: number) => {
      apps.push(await runService({ name, module, port, host: '127.0.0.1' }));
    };
    const ingestion = loadIngestionConfig(env({ MQTT_URL: 'off', PORT: String(await freePort()) }));
    ingestionUrl = `http://127.0.0.1:${ingestion.PORT}`;
    const integrity = loadIntegrityConfig(env({ PORT: String(await freePort()), ...registry.env }));
    const twin = loadTwinConfig(env({ PORT: String(await freePort()) }));
    const scheduler = loadSchedulerConfig(env({ PORT: String(await freePort()) }));
    const notification = loadNotificationConfig(env({ PORT: String(await freePort()), NOTIFY_WEBHOOK_URL: `${webhook.url}/hook`, NOTIFY_POLL_MS: '20' }));
    const migrate = (service: string, migrations: Parameters<typeof runMigrations>[0]['migrations']) => runMigrations({ url: TEST_DATABASE_URL, schema: schemaName(integrity, service), migrations });
    await migrate('integrity', INTEGRITY_MIGRATIONS);
    await migrate('twin-state', [...eventStoreMigrations, ...TWIN_VIEW_MIGRATIONS]);
    await migrate('maintenance-scheduler', SCHEDULER_MIGRATIONS);
    await migrate('notification', NOTIFICATION_MIGRATIONS);
    await start('ingestion', IngestionModule.forConfig(ingestion), ingestion.PORT);
    await start('integrity', IntegrityModule.forConfig(integrity, schemaName(integrity, 'integrity')), integrity.PORT);
    await start('twin-state', TwinStateModule.forConfig(twin, schemaName(twin, 'twin-state')), twin.PORT);
    await start('maintenance-scheduler', SchedulerModule.forConfig(scheduler, schemaName(scheduler, 'maintenance-scheduler')), scheduler.PORT);
    await start('notification', NotificationModule.forConfig(notification, schemaName(notification, 'notification')), notification.PORT);
  });

  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
    await webhook?.close();
    await stopTelemetry();
    await removeIsolated(id);
  });

  it('from the HTTP receipt through integrity, the event store, the outbox, the scheduler and the webhook', async () => {
    const response = await fetch(`${ingestionUrl}/v1/telemetry`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(registry.sign([{ deviceId: 'P-7-edge', assetId: 'P-7', seq: 1, ts: '2024-01-01T00:00:00Z', metrics: { temperatureC: 95, pressurePsi: 1800 } }])[0]),
    });
    expect(response.status).toBe(202);
    await waitFor(() => webhook.received.length >= 2, { what: 'the alarm and work-order webhooks', timeoutMs: 30_000 });

    const receipt = exporter.getFinishedSpans().find((s) => s.name === 'telemetry receive');
    expect(receipt).toBeDefined();
    const traceId = receipt!.spanContext().traceId;
    const spans = await waitFor(() => exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId), {
      accept: (list) => list.filter((s) => s.name === 'webhook deliver').length >= 2,
      what: 'both webhook deliveries in the trace',
    });
    const services = new Set(spans.map((s) => s.attributes['twinline.service']));
    expect([...services].sort()).toEqual(['ingestion', 'integrity', 'maintenance-scheduler', 'notification', 'twin-state']);
    const names = new Set(spans.map((s) => s.name));
    for (const name of ['telemetry receive', 'integrity__TELEMETRY process', 'twin-state__TELEMETRY process', 'eventstore append', 'outbox publish', 'maintenance-scheduler__TWIN process', 'notification__TWIN process', 'notification__MAINTENANCE process', 'webhook deliver']) {
      expect(names).toContain(name);
    }
    const consumerSpan = spans.find((s) => s.name === 'twin-state__TELEMETRY process')!;
    expect(consumerSpan.attributes['messaging.system']).toBe('nats');
    expect(consumerSpan.attributes['messaging.destination.name']).toBe(`${id}.telemetry.validated.P-7`);
    expect(consumerSpan.attributes['twinline.asset_id']).toBe('P-7');
    // The webhook receiver can continue the trace too.
    for (const request of webhook.received) expect(String(request.headers.traceparent)).toContain(traceId);
  });
});
