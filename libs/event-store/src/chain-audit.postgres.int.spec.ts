import { createTestSchema, type TestSchema } from '@twinline/testing';
import { EventStoreChainAudit } from './chain-audit';
import type { NewEvent } from './event-store';
import { eventHash } from './hash-chain';
import { runEventStoreMigrations } from './migrations/run-migrations';
import { PostgresChainAudit } from './postgres-chain-audit';
import { PostgresEventStore } from './postgres-event-store';

let db: TestSchema;
let store: PostgresEventStore;
let audit: PostgresChainAudit;

const STREAMS = ['asset-honest', 'asset-edit-data', 'asset-edit-meta', 'asset-delete', 'asset-insert', 'asset-reorder', 'asset-rehashed'] as const;
const LENGTH = 6;

function event(streamId: string, version: number): NewEvent {
  return {
    eventId: `${streamId}-${version}`,
    type: 'ReadingsApplied',
    schemaVersion: 1,
    occurredAt: new Date(Date.UTC(2025, 2, 1, 10, version)).toISOString(),
    data: { temperatureC: 70 + version, pressurePsi: 1500.25, flags: ['ok'] },
    metadata: { correlationId: `corr-${version}`, causationId: null, actor: 'device:edge-1' },
  };
}

beforeAll(async () => {
  db = await createTestSchema('es_audit', 4);
  await runEventStoreMigrations({ url: db.url, schema: db.schema });
  store = new PostgresEventStore(db.pool, { schema: db.schema });
  audit = new PostgresChainAudit(db.pool, { schema: db.schema });
  // Interleaved appends: the streams' positions interleave as they would in a running service.
  for (let version = 1; version <= LENGTH; version++) {
    await store.appendMany(STREAMS.map((streamId) => ({ streamId, expectedVersion: version - 1, events: [event(streamId, version)] })));
  }
});

afterAll(async () => {
  await db?.drop();
});

const events = `"events"`;
const sql = (text: string, params: unknown[] = []) => db.pool.query(text.replaceAll('{events}', `"${db.schema}".${events}`).replaceAll('{streams}', `"${db.schema}"."streams"`), params);
async function row(streamId: string, version: number) {
  const { rows } = await sql(`SELECT position::text, event_id, hash, prev_hash FROM {events} WHERE stream_id = $1 AND stream_version = $2`, [streamId, version]);
  return rows[0] as { position: string; event_id: string; hash: string; prev_hash: string };
}

/**
 * Tampering with the stored rows directly in Postgres, the four ways the issue names (and an edit
 * whose hash was recomputed), each on its own stream: `audit verify` must find each at the right
 * event with the right reason, and leave the honest stream alone.
 */
