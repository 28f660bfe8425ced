import 'reflect-metadata';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { Test } from '@nestjs/testing';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Role, TrustedReading, ValidatedTelemetry } from '@twinline/contracts';
import { DEFAULT_PROFILES, type ThresholdProfile } from '@twinline/domain-twin';
import { EVENT_STORE, InMemoryEventStore } from '@twinline/event-store';
import type { Delivery } from '@twinline/messaging';
import { authProviders, issueToken, ProblemDetailsFilter } from '@twinline/service-kit';
import { applyReadings } from '../apply-readings/apply-readings.handler';
import { TwinRepository } from '../apply-readings/twin-repository';
import { TwinViewProjection, type AlarmFilter } from '../twin-view/twin-view.projection';
import { acknowledgeAlarm } from './acknowledge-alarm';
import { AlarmsController } from './alarms.controller';

const SECRET = 'an-alarms-test-secret-of-32-characters-or-more';
const pump = DEFAULT_PROFILES['pump'] as ThresholdProfile;
const token = (sub: string, roles: Role[]) => issueToken({ sub, roles, ttlSeconds: 3600, nowSeconds: Math.floor(Date.now() / 1000) }, SECRET);
const at = (minute: number) => new Date(Date.parse('2024-01-01T00:00:00Z') + minute * 60_000).toISOString();

let seq = 0;
/** A validated reading of `assetId` at `temperatureC` (> 80 °C raises an alarm on a pump). */
function telemetry(assetId: string, temperatureC: number): Delivery<ValidatedTelemetry> {
  const n = ++seq;
  const reading: TrustedReading = { readingId: `${assetId}-R-${n}`, deviceId: `${assetId}-edge`, assetId, seq: n, ts: at(n), receivedAt: at(n), metrics: { temperatureC } };
  return {
    data: { type: 'TelemetryValidated', schemaVersion: 1, eventId: `V-${n}`, occurredAt: at(n), assetId, correlationId: `C-${n}`, causationId: `raw-${n}`, readings: [reading] },
    subject: `telemetry.validated.${assetId}`,
    streamSeq: n,
    deliveryCount: 1,
    headers: undefined,
    traceContext: ROOT_CONTEXT,
  };
}

