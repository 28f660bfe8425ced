import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { p101Readings, sendReadings } from '@twinline/cli';
import { headsDigest, type StoreVerification, type StreamHeadEntry } from '@twinline/event-store';
import { TEST_DATABASE_URL, waitFor } from '@twinline/testing';
import { getJson, postJson, putJson, startHarness, type Harness } from './harness';
import { twinline } from './cli';
import { P101_REGISTRATION, testRegistry } from './registry';

interface Heads {
  count: number;
  digest: string;
  heads: StreamHeadEntry[];
}
type Verification = StoreVerification & { checkedAt: string };

/**
 * Tamper evidence and auditor access end to end: signed P-101 readings through the five services,
 * then an auditor token verifies the chains, reads the heads, exports the history (JSON Lines and
 * CSV) and verifies the export offline with the CLI; writes stay closed to it. Then one stored
 * event is edited in Postgres and `GET /v1/audit/verify` names that event.
 */
describe('audit: tamper-evident history for auditors', () => {
  let h: Harness;
  const dir = mkdtempSync(join(tmpdir(), 'twinline-audit-'));
  const registry = testRegistry([{ assetId: 'P-101', registration: P101_REGISTRATION }]);
  const twin = () => h.platform.urls['twin-state'];
  const scheduler = () => h.platform.urls['maintenance-scheduler'];
  const cliUrls = () => ['--twin', twin(), '--scheduler', scheduler(), '--token', h.tokens.auditor];

  beforeAll(async () => {
    h = await startHarness('e2e_audit', registry.env);
    await sendReadings(registry.sign(p101Readings({ seqBase: 0 })), { via: 'http', mqttUrl: '', ingestionUrl: h.platform.urls.ingestion, site: 'north-field' });
    await waitFor(() => getJson<{ readingsApplied: number }>(`${twin()}/v1/assets/P-101`, { token: h.tokens.operator }), {
      accept: (r) => r.status === 200 && r.body.readingsApplied === 10,
      what: 'ten readings applied to P-101',
      timeoutMs: 30_000,
    });
    // P-101 is registered as a pump: a limit and a vibration alarm per episode, one work order per cause.
    await waitFor(() => getJson<{ items: Array<{ alarmIds: string[] }> }>(`${scheduler()}/v1/work-orders?assetId=P-101`, { token: h.tokens.operator }), {
      accept: (r) => r.status === 200 && r.body.items.length === 2 && r.body.items.every((o) => o.alarmIds.length === 2),
      what: 'the two work orders of P-101 (one per cause), each holding its two alarms',
    });
  });
  afterAll(async () => {
    await h?.teardown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an auditor verifies both stores and reads their heads with the documented digest', async () => {
    for (const base of [twin(), scheduler()]) {
      const verified = await getJson<Verification>(`${base}/v1/audit/verify`, { token: h.tokens.auditor });
      expect(verified.status).toBe(200);
      expect(verified.body).toMatchObject({ valid: true, breaks: [], truncated: false });
      expect(verified.body.events).toBeGreaterThan(0);

      const heads = await getJson<Heads>(`${base}/v1/audit/heads`, { token: h.tokens.auditor });
      expect(heads.status).toBe(200);
      expect(heads.body.count).toBe(heads.body.heads.length);
      expect(heads.body.digest).toBe(headsDigest(heads.body.heads));
    }
    const one = await getJson<Heads>(`${twin()}/v1/audit/heads?streamId=asset-P-101`, { token: h.tokens.auditor });
    expect(one.body.heads).toEqual([expect.objectContaining({ streamId: 'asset-P-101' })]);
    expect((await getJson(`${twin()}/v1/audit/heads?streamId=asset-NOPE`, { token: h.tokens.auditor })).status).toBe(404);
    expect((await getJson(`${twin()}/v1/audit/verify`, {})).status).toBe(401);
  });

  it('an auditor exports the history as JSON Lines ending with the head, and as CSV with the head in a header', async () => {
    const head = (await getJson<Heads>(`${twin()}/v1/audit/heads?streamId=asset-P-101`, { token: h.tokens.auditor })).body.heads[0]!;
    const jsonl = await getJson<string>(`${twin()}/v1/assets/P-101/export?format=jsonl`, { token: h.tokens.auditor });
    expect(jsonl.status).toBe(200);
    expect(jsonl.contentType).toContain('application/x-ndjson');
    const lines = jsonl.body.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(head.version + 1);
    expect(lines[lines.length - 1]).toEqual({ head });
    expect(lines[0]).toMatchObject({ streamId: 'asset-P-101', streamVersion: 1, type: expect.any(String), prevHash: '0'.repeat(64) });
    expect(Object.keys(lines[0]!)).toEqual(['position', 'streamId', 'streamVersion', 'eventId', 'type', 'schemaVersion', 'occurredAt', 'recordedAt', 'data', 'metadata', 'prevHash', 'hash']);

    const csv = await getJson<string>(`${twin()}/v1/assets/P-101/export?format=csv`, { token: h.tokens.auditor });
    expect(csv.status).toBe(200);
    expect(csv.contentType).toContain('text/csv');
    expect(JSON.parse(csv.headers.get('twinline-stream-head')!)).toEqual(head);
    const rows = csv.body.trimEnd().split('\r\n');
    expect(rows[0]).toBe('position,streamId,streamVersion,eventId,type,schemaVersion,occurredAt,recordedAt,data,metadata,prevHash,hash');
    expect(rows).toHaveLength(head.version + 1);

    const orders = await getJson<string>(`${scheduler()}/v1/work-orders/export?assetId=P-101`, { token: h.tokens.auditor });
    expect(orders.status).toBe(200);
    const orderLines = orders.body.trimEnd().split('\n').map((l) => JSON.parse(l) as { streamId?: string; head?: StreamHeadEntry });
    expect(orderLines[0]).toMatchObject({ streamId: 'workorders-P-101', streamVersion: 1 });
    expect(orderLines[orderLines.length - 1]!.head).toMatchObject({ streamId: 'workorders-P-101', version: orderLines.length - 1 });

    expect((await getJson(`${twin()}/v1/assets/P-999/export`, { token: h.tokens.auditor })).status).toBe(404);
    expect((await getJson(`${twin()}/v1/assets/P-101/export?format=xml`, { token: h.tokens.auditor })).status).toBe(400);
  });

  it('the CLI exports with an auditor token and verifies the exports offline', async () => {
    const jsonl = join(dir, 'p101.jsonl');
    const csv = join(dir, 'p101.csv');
    const orders = join(dir, 'p101-orders.jsonl');
    for (const [file, extra] of [[jsonl, []], [csv, ['--format', 'csv']], [orders, ['--service', 'maintenance-scheduler']]] as const) {
      const exported = await twinline(['audit', 'export', 'P-101', '--out', file, ...extra, ...cliUrls()]);
      expect({ code: exported.code, stderr: exported.stderr }).toEqual({ code: 0, stderr: expect.stringContaining(`written to ${file}`) });
      const verified = await twinline(['audit', 'verify-file', file]);
      expect({ code: verified.code, stdout: verified.stdout }).toEqual({ code: 0, stdout: expect.stringMatching(/^OK — \d+ event\(s\) in 1 stream\(s\) re-hashed, every chain intact; matches the head/) });
    }

    const verify = await twinline(['audit', 'verify', ...cliUrls()]);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/✔ twin-state: OK/);
    expect(verify.stdout).toMatch(/✔ maintenance-scheduler: OK/);
    const heads = await twinline(['audit', 'heads', '--service', 'twin-state', ...cliUrls()]);
    expect(heads.code).toBe(0);
    const twinHeads = (JSON.parse(heads.stdout) as Record<string, Heads>)['twin-state']!;
    expect(twinHeads.heads).toEqual(expect.arrayContaining([expect.objectContaining({ streamId: 'asset-P-101' })]));
    expect(twinHeads.digest).toBe(headsDigest(twinHeads.heads));

    // A doctored copy of the export fails offline, at the doctored event.
    const doctored = join(dir, 'doctored.jsonl');
    const lines = readFileSync(jsonl, 'utf8').split('\n');
    lines[1] = lines[1]!.replace(/"data":\{/, '"data":{"forged":true,');
    writeFileSync(doctored, lines.join('\n'));
    const broken = await twinline(['audit', 'verify-file', doctored]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/BROKEN[\s\S]*asset-P-101 version 2 \(position \d+, event [^)]+\): content-edited/);
  });

  it('an auditor cannot write: 403 on every write route', async () => {
    const writes = [
      () => putJson(`${h.platform.urls.integrity}/v1/registry/assets/X-1`, { assetClass: 'pump', site: 'north-field' }, { token: h.tokens.auditor }),
      () => postJson(`${h.platform.urls.integrity}/v1/quarantine/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}/release`, { note: 'x' }, { token: h.tokens.auditor }),
      () => postJson(`${twin()}/v1/admin/projections/twin_view/rebuild`, {}, { token: h.tokens.auditor }),
      () => postJson(`${scheduler()}/v1/admin/projections/work_orders/rebuild`, {}, { token: h.tokens.auditor }),
    ];
    for (const write of writes) expect((await write()).status).toBe(403);
  });

  it('an event edited in Postgres is reported by GET /v1/audit/verify at that event, and by the CLI', async () => {
    const pool = new Pool({ connectionString: TEST_DATABASE_URL });
    const table = `"${h.topicRoot}_twin_state".events`;
    try {
      const { rows } = await pool.query<{ position: string; event_id: string }>(`SELECT position::text, event_id FROM ${table} WHERE stream_id = 'asset-P-101' AND stream_version = 3`);
      await pool.query(`UPDATE ${table} SET data = data || '{"tampered": true}'::jsonb WHERE stream_id = 'asset-P-101' AND stream_version = 3`);

      const verified = await getJson<Verification>(`${twin()}/v1/audit/verify`, { token: h.tokens.auditor });
      expect(verified.body).toMatchObject({ valid: false, breaks: [{ streamId: 'asset-P-101', streamVersion: 3, position: rows[0]!.position, eventId: rows[0]!.event_id, reason: 'content-edited' }] });
      expect(verified.body.breaks).toHaveLength(1);
      expect((await getJson<Verification>(`${twin()}/v1/audit/verify?streamId=asset-P-101`, { token: h.tokens.auditor })).body.breaks).toEqual(verified.body.breaks);

      const cli = await twinline(['audit', 'verify', '--service', 'all', ...cliUrls()]);
      expect(cli.code).toBe(1);
      expect(cli.stdout).toContain(`✖ asset-P-101 version 3 (position ${rows[0]!.position}, event ${rows[0]!.event_id}): content-edited`);
      expect(cli.stdout).toMatch(/✔ maintenance-scheduler: OK/);
    } finally {
      await pool.end();
    }
  });
});
