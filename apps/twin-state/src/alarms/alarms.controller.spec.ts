import 'reflect-metadata';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { Test } from '@nestjs/testing';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Role, TrustedReading, ValidatedTelemetry } from '@twinline/contracts';
import { activeAlarmOf, DEFAULT_PROFILES, type ThresholdProfile } from '@twinline/domain-twin';
import { EVENT_STORE, InMemoryEventStore } from '@twinline/event-store';
import type { Delivery } from '@twinline/messaging';
import { authProviders, issueToken, ProblemDetailsFilter } from '@twinline/service-kit';
import { applyReadings } from '../apply-readings/apply-readings.handler';
import { TwinRepository } from '../apply-readings/twin-repository';
import { TwinViewProjection, type AlarmFilter } from '../twin-view/twin-view.projection';
import { AssetProfiles } from '../asset-profiles';
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
        return { items: [{ assetId: 'P-101', status: 'ALARM', alarmId: 'ALM-P-101-R-1', cause: 'THRESHOLD_EXCEEDED', state: 'ACTIVE_UNACKED', severity: 'HIGH', raisedAt: at(1), conditions: [] }], nextAfter: null };
      },
    };
    // P-104 may be shelved for at most 10 minutes (its own override); others by the default profile (8 h).
    const profiles = new AssetProfiles({ profiles: DEFAULT_PROFILES, assetClasses: {}, assetProfiles: { 'P-104': { alarmPolicy: { maxShelveSeconds: 600 } } } });
    const module = await Test.createTestingModule({
      controllers: [AlarmsController],
      providers: [...authProviders(SECRET), { provide: EVENT_STORE, useValue: store }, { provide: TwinRepository, useValue: twins }, { provide: TwinViewProjection, useValue: view }, { provide: AssetProfiles, useValue: profiles }],
    }).compile();
    app = module.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    app.useGlobalFilters(new ProblemDetailsFilter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    await reading('P-101', 90); // ALM-P-101-R-1
    await reading('P-102', 95); // ALM-P-102-R-2
    await reading('P-103', 50); // no alarm
    await reading('P-104', 91); // ALM-P-104-R-4
    await reading('P-105', 92); // ALM-P-105-R-5
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
      alarm: {
        alarmId: 'ALM-P-101-R-1',
        cause: 'THRESHOLD_EXCEEDED',
        state: 'ACTIVE_ACKED',
        severity: 'HIGH',
        raisedAt: at(1),
        message: expect.any(String),
        conditions: [expect.objectContaining({ metric: 'temperatureC', value: 90 })],
        acknowledgedBy: 'user:olga',
        acknowledgedAt: expect.any(String),
        returnedAt: null,
        lastAnnouncedAt: expect.any(String),
        reannouncements: 0,
        shelved: null,
      },
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
    expect((await twins.load('asset-P-101')).state).toMatchObject({ status: 'ALARM', alarms: { THRESHOLD_EXCEEDED: { state: 'ACTIVE_ACKED', acknowledgedBy: 'user:olga' } } });
  });

  it('given an acknowledged alarm, when acknowledged again, then 409 TWIN.ALARM_ALREADY_ACKNOWLEDGED naming who did', async () => {
    const r = await call('POST', acknowledgeUrl('P-101', 'ALM-P-101-R-1'), { token: token('piotr', ['operator']) });
    expect(r.status).toBe(409);
    expect(r.contentType).toContain('application/problem+json');
    expect(r.body).toMatchObject({ status: 409, title: 'Conflict', code: 'TWIN.ALARM_ALREADY_ACKNOWLEDGED', errors: [{ field: 'alarmId', message: 'is acknowledged already' }] });
    expect(r.body!['detail']).toMatch(/^alarm ALM-P-101-R-1 of asset P-101 was acknowledged by user:olga at .+: an alarm is acknowledged once$/);
  });

  it('given an alarm id that is not an alarm of the asset, then 404 TWIN.ALARM_NOT_ACTIVE naming the field; a twin without an alarm too', async () => {
    const r = await call('POST', acknowledgeUrl('P-102', 'ALM-NOPE'), { token: token('olga', ['operator']) });
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ status: 404, code: 'TWIN.ALARM_NOT_ACTIVE', detail: expect.stringContaining('ALM-P-102-R-2 (ACTIVE_UNACKED)'), errors: [{ field: 'alarmId' }] });
    expect((await call('POST', acknowledgeUrl('P-103', 'ALM-P-103-R-3'), { token: token('olga', ['operator']) })).body).toMatchObject({ status: 404, code: 'TWIN.ALARM_NOT_ACTIVE', detail: expect.stringContaining('it has no alarm') });
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

  describe('shelve, unshelve (ISA-18.2 shelving)', () => {
    const shelveUrl = (assetId: string, alarmId: string) => `/v1/assets/${assetId}/alarms/${alarmId}/shelve`;
    const unshelveUrl = (assetId: string, alarmId: string) => `/v1/assets/${assetId}/alarms/${alarmId}/unshelve`;

    it('an operator shelves an alarm for some minutes: 200 with the shelve; AlarmShelved is on the twin stream, attributed to the caller', async () => {
      const before = Date.now();
      const r = await call('POST', shelveUrl('P-105', 'ALM-P-105-R-5'), { token: token('olga', ['operator']), body: { durationMinutes: 30, reason: ' sensor being replaced ' } });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ assetId: 'P-105', alarmId: 'ALM-P-105-R-5', shelved: { alarmId: 'ALM-P-105-R-5', cause: 'THRESHOLD_EXCEEDED', by: 'user:olga', reason: 'sensor being replaced' }, alarm: { alarmId: 'ALM-P-105-R-5', shelved: { by: 'user:olga' } } });
      const until = Date.parse((r.body!['shelved'] as { until: string }).until);
      expect(until).toBeGreaterThanOrEqual(before + 30 * 60_000);
      expect(until).toBeLessThanOrEqual(Date.now() + 30 * 60_000);
      const events = await store.readStream('asset-P-105');
      expect(events[events.length - 1]).toMatchObject({ type: 'AlarmShelved', eventId: expect.stringMatching(/^P-105:ALM-P-105-R-5:AlarmShelved:/), metadata: { actor: 'user:olga' } });
      expect((await twins.load('asset-P-105')).state.shelves).toEqual({ THRESHOLD_EXCEEDED: expect.objectContaining({ alarmId: 'ALM-P-105-R-5', by: 'user:olga' }) });
    });

    it('given a shelved alarm, when shelved again, then 409 TWIN.ALARM_ALREADY_SHELVED', async () => {
      const r = await call('POST', shelveUrl('P-105', 'ALM-P-105-R-5'), { token: token('olga', ['operator']), body: { durationMinutes: 5, reason: 'again' } });
      expect(r).toMatchObject({ status: 409, body: { code: 'TWIN.ALARM_ALREADY_SHELVED', errors: [{ field: 'alarmId' }] } });
    });

    it('an operator lifts the shelve: 200, AlarmUnshelved (OPERATOR); lifting it again is 409 TWIN.ALARM_NOT_SHELVED', async () => {
      const r = await call('POST', unshelveUrl('P-105', 'ALM-P-105-R-5'), { token: token('olga', ['operator']) });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ assetId: 'P-105', alarmId: 'ALM-P-105-R-5', alarm: { shelved: null } });
      const events = await store.readStream('asset-P-105');
      expect(events.map((e) => e.type)).toContain('AlarmUnshelved');
      expect(events.find((e) => e.type === 'AlarmUnshelved')).toMatchObject({ data: { reason: 'OPERATOR', by: 'user:olga' } });
      expect((await call('POST', unshelveUrl('P-105', 'ALM-P-105-R-5'), { token: token('olga', ['operator']) })).body).toMatchObject({ status: 409, code: 'TWIN.ALARM_NOT_SHELVED' });
    });

    it.each<[string, Record<string, unknown>, string, RegExp]>([
      ['a duration over the asset profile\'s maxShelveSeconds (600 s)', { durationMinutes: 11, reason: 'r' }, 'durationMinutes', /may be at most 10 minutes ahead \(maxShelveSeconds 600 of profile default@P-104\)/],
      ['an until beyond it', { until: new Date(Date.now() + 3_600_000).toISOString(), reason: 'r' }, 'until', /may be at most 10 minutes ahead/],
      ['an until in the past', { until: '2024-01-01T00:00:00Z', reason: 'r' }, 'until', /must be in the future/],
      ['both durationMinutes and until', { durationMinutes: 5, until: new Date(Date.now() + 60_000).toISOString(), reason: 'r' }, 'until', /not both/],
      ['neither', { reason: 'r' }, 'durationMinutes', /give durationMinutes/],
      ['no reason', { durationMinutes: 5 }, 'reason', /reason/],
      ['a duration that is not whole minutes', { durationMinutes: 1.5, reason: 'r' }, 'durationMinutes', /whole number/],
      ['an unknown field', { durationMinutes: 5, reason: 'r', by: 'user:x' }, '(root)', /by/],
    ])('given %s, then 400 CONTRACT.INVALID naming %s, and nothing is recorded', async (_what, body, field, message) => {
      const before = (await store.readStream('asset-P-104')).length;
      const r = await call('POST', shelveUrl('P-104', 'ALM-P-104-R-4'), { token: token('olga', ['operator']), body });
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ status: 400, code: 'CONTRACT.INVALID', errors: [expect.objectContaining({ field, message: expect.stringMatching(message) })] });
      expect(await store.readStream('asset-P-104')).toHaveLength(before);
    });

    it('takes a shelve of exactly the longest time the profile allows', async () => {
      const r = await call('POST', shelveUrl('P-104', 'ALM-P-104-R-4'), { token: token('olga', ['operator']), body: { durationMinutes: 10, reason: 'pump swap' } });
      expect(r.status).toBe(200);
    });

    it.each<[Role]>([['planner'], ['auditor']])('given the role %s, then 403 on shelve and unshelve, and nothing is recorded', async (role) => {
      const before = (await store.readStream('asset-P-102')).length;
      expect((await call('POST', shelveUrl('P-102', 'ALM-P-102-R-2'), { token: token('ada', [role]), body: { durationMinutes: 5, reason: 'r' } })).body).toMatchObject({ status: 403, code: 'AUTH.FORBIDDEN' });
      expect((await call('POST', unshelveUrl('P-102', 'ALM-P-102-R-2'), { token: token('ada', [role]) })).status).toBe(403);
      expect(await store.readStream('asset-P-102')).toHaveLength(before);
    });

    it('given an alarm the asset does not hold, then 404 TWIN.ALARM_NOT_ACTIVE; an asset without a twin 404 TWIN.NOT_FOUND', async () => {
      expect((await call('POST', shelveUrl('P-103', 'ALM-NOPE'), { token: token('olga', ['operator']), body: { durationMinutes: 5, reason: 'r' } })).body).toMatchObject({ status: 404, code: 'TWIN.ALARM_NOT_ACTIVE' });
      expect((await call('POST', shelveUrl('X-999', 'ALM-1'), { token: token('olga', ['operator']), body: { durationMinutes: 5, reason: 'r' } })).body).toMatchObject({ status: 404, code: 'TWIN.NOT_FOUND' });
    });
  });

  describe('out of service, in service', () => {
    const url = (assetId: string, cause: string, to: 'out-of-service' | 'in-service') => `/v1/assets/${assetId}/alarm-causes/${cause}/${to}`;

    it('an operator takes a cause out of service with a reason and returns it; twice is 409 each way', async () => {
      const out = await call('POST', url('P-103', 'THRESHOLD_EXCEEDED', 'out-of-service'), { token: token('olga', ['operator']), body: { reason: 'thermocouple broken' } });
      expect(out.status).toBe(200);
      expect(out.body).toMatchObject({ assetId: 'P-103', cause: 'THRESHOLD_EXCEEDED', outOfService: { by: 'user:olga', reason: 'thermocouple broken' }, events: ['AlarmRemovedFromService'] });
      expect((await call('POST', url('P-103', 'THRESHOLD_EXCEEDED', 'out-of-service'), { token: token('olga', ['operator']), body: { reason: 'again' } })).body).toMatchObject({ status: 409, code: 'TWIN.ALARM_ALREADY_OUT_OF_SERVICE', errors: [{ field: 'cause' }] });
      const back = await call('POST', url('P-103', 'THRESHOLD_EXCEEDED', 'in-service'), { token: token('olga', ['operator']) });
      expect(back.status).toBe(200);
      expect(back.body).toMatchObject({ assetId: 'P-103', cause: 'THRESHOLD_EXCEEDED', outOfService: null, events: ['AlarmReturnedToService'] });
      expect((await call('POST', url('P-103', 'THRESHOLD_EXCEEDED', 'in-service'), { token: token('olga', ['operator']) })).body).toMatchObject({ status: 409, code: 'TWIN.ALARM_NOT_OUT_OF_SERVICE' });
      const types = (await store.readStream('asset-P-103')).map((e) => [e.type, e.metadata.actor]);
      expect(types.slice(-2)).toEqual([
        ['AlarmRemovedFromService', 'user:olga'],
        ['AlarmReturnedToService', 'user:olga'],
      ]);
    });

    it('given no reason, then 400 naming reason; an auditor gets 403', async () => {
      expect((await call('POST', url('P-103', 'THRESHOLD_EXCEEDED', 'out-of-service'), { token: token('olga', ['operator']), body: {} })).body).toMatchObject({ status: 400, errors: [expect.objectContaining({ field: 'reason' })] });
      expect((await call('POST', url('P-103', 'THRESHOLD_EXCEEDED', 'out-of-service'), { token: token('ada', ['auditor']), body: { reason: 'r' } })).status).toBe(403);
    });
  });

  describe('GET /v1/alarms', () => {
    it('lists alarms for any role, active by default, any ISA-18.2 state or the old names on request', async () => {
      listed.length = 0;
      const r = await call('GET', '/v1/alarms', { token: token('ada', ['auditor']) });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ items: [expect.objectContaining({ assetId: 'P-101', alarmId: 'ALM-P-101-R-1', state: 'ACTIVE_UNACKED' })], nextAfter: null });
      await call('GET', '/v1/alarms?state=unacknowledged&after=P-100&limit=1', { token: token('ada', ['planner']) });
      await call('GET', '/v1/alarms?state=RETURNED_UNACKED', { token: token('ada', ['planner']) });
      await call('GET', '/v1/alarms?state=shelved', { token: token('ada', ['planner']) });
      expect(listed).toEqual([
        { state: 'active', limit: 100 },
        { state: 'unacknowledged', after: 'P-100', limit: 1 },
        { state: 'RETURNED_UNACKED', limit: 100 },
        { state: 'shelved', limit: 100 },
      ]);
    });

    it('given an unknown state, then 400 naming it', async () => {
      const r = await call('GET', '/v1/alarms?state=cleared', { token: token('ada', ['operator']) });
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ code: 'CONTRACT.INVALID', errors: [{ field: 'state', message: expect.stringContaining('state must be one of active, unacknowledged, ACTIVE_UNACKED, ACTIVE_ACKED, RETURNED_UNACKED') }] });
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
    const alarmId = activeAlarmOf((await new TwinRepository(store).load('asset-P-201')).state)!.alarmId;
    const done = await acknowledgeAlarm({ assetId: 'P-201', alarmId, by: 'user:olga', at: at(100) }, { store, twins }, { correlationId: 'C-ack' });
    expect(done).toMatchObject({ acknowledged: { alarmId, by: 'user:olga', at: at(100) }, alarm: { alarmId, acknowledgedBy: 'user:olga' }, version: 5 });
    expect((await store.readStream('asset-P-201')).map((e) => e.type)).toEqual(['ReadingsApplied', 'TwinStatusChanged', 'AlarmRaised', 'ReadingsApplied', 'AlarmAcknowledged']);
  });

  it('given the alarm cleared and acknowledged (back to NORMAL) by other writers meanwhile, then 404 TWIN.ALARM_NOT_ACTIVE and nothing is appended', async () => {
    const store = new InMemoryEventStore();
    const twins = new TwinRepository(store);
    await applyReadings([telemetry('P-202', 90)], { store, twins, profileOf, actor: 'service:twin-state' });
    const { state } = await twins.load('asset-P-202');
    await applyReadings([telemetry('P-202', 40)], { store, twins: new TwinRepository(store), profileOf, actor: 'service:twin-state' });
    // Cleared while unacknowledged: RETURNED_UNACKED, still to acknowledge. Acknowledged by another writer meanwhile: gone.
    const alarmId = activeAlarmOf(state)!.alarmId;
    await acknowledgeAlarm({ assetId: 'P-202', alarmId, by: 'user:piotr', at: at(99) }, { store, twins: new TwinRepository(store) }, { correlationId: 'C-other' });
    const after = await store.readStream('asset-P-202');
    await expect(acknowledgeAlarm({ assetId: 'P-202', alarmId, by: 'user:olga', at: at(100) }, { store, twins }, { correlationId: 'C-ack' })).rejects.toMatchObject({ code: 'TWIN.ALARM_NOT_ACTIVE', status: 404 });
    expect(await store.readStream('asset-P-202')).toEqual(after);
  });
});