describe('AlarmsController', () => {
  let app: NestFastifyApplication;
  let store: InMemoryEventStore;
  let twins: TwinRepository;
  const listed: Array<{ state: AlarmFilter; after?: string; limit: number }> = [];
  const reading = (assetId: string, temperatureC: number) => applyReadings([telemetry(assetId, temperatureC)], { store, twins, profileOf: () => pump, actor: 'service:twin-state' });

  beforeAll(async () => {
    store = new InMemoryEventStore();
    twins = new TwinRepository(store);
    const view = {
      alarms: async (filter: { state: AlarmFilter; after?: string; limit: number }) => {
        listed.push(filter);
        return [{ assetId: 'P-101', status: 'ALARM', alarmId: 'ALM-P-101-R-1', cause: 'THRESHOLD_EXCEEDED', severity: 'HIGH', raisedAt: at(1), conditions: [], acknowledgedBy: null, acknowledgedAt: null }];
      },
    };
    const module = await Test.createTestingModule({
      controllers: [AlarmsController],
      providers: [...authProviders(SECRET), { provide: EVENT_STORE, useValue: store }, { provide: TwinRepository, useValue: twins }, { provide: TwinViewProjection, useValue: view }],
    }).compile();
    app = module.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    app.useGlobalFilters(new ProblemDetailsFilter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    await reading('P-101', 90); // ALM-P-101-R-1
    await reading('P-102', 95); // ALM-P-102-R-2
    await reading('P-103', 50); // no alarm
  });
  afterAll(async () => {
    await app?.close();
  });

  const call = async (method: 'GET' | 'POST', url: string, o: { token?: string; body?: unknown } = {}) => {
    const response = await app.inject({ method, url, headers: o.token ? { authorization: `Bearer ${o.token}` } : {}, ...(o.body !== undefined ? { payload: o.body as Record<string, unknown> } : {}) });
    return { status: response.statusCode, contentType: response.headers['content-type'], body: response.body ? (JSON.parse(response.body) as Record<string, unknown>) : undefined };
  };
  const acknowledgeUrl = (assetId: string, alarmId: string) => `/v1/assets/${assetId}/alarms/${alarmId}/acknowledge`;

  it('an operator acknowledges the active alarm: 200 with the alarm still active, acknowledged by the caller; the event is on the twin stream', async () => {
    const r = await call('POST', acknowledgeUrl('P-101', 'ALM-P-101-R-1'), { token: token('olga', ['operator']), body: { note: '  crew on the way ' } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      assetId: 'P-101',
      alarm: { alarmId: 'ALM-P-101-R-1', cause: 'THRESHOLD_EXCEEDED', severity: 'HIGH', raisedAt: at(1), conditions: [expect.objectContaining({ metric: 'temperatureC', value: 90 })], acknowledgedBy: 'user:olga', acknowledgedAt: expect.any(String) },
      note: 'crew on the way',
      version: 4,
    });
    const events = await store.readStream('asset-P-101');
    expect(events.map((e) => e.type)).toEqual(['ReadingsApplied', 'TwinStatusChanged', 'AlarmRaised', 'AlarmAcknowledged']);
    expect(events[3]).toMatchObject({
      eventId: 'ALM-P-101-R-1:AlarmAcknowledged',
      schemaVersion: 1,
      data: { assetId: 'P-101', alarmId: 'ALM-P-101-R-1', by: 'user:olga', note: 'crew on the way' },
      metadata: { causationId: null, actor: 'user:olga', correlationId: expect.any(String) },
    });
    expect(events[3]!.occurredAt).toBe((events[3]!.data as { at: string }).at);
    expect((await twins.load('asset-P-101')).state).toMatchObject({ status: 'ALARM', activeAlarm: { acknowledgedBy: 'user:olga' } });
  });

  it('given an acknowledged alarm, when acknowledged again, then 409 TWIN.ALARM_ALREADY_ACKNOWLEDGED naming who did', async () => {
    const r = await call('POST', acknowledgeUrl('P-101', 'ALM-P-101-R-1'), { token: token('piotr', ['operator']) });
    expect(r.status).toBe(409);
    expect(r.contentType).toContain('application/problem+json');
    expect(r.body).toMatchObject({ status: 409, title: 'Conflict', code: 'TWIN.ALARM_ALREADY_ACKNOWLEDGED', errors: [{ field: 'alarmId', message: 'is acknowledged already' }] });
    expect(r.body!['detail']).toMatch(/^alarm ALM-P-101-R-1 of asset P-101 was acknowledged by user:olga at .+: an alarm is acknowledged once$/);
  });

  it('given an alarm id that is not the active one, then 404 TWIN.ALARM_NOT_ACTIVE naming the field; a twin without an alarm too', async () => {
    const r = await call('POST', acknowledgeUrl('P-102', 'ALM-NOPE'), { token: token('olga', ['operator']) });
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ status: 404, code: 'TWIN.ALARM_NOT_ACTIVE', detail: expect.stringContaining('its active alarm is ALM-P-102-R-2'), errors: [{ field: 'alarmId', message: 'must be the active alarm of the asset' }] });
    expect((await call('POST', acknowledgeUrl('P-103', 'ALM-P-103-R-3'), { token: token('olga', ['operator']) })).body).toMatchObject({ status: 404, code: 'TWIN.ALARM_NOT_ACTIVE', detail: expect.stringContaining('it has no active alarm') });
  });

  it('given an asset without a twin, then 404 TWIN.NOT_FOUND', async () => {
    const r = await call('POST', acknowledgeUrl('X-999', 'ALM-1'), { token: token('olga', ['operator']) });
    expect(r.body).toMatchObject({ status: 404, code: 'TWIN.NOT_FOUND', detail: 'no twin for asset X-999: it has not reported any reading' });
  });

  it.each<[string, unknown, string]>([
    ['a note that is not a string', { note: 5 }, 'note'],
    ['an empty note', { note: '  ' }, 'note'],
    ['a note over 2000 characters', { note: 'x'.repeat(2001) }, 'note'],
    ['an unknown field', { by: 'user:someone-else' }, '(root)'],
  ])('given %s, then 400 CONTRACT.INVALID naming the field, and nothing is recorded', async (_what, body, field) => {
    const before = (await store.readStream('asset-P-102')).length;
    const r = await call('POST', acknowledgeUrl('P-102', 'ALM-P-102-R-2'), { token: token('olga', ['operator']), body });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ status: 400, code: 'CONTRACT.INVALID', errors: [expect.objectContaining({ field })] });
    expect(r.body!['detail']).toMatch(/^acknowledge is invalid: /);
    expect(await store.readStream('asset-P-102')).toHaveLength(before);
  });

  it('given a bad asset id in the path, then 400 naming it', async () => {
    const r = await call('POST', acknowledgeUrl('not%20an%20asset', 'ALM-1'), { token: token('olga', ['operator']) });
    expect(r.body).toMatchObject({ status: 400, code: 'CONTRACT.INVALID', detail: expect.stringMatching(/^assetId is invalid/) });
  });

  it.each<[Role]>([['planner'], ['auditor']])('given a token with the role %s, then 403 AUTH.FORBIDDEN and nothing is recorded', async (role) => {
    const before = (await store.readStream('asset-P-102')).length;
    const r = await call('POST', acknowledgeUrl('P-102', 'ALM-P-102-R-2'), { token: token('paul', [role]) });
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ status: 403, code: 'AUTH.FORBIDDEN', requiredRoles: ['operator'], tokenRoles: [role] });
    expect(r.body!['detail']).toMatch(/needs the role operator \(or admin\)/);
    expect(await store.readStream('asset-P-102')).toHaveLength(before);
  });

  it('given no token, then 401', async () => {
    expect((await call('POST', acknowledgeUrl('P-102', 'ALM-P-102-R-2'))).status).toBe(401);
  });

  it('an admin passes, without a body', async () => {
    const r = await call('POST', acknowledgeUrl('P-102', 'ALM-P-102-R-2'), { token: token('root', ['admin']) });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ assetId: 'P-102', alarm: { alarmId: 'ALM-P-102-R-2', acknowledgedBy: 'user:root' } });
    expect(r.body).not.toHaveProperty('note');
  });

  describe('GET /v1/alarms', () => {
    it('lists active alarms for any role, active by default, unacknowledged on request', async () => {
      listed.length = 0;
      const r = await call('GET', '/v1/alarms', { token: token('ada', ['auditor']) });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ items: [expect.objectContaining({ assetId: 'P-101', alarmId: 'ALM-P-101-R-1' })], nextAfter: null });
      await call('GET', '/v1/alarms?state=unacknowledged&after=P-100&limit=1', { token: token('ada', ['planner']) });
      expect(listed).toEqual([{ state: 'active', limit: 100 }, { state: 'unacknowledged', after: 'P-100', limit: 1 }]);
    });

    it('given an unknown state, then 400 naming it', async () => {
      const r = await call('GET', '/v1/alarms?state=cleared', { token: token('ada', ['operator']) });
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ code: 'CONTRACT.INVALID', errors: [{ field: 'state', message: 'state must be one of active, unacknowledged' }] });
    });
  });
});

