import type { TwinEvent } from '@twinline/contracts';
import { decide, DEFAULT_PROFILES, DEFAULT_QUARANTINE_POLICY, initialTwinState, type ThresholdProfile } from '@twinline/domain-twin';
import { runMigrations, type StoredEvent } from '@twinline/event-store';
import { createTestSchema, type TestSchema } from '@twinline/testing';
import { TWIN_VIEW_MIGRATIONS, TwinViewInitial1732560000100 } from './migrations';
import { TwinViewProjection } from './twin-view.projection';

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
    expect(await runMigrations({ url: db.url, schema: db.schema, migrations: TWIN_VIEW_MIGRATIONS })).toEqual(['TwinViewQuarantine1764028800100']);
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
