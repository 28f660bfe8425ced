import type { TwinEvent } from '@twinline/contracts';
import { decide, DEFAULT_PROFILES, DEFAULT_QUARANTINE_POLICY, evolve, initialTwinState, type ThresholdProfile } from '@twinline/domain-twin';
import { eventStoreMigrations, runMigrations, type StoredEvent } from '@twinline/event-store';
import { createTestSchema, type TestSchema } from '@twinline/testing';
import { TWIN_VIEW_MIGRATIONS, TwinViewAlarmLifecycle1764140400000, TwinViewInitial1732560000100 } from './migrations';
import { TwinViewProjection, withDefaults, type AlarmFilter } from './twin-view.projection';

const pump = DEFAULT_PROFILES['pump'] as ThresholdProfile;
const at = (minute: number) => new Date(Date.parse('2024-01-01T00:00:00Z') + minute * 60_000).toISOString();

let position = 0;
function stored(assetId: string, events: readonly TwinEvent[], fromVersion: number): StoredEvent[] {
  return events.map((e, i) => ({
    eventId: `E-${++position}`,
    type: e.type,
    schemaVersion: 1,
    occurredAt: at(0),
    data: e.data as unknown as Record<string, unknown>,
    metadata: { correlationId: 'C', causationId: 'V', actor: 'test' },
    streamId: `asset-${assetId}`,
    streamVersion: fromVersion + i,
    position: String(position),
    recordedAt: at(0),
    hash: '',
    prevHash: '',
  }));
}