describe('acknowledgeAlarm with other writers on the twin stream', () => {
  const profileOf = () => pump;

  it('given a twin another writer moved on, then it decides again on the fresh twin and appends once', async () => {
    const store = new InMemoryEventStore();
    const twins = new TwinRepository(store);
    await applyReadings([telemetry('P-201', 90)], { store, twins, profileOf, actor: 'service:twin-state' });
    await twins.load('asset-P-201');
    // Another instance applies a reading that keeps the alarm: this repository's twin is now stale.
    await applyReadings([telemetry('P-201', 92)], { store, twins: new TwinRepository(store), profileOf, actor: 'service:twin-state' });
    const alarmId = (await new TwinRepository(store).load('asset-P-201')).state.activeAlarm!.alarmId;
    const done = await acknowledgeAlarm({ assetId: 'P-201', alarmId, by: 'user:olga', at: at(100) }, { store, twins }, { correlationId: 'C-ack' });
    expect(done).toMatchObject({ acknowledged: { alarmId, by: 'user:olga', at: at(100) }, alarm: { alarmId, acknowledgedBy: 'user:olga' }, version: 5 });
    expect((await store.readStream('asset-P-201')).map((e) => e.type)).toEqual(['ReadingsApplied', 'TwinStatusChanged', 'AlarmRaised', 'ReadingsApplied', 'AlarmAcknowledged']);
  });

  it('given the alarm cleared by another writer meanwhile, then 404 TWIN.ALARM_NOT_ACTIVE and nothing is appended', async () => {
    const store = new InMemoryEventStore();
    const twins = new TwinRepository(store);
    await applyReadings([telemetry('P-202', 90)], { store, twins, profileOf, actor: 'service:twin-state' });
    const { state } = await twins.load('asset-P-202');
    await applyReadings([telemetry('P-202', 40)], { store, twins: new TwinRepository(store), profileOf, actor: 'service:twin-state' });
    const before = await store.readStream('asset-P-202');
    await expect(acknowledgeAlarm({ assetId: 'P-202', alarmId: state.activeAlarm!.alarmId, by: 'user:olga', at: at(100) }, { store, twins }, { correlationId: 'C-ack' })).rejects.toMatchObject({ code: 'TWIN.ALARM_NOT_ACTIVE', status: 404 });
    expect(await store.readStream('asset-P-202')).toEqual(before);
  });
});