describe('PostgresChainAudit over a store tampered with by SQL', () => {
  it('given an honest store, then every chain verifies, in small pages too, and agrees with the generic audit', async () => {
    const expected = { valid: true, streams: STREAMS.length, events: STREAMS.length * LENGTH, breaks: [], truncated: false };
    expect(await audit.verify()).toEqual(expected);
    expect(await audit.verify({ pageSize: 4 })).toEqual(expected);
    expect(await audit.verify({ streamId: 'asset-honest' })).toEqual({ ...expected, streams: 1, events: LENGTH });
    const heads = await audit.streamHeads();
    expect(heads).toEqual(await new EventStoreChainAudit(store).streamHeads());
    expect(heads.heads).toHaveLength(STREAMS.length);
    expect(heads.heads.find((h) => h.streamId === 'asset-honest')).toEqual({ streamId: 'asset-honest', version: LENGTH, hash: (await row('asset-honest', LENGTH)).hash });
  });

  it('given each tampering done in SQL, then each is reported at the right event with the right reason', async () => {
    const before = {
      editData: await row('asset-edit-data', 3),
      editMeta: await row('asset-edit-meta', 4),
      deleted: await row('asset-delete', 3),
      afterDeleted: await row('asset-delete', 4),
      insertPrev: await row('asset-insert', 2),
      reorder4: await row('asset-reorder', 4),
      rehashed: await row('asset-rehashed', 2),
    };

    // 1. Edit: a reading's value in data; an actor in metadata.
    await sql(`UPDATE {events} SET data = jsonb_set(data, '{temperatureC}', '20') WHERE stream_id = 'asset-edit-data' AND stream_version = 3`);
    await sql(`UPDATE {events} SET metadata = jsonb_set(metadata, '{actor}', '"user:mallory"') WHERE stream_id = 'asset-edit-meta' AND stream_version = 4`);
    // 2. Delete an event.
    await sql(`DELETE FROM {events} WHERE stream_id = 'asset-delete' AND stream_version = 3`);
    // 3. Insert a forged event at version 3: renumber the later ones to make room, chain the forgery
    //    properly to version 2 (the hash algorithm is public) and move the stream's head along.
    await sql(`UPDATE {events} SET stream_version = stream_version + 1000 WHERE stream_id = 'asset-insert' AND stream_version >= 3`);
    await sql(`UPDATE {events} SET stream_version = stream_version - 999 WHERE stream_id = 'asset-insert' AND stream_version > 1000`);
    const forged = { ...event('asset-insert', 3), eventId: 'forged-1', streamId: 'asset-insert', streamVersion: 3, data: { temperatureC: 71 } };
    const forgedHash = eventHash(before.insertPrev.hash, forged);
    await sql(
      `INSERT INTO {events} (stream_id, stream_version, event_id, type, schema_version, occurred_at, data, metadata, prev_hash, hash)
       VALUES ('asset-insert', 3, 'forged-1', $1, 1, $2, $3, $4, $5, $6)`,
      [forged.type, forged.occurredAt, JSON.stringify(forged.data), JSON.stringify(forged.metadata), before.insertPrev.hash, forgedHash],
    );
    await sql(`UPDATE {streams} SET version = version + 1 WHERE stream_id = 'asset-insert'`);
    const inserted = await row('asset-insert', 3);
    // 4. Reorder: swap versions 4 and 5.
    await sql(`UPDATE {events} SET stream_version = 1000 WHERE stream_id = 'asset-reorder' AND stream_version = 4`);
    await sql(`UPDATE {events} SET stream_version = 4 WHERE stream_id = 'asset-reorder' AND stream_version = 5`);
    await sql(`UPDATE {events} SET stream_version = 5 WHERE stream_id = 'asset-reorder' AND stream_version = 1000`);
    const reordered = await row('asset-reorder', 4);
    // 5. Edit an event and recompute its hash (the next event still links to the old one).
    await sql(`UPDATE {events} SET data = jsonb_set(data, '{temperatureC}', '5') WHERE stream_id = 'asset-rehashed' AND stream_version = 2`);
    const [edited] = await store.readStream('asset-rehashed', { fromVersion: 2, limit: 1 });
    await sql(`UPDATE {events} SET hash = $1 WHERE stream_id = 'asset-rehashed' AND stream_version = 2`, [eventHash(edited!.prevHash, edited!)]);

    const result = await audit.verify({ pageSize: 5 });
    const byStream = Object.fromEntries(result.breaks.map((b) => [b.streamId, b]));
    expect(result).toMatchObject({ valid: false, streams: STREAMS.length, truncated: false });
    expect(Object.keys(byStream).sort()).toEqual(STREAMS.filter((s) => s !== 'asset-honest').sort());
    expect(byStream['asset-edit-data']).toMatchObject({ streamVersion: 3, position: before.editData.position, eventId: before.editData.event_id, reason: 'content-edited' });
    expect(byStream['asset-edit-meta']).toMatchObject({ streamVersion: 4, position: before.editMeta.position, eventId: before.editMeta.event_id, reason: 'content-edited' });
    expect(byStream['asset-delete']).toMatchObject({ streamVersion: 4, position: before.afterDeleted.position, eventId: before.afterDeleted.event_id, reason: 'event-deleted', missingVersions: { from: 3, to: 3 } });
    expect(byStream['asset-insert']).toMatchObject({ streamVersion: 3, position: inserted.position, eventId: 'forged-1', reason: 'event-inserted' });
    expect(byStream['asset-reorder']).toMatchObject({ streamVersion: 4, position: reordered.position, eventId: 'asset-reorder-5', reason: 'reordered' });
    expect(byStream['asset-rehashed']).toMatchObject({ streamVersion: 2, position: before.rehashed.position, eventId: before.rehashed.event_id, reason: 'content-edited' });
    expect(before.deleted.event_id).toBe('asset-delete-3');
    expect(before.reorder4.event_id).toBe('asset-reorder-4');

    // One stream at a time, and the same reports whatever the page size.
    expect((await audit.verify({ streamId: 'asset-insert' })).breaks).toEqual([byStream['asset-insert']]);
    expect((await audit.verify({ streamId: 'asset-honest' })).valid).toBe(true);
    expect((await audit.verify({ pageSize: 1 })).breaks).toEqual(result.breaks);
  });

  it('given the last event deleted, or a stream whose events are all gone, then the recorded head shows it', async () => {
    const last = await row('asset-honest', LENGTH);
    await sql(`DELETE FROM {events} WHERE stream_id = 'asset-honest' AND stream_version = $1`, [LENGTH]);
    await sql(`INSERT INTO {streams} (stream_id, version, last_hash) VALUES ('asset-vanished', 2, $1)`, [last.hash]);
    const breaks = (await audit.verify()).breaks;
    expect(breaks.find((b) => b.streamId === 'asset-honest')).toMatchObject({ streamVersion: LENGTH - 1, reason: 'event-deleted', missingVersions: { from: LENGTH, to: LENGTH } });
    expect(breaks.find((b) => b.streamId === 'asset-vanished')).toMatchObject({ streamVersion: 0, position: null, eventId: null, reason: 'event-deleted', missingVersions: { from: 1, to: 2 } });
  });
});