describe('TwinViewProjection with quarantine columns (Postgres)', () => {
  let db: TestSchema;
  let view: TwinViewProjection;

  beforeAll(async () => {
    db = await createTestSchema('twinview');
    await runMigrations({ url: db.url, schema: db.schema, migrations: [TwinViewInitial1732560000100] });
    // A row written before the quarantine fields existed.
    const old = { ...initialTwinState } as Record<string, unknown>;
    for (const key of ['sensorFault', 'violationsSinceApplied', 'violationRulesSinceApplied', 'lastSecurityViolation', 'readingsQuarantined', 'recentQuarantined', 'recentReleased', 'lastAppliedReceivedAt']) delete old[key];
    await db.pool.query(`INSERT INTO "${db.schema}".twin_view (asset_id, status, label, state, version, position) VALUES ('P-OLD', 'OPERATIONAL', 'Operational', $1, 1, 1)`, [
      JSON.stringify({ ...old, assetId: 'P-OLD', readingsApplied: 1 }),
    ]);
    expect(await runMigrations({ url: db.url, schema: db.schema, migrations: TWIN_VIEW_MIGRATIONS })).toEqual(['TwinViewQuarantine1764028800100', 'TwinViewActiveAlarms1764115200100', 'TwinViewAlarmLifecycle1764140400000']);
    view = new TwinViewProjection(db.pool, db.schema);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('shows sensorFault, lastSecurityViolation and readingsQuarantined, and keeps them in columns', async () => {
    const items = [1, 2, 3, 4, 5].map((m) => ({ readingId: `Q-${m}`, deviceId: 'D-1', receivedAt: at(m), reasons: [{ rule: 'range' }] }));
    items.push({ readingId: 'S-1', deviceId: 'D-9', receivedAt: at(6), reasons: [{ rule: 'signature' }] });
    const events = decide({ type: 'RecordQuarantine', data: { assetId: 'P-101', items, at: at(6), policy: DEFAULT_QUARANTINE_POLICY, profile: pump } }, initialTwinState);
    await view.handle(stored('P-101', events, 1));

    const twin = await view.get('P-101');
    expect(twin).toMatchObject({
      assetId: 'P-101',
      status: 'SENSOR_FAULT',
      sensorFault: { since: at(6), violations: 5, rules: ['range'] },
      lastSecurityViolation: { at: at(6), rules: ['signature'], count: 1 },
      readingsQuarantined: 6,
      readingsApplied: 0,
      version: events.length,
    });
    const row = await db.pool.query(`SELECT sensor_fault, last_security_violation, readings_quarantined FROM "${db.schema}".twin_view WHERE asset_id = 'P-101'`);
    expect(row.rows[0]).toEqual({ sensor_fault: { since: at(6), violations: 5, rules: ['range'] }, last_security_violation: { at: at(6), rules: ['signature'], count: 1 }, readings_quarantined: 6 });
    expect((await view.list({ status: 'SENSOR_FAULT', limit: 10 })).map((t) => t.assetId)).toEqual(['P-101']);
  });

  it('reads and extends a row written before the quarantine fields existed', async () => {
    expect(await view.get('P-OLD')).toMatchObject({ readingsApplied: 1, sensorFault: null, lastSecurityViolation: null, readingsQuarantined: 0 });
    const events = decide(
      { type: 'RecordQuarantine', data: { assetId: 'P-OLD', items: [{ readingId: 'Q-OLD', deviceId: null, receivedAt: at(1), reasons: [{ rule: 'json' }] }], at: at(1), policy: DEFAULT_QUARANTINE_POLICY, profile: pump } },
      { ...initialTwinState, assetId: 'P-OLD' },
    );
    await view.handle(stored('P-OLD', events, 2));
    expect(await view.get('P-OLD')).toMatchObject({ readingsApplied: 1, readingsQuarantined: 1, sensorFault: null, version: 2 });
  });
});

describe('TwinViewProjection: acknowledgements, maintenance and the active alarms across assets (Postgres)', () => {
  let db: TestSchema;
  let view: TwinViewProjection;
  const reading = (assetId: string, seq: number, temperatureC: number) => ({ readingId: `${assetId}-R-${seq}`, deviceId: 'D-1', assetId, seq, ts: at(seq), receivedAt: at(seq), metrics: { temperatureC } });
  /** Decides commands one after another for one asset and projects the events. */
  async function twin(assetId: string, ...commands: Array<Parameters<typeof decide>[0]>): Promise<void> {
    let state = initialTwinState;
    const events: TwinEvent[] = [];
    for (const command of commands) {
      const decided = decide(command, state);
      state = decided.reduce(evolve, state);
      events.push(...decided);
    }
    await view.handle(stored(assetId, events, 1));
  }
  const apply = (assetId: string, seq: number, temperatureC: number) => ({ type: 'ApplyReadings' as const, data: { assetId, readings: [reading(assetId, seq, temperatureC)], profile: pump } });
  const acknowledge = (assetId: string, alarmId: string) => ({ type: 'AcknowledgeAlarm' as const, data: { assetId, alarmId, by: 'user:olga', at: at(30), note: 'on it' } });
  const shelve = (assetId: string, alarmId: string) => ({ type: 'ShelveAlarm' as const, data: { assetId, alarmId, by: 'user:olga', at: at(10), until: at(90), reason: 'pump swap', profile: pump } });

  beforeAll(async () => {
    db = await createTestSchema('twinalarms');
    await runMigrations({ url: db.url, schema: db.schema, migrations: [...eventStoreMigrations, ...TWIN_VIEW_MIGRATIONS.filter((m) => m !== TwinViewAlarmLifecycle1764140400000)] });
    // A row written before the alarm lifecycle (state version 2: one activeAlarm), and the projection's checkpoint past it.
    const old = { ...initialTwinState, assetId: 'A-6', status: 'ALARM', activeAlarm: { alarmId: 'ALM-OLD', cause: 'THRESHOLD_EXCEEDED', severity: 'HIGH', raisedAt: at(1), conditions: [] } } as Record<string, unknown>;
    for (const key of ['alarms', 'shelves', 'outOfService', 'alarmConditions', 'lastAppliedReadingId']) delete old[key];
    await db.pool.query(`INSERT INTO "${db.schema}".twin_view (asset_id, status, label, state, version, position) VALUES ('A-6', 'ALARM', 'ALARM', $1, 3, 1)`, [JSON.stringify(old)]);
    await db.pool.query(`INSERT INTO "${db.schema}".checkpoints (name, position) VALUES ('twin-view', 1)`);
    expect(await runMigrations({ url: db.url, schema: db.schema, migrations: TWIN_VIEW_MIGRATIONS })).toEqual(['TwinViewAlarmLifecycle1764140400000']);
    view = new TwinViewProjection(db.pool, db.schema);
    await twin('A-1', apply('A-1', 1, 90));
    await twin('A-2', apply('A-2', 1, 90), acknowledge('A-2', 'ALM-A-2-R-1'));
    await twin('A-3', apply('A-3', 1, 90), apply('A-3', 2, 50)); // returned to normal, unacknowledged
    await twin('A-4', apply('A-4', 1, 50), {
      type: 'RecordMaintenance',
      data: { assetId: 'A-4', workOrderId: 'WO-7', type: 'corrective', cause: 'THRESHOLD_EXCEEDED', completedAt: at(40), failure: { mode: 'seal leak', failedAt: at(20) }, resets: ['baseline', 'health-index'] },
    });
    await twin('A-5', apply('A-5', 1, 95), shelve('A-5', 'ALM-A-5-R-1'));
    await twin('A-7', apply('A-7', 1, 50), { type: 'RemoveAlarmFromService', data: { assetId: 'A-7', cause: 'THRESHOLD_EXCEEDED', by: 'user:olga', at: at(20), reason: 'sensor swap' } });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('shows the acknowledgement on the twin, and each alarm with its ISA-18.2 state', async () => {
    expect((await view.get('A-2'))?.activeAlarms).toEqual([expect.objectContaining({ alarmId: 'ALM-A-2-R-1', state: 'ACTIVE_ACKED', acknowledgedBy: 'user:olga', acknowledgedAt: at(30), shelved: null })]);
    expect((await view.get('A-1'))?.activeAlarms).toEqual([expect.objectContaining({ alarmId: 'ALM-A-1-R-1', state: 'ACTIVE_UNACKED', acknowledgedBy: null, acknowledgedAt: null })]);
    // Returned to normal unacknowledged: no longer active, still an alarm to acknowledge.
    expect(await view.get('A-3')).toMatchObject({ activeAlarms: [], alarms: [{ alarmId: 'ALM-A-3-R-1', state: 'RETURNED_UNACKED', returnedAt: at(2) }] });
    expect(await view.get('A-5')).toMatchObject({ activeAlarms: [{ alarmId: 'ALM-A-5-R-1', shelved: { by: 'user:olga', until: at(90) } }], shelves: { THRESHOLD_EXCEEDED: { alarmId: 'ALM-A-5-R-1' } } });
    expect(await view.get('A-7')).toMatchObject({ alarms: [], outOfService: { THRESHOLD_EXCEEDED: { by: 'user:olga', reason: 'sensor swap' } } });
  });

  it('shows the last maintenance, the count and maintainedSince', async () => {
    expect(await view.get('A-4')).toMatchObject({
      lastMaintenance: { workOrderId: 'WO-7', type: 'corrective', completedAt: at(40), failure: { mode: 'seal leak', failedAt: at(20) }, resets: ['baseline', 'health-index'] },
      maintenanceCount: 1,
      maintainedSince: at(40),
    });
  });

  it('drops rows written before the alarm lifecycle and sends the projection back to position 0, to fold them again', async () => {
    expect(await view.get('A-6')).toBeNull();
    expect((await db.pool.query(`SELECT position::int FROM "${db.schema}".checkpoints WHERE name = 'twin-view'`)).rows).toEqual([{ position: 0 }]);
    // Read as it is, such a row shows its one alarm as an unacknowledged record.
    const legacy = withDefaults({ ...initialTwinState, alarms: undefined, activeAlarm: { alarmId: 'ALM-OLD', cause: 'THRESHOLD_EXCEEDED', severity: 'HIGH', raisedAt: at(1), conditions: [] } } as never);
    expect(legacy.alarms).toEqual({ THRESHOLD_EXCEEDED: expect.objectContaining({ alarmId: 'ALM-OLD', state: 'ACTIVE_UNACKED', acknowledgedBy: null, lastAnnouncedAt: at(1) }) });
    expect(legacy).not.toHaveProperty('activeAlarm');
  });

  it('lists the alarms across assets by state (active, unacknowledged, an ISA-18.2 state, shelved, out of service), in pages by asset id', async () => {
    const list = async (state: AlarmFilter, o: { limit?: number; after?: string } = {}) => (await view.alarms({ state, limit: o.limit ?? 100, ...(o.after ? { after: o.after } : {}) })).items.map((a) => [a.assetId, a.alarmId, a.state]);
    expect(await list('active')).toEqual([
      ['A-1', 'ALM-A-1-R-1', 'ACTIVE_UNACKED'],
      ['A-2', 'ALM-A-2-R-1', 'ACTIVE_ACKED'],
      ['A-5', 'ALM-A-5-R-1', 'ACTIVE_UNACKED'],
    ]);
    expect((await list('unacknowledged')).map(([id]) => id)).toEqual(['A-1', 'A-3', 'A-5']);
    expect(await list('RETURNED_UNACKED')).toEqual([['A-3', 'ALM-A-3-R-1', 'RETURNED_UNACKED']]);
    expect(await list('ACTIVE_ACKED')).toEqual([['A-2', 'ALM-A-2-R-1', 'ACTIVE_ACKED']]);
    expect(await list('shelved')).toEqual([['A-5', 'ALM-A-5-R-1', 'ACTIVE_UNACKED']]);
    expect(await list('out-of-service')).toEqual([['A-7', null, 'OUT_OF_SERVICE']]);
    expect((await list('all')).map(([id]) => id)).toEqual(['A-1', 'A-2', 'A-3', 'A-5', 'A-7']);
    expect(await view.alarms({ state: 'active', limit: 2, after: 'A-1' })).toMatchObject({ items: [{ assetId: 'A-2' }, { assetId: 'A-5' }], nextAfter: 'A-5' });
    expect(await view.alarms({ state: 'active', limit: 2, after: 'A-5' })).toEqual({ items: [], nextAfter: null });
    expect((await view.alarms({ state: 'active', limit: 1 })).items[0]).toMatchObject({ assetId: 'A-1', status: 'ALARM', cause: 'THRESHOLD_EXCEEDED', severity: 'HIGH', raisedAt: at(1), shelved: null, outOfService: null, conditions: [expect.objectContaining({ metric: 'temperatureC' })] });
  });

  it('finds the twins the alarm timer may need to check: shelves ending, unacknowledged alarms to re-announce, stale data', async () => {
    const q = { staleCause: 'NO_DATA', shelvesUntil: at(0), limit: 100 };
    expect(await view.alarmCheckCandidates(q)).toEqual([]);
    // A-5's shelve ends at 01:30.
    expect(await view.alarmCheckCandidates({ ...q, shelvesUntil: at(90) })).toEqual(['A-5']);
    // Unacknowledged alarms announced before 00:05: A-1 and A-3 (A-5 too: shelved, CheckAlarms decides).
    expect(await view.alarmCheckCandidates({ ...q, reAlarmBefore: at(5) })).toEqual(['A-1', 'A-3', 'A-5']);
    // Data received before 00:05 (every twin here): the stale ones.
    expect(await view.alarmCheckCandidates({ ...q, staleBefore: at(5), limit: 2, after: 'A-1' })).toEqual(['A-2', 'A-3']);
  });

  it('finds twins with alarms, shelves or causes out of service through a partial index', async () => {
    const r = await db.pool.query(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = 'twin_view' AND indexname LIKE '%alarm%'`, [db.schema]);
    expect(r.rows.map((row) => row.indexname)).toEqual(['twin_view_alarms_idx']);
    expect(r.rows[0]?.indexdef).toMatch(/WHERE \(\(\(state -> 'alarms'::text\) <> '\{\}'::jsonb\) OR/);
  });
});
