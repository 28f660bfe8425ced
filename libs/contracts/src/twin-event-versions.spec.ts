import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TWIN_EVENT_SCHEMA_VERSIONS, twinEventUpcasters, twinEventUpcasting } from './twin-event-versions';
import { twinEventSchemas, type TwinEventType } from './twin-events';
import { UnknownSchemaVersionError } from './upcasting';

/** Stored-form fixtures of old schema versions (libs/contracts/fixtures/events), kept forever. */
const DIR = join(__dirname, '..', 'fixtures', 'events');
const fixtures = readdirSync(DIR)
  .filter((file) => file.endsWith('.json'))
  .map((file) => ({ file, event: JSON.parse(readFileSync(join(DIR, file), 'utf8')) as { eventId: string; type: string; schemaVersion: number; data: Record<string, unknown> } }));

describe('twin event schema versions', () => {
  it('keeps a stored-form fixture of every older version of every twin event type', () => {
    const expected = Object.entries(TWIN_EVENT_SCHEMA_VERSIONS).flatMap(([type, current]) => Array.from({ length: current - 1 }, (_, i) => `${type}.v${i + 1}.json`));
    expect(fixtures.map((f) => f.file)).toEqual(expect.arrayContaining(expected));
    expect(expected.length).toBeGreaterThan(0);
  });

  it.each(fixtures.map((f) => [f.file, f.event] as const))('%s: names its type and version, an old one, and upcasts to the current schema (strictly)', (file, event) => {
    expect(file).toBe(`${event.type}.v${event.schemaVersion}.json`);
    const current = TWIN_EVENT_SCHEMA_VERSIONS[event.type as TwinEventType];
    expect(event.schemaVersion).toBeLessThan(current);

    const upcast = twinEventUpcasting.upcast(event);

    expect(upcast.schemaVersion).toBe(current);
    expect(upcast.eventId).toBe(event.eventId);
    // Strict: a field the upcaster forgot to remove or rename fails too.
    const parsed = twinEventSchemas[event.type as TwinEventType].strict().safeParse(upcast.data);
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  it('AlarmCleared v1 → v2: clearedAt is renamed at, nothing else changes, the stored data is left alone', () => {
    const data = Object.freeze({ assetId: 'P-101', alarmId: 'ALM-R-4', cause: 'THRESHOLD_EXCEEDED', clearedAt: '2024-01-01T05:00:00Z', readingId: 'R-6' });

    const upcast = twinEventUpcasting.upcast({ type: 'AlarmCleared', schemaVersion: 1, data });

    expect(upcast).toEqual({ type: 'AlarmCleared', schemaVersion: 2, data: { assetId: 'P-101', alarmId: 'ALM-R-4', cause: 'THRESHOLD_EXCEEDED', at: '2024-01-01T05:00:00Z', readingId: 'R-6' } });
    expect(data).toHaveProperty('clearedAt');
  });

  it('has one upcaster per step up to each current version', () => {
    const steps = twinEventUpcasters.map((u) => `${u.type}.v${u.fromSchemaVersion}`).sort();
    const expected = Object.entries(TWIN_EVENT_SCHEMA_VERSIONS)
      .flatMap(([type, current]) => Array.from({ length: current - 1 }, (_, i) => `${type}.v${i + 1}`))
      .sort();
    expect(steps).toEqual(expected);
  });

  it('knows a version of every twin event type; the acknowledgement and maintenance events start at version 1', () => {
    expect(Object.keys(TWIN_EVENT_SCHEMA_VERSIONS).sort()).toEqual(Object.keys(twinEventSchemas).sort());
    expect(TWIN_EVENT_SCHEMA_VERSIONS).toMatchObject({ AlarmAcknowledged: 1, MaintenanceCompleted: 1 });
    const acknowledged = { type: 'AlarmAcknowledged', schemaVersion: 1, data: { assetId: 'P-101', alarmId: 'ALM-R-4', by: 'user:olga', at: '2024-01-01T04:05:00Z' } };
    expect(twinEventUpcasting.upcast(acknowledged)).toEqual(acknowledged);
  });

  it('refuses a twin event of a version newer than this build knows, naming type and version', () => {
    const read = () => twinEventUpcasting.upcast({ eventId: 'E-1', type: 'AlarmCleared', schemaVersion: 3, data: {} });
    expect(read).toThrow(UnknownSchemaVersionError);
    expect(read).toThrow('event E-1: AlarmCleared schema version 3: this build knows AlarmCleared up to version 2; a newer build wrote it');
  });
});
