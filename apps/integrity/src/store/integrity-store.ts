import type { Pool } from 'pg';
import type { QuarantinedItem } from '@twinline/contracts';
import type { DeviceIntegrity, IntegrityState } from '@twinline/domain-integrity';
import { quoteIdent, withTransaction } from '@twinline/service-kit';

export interface QuarantineRecord {
  readingId: string;
  assetId: string;
  deviceId: string | null;
  seq: number | null;
  ts: string | null;
  receivedAt: string;
  quarantinedAt: string;
  reasons: QuarantinedItem['reasons'];
  payload: unknown;
  messageId: string;
  position: string;
  status: QuarantineStatus;
  review: { by: string; at: string; note: string } | null;
}

export const QUARANTINE_STATUSES = ['pending', 'released', 'discarded'] as const;
export type QuarantineStatus = (typeof QUARANTINE_STATUSES)[number];

/** Integrity's tables, written batch-first: one transaction and a few statements per batch. */
export class IntegrityStore {
  private readonly s: string;
  constructor(
    private readonly pool: Pool,
    schema: string,
  ) {
    this.s = quoteIdent(schema);
  }

  async processedAmong(messageIds: readonly string[]): Promise<Set<string>> {
    const r = await this.pool.query<{ message_id: string }>(`SELECT message_id FROM ${this.s}.processed_messages WHERE message_id = ANY($1::text[])`, [messageIds]);
    return new Set(r.rows.map((row) => row.message_id));
  }

  async loadDevices(deviceIds: readonly string[]): Promise<IntegrityState> {
    const r = await this.pool.query<{ device_id: string; last_seq: string; last_digest: string | null; last_ts_ms: string | null; metrics: DeviceIntegrity['metrics'] }>(
      `SELECT device_id, last_seq, last_digest, last_ts_ms, metrics FROM ${this.s}.device_state WHERE device_id = ANY($1::text[])`,
      [deviceIds],
    );
    const devices: IntegrityState['devices'] = {};
    for (const row of r.rows) {
      devices[row.device_id] = { lastSeq: Number(row.last_seq), lastDigest: row.last_digest, lastTsMs: row.last_ts_ms === null ? null : Number(row.last_ts_ms), metrics: row.metrics ?? {} };
    }
    return { devices };
  }

  /** Commits the outcome of a batch: device state, quarantine records and processed message ids. */
  async commit(outcome: { state: IntegrityState; quarantined: Array<{ assetId: string; messageId: string; item: QuarantinedItem }>; messageIds: readonly string[] }): Promise<void> {
    await withTransaction(this.pool, async (client) => {
      const devices = Object.entries(outcome.state.devices);
      if (devices.length) {
        // One consumer owns the device state (per-asset order), so the batch's state replaces the stored one.
        await client.query(
          `INSERT INTO ${this.s}.device_state (device_id, last_seq, last_digest, last_ts_ms, metrics)
           SELECT d.device_id, d.last_seq, d.last_digest, d.last_ts_ms, d.metrics
           FROM jsonb_to_recordset($1::jsonb) AS d(device_id text, last_seq bigint, last_digest text, last_ts_ms bigint, metrics jsonb)
           ON CONFLICT (device_id) DO UPDATE SET last_seq = EXCLUDED.last_seq, last_digest = EXCLUDED.last_digest, last_ts_ms = EXCLUDED.last_ts_ms, metrics = EXCLUDED.metrics, updated_at = now()`,
          [JSON.stringify(devices.map(([id, d]) => ({ device_id: id, last_seq: d.lastSeq, last_digest: d.lastDigest, last_ts_ms: d.lastTsMs, metrics: d.metrics })))],
        );
      }
      if (outcome.quarantined.length) {
        const q = outcome.quarantined;
        await client.query(
          `INSERT INTO ${this.s}.quarantine (reading_id, asset_id, device_id, seq, ts, received_at, rules, reasons, payload, message_id)
           SELECT r.reading_id, r.asset_id, r.device_id, r.seq, r.ts, r.received_at, ARRAY(SELECT jsonb_array_elements_text(r.rules)), r.reasons, r.payload, r.message_id
           FROM jsonb_to_recordset($1::jsonb) AS r(reading_id text, asset_id text, device_id text, seq bigint, ts text, received_at timestamptz, rules jsonb, reasons jsonb, payload jsonb, message_id text)
           ON CONFLICT (reading_id) DO NOTHING`,
          [
            JSON.stringify(
              q.map(({ assetId, messageId, item }) => ({
                reading_id: item.readingId,
                asset_id: assetId,
                device_id: item.deviceId,
                seq: typeof item.seq === 'number' && Number.isSafeInteger(item.seq) ? item.seq : null,
                ts: item.ts,
                received_at: item.receivedAt,
                rules: [...new Set(item.reasons.map((r) => r.rule))],
                reasons: item.reasons,
                payload: item.payload ?? null,
                message_id: messageId,
              })),
            ),
          ],
        );
      }
      await client.query(`INSERT INTO ${this.s}.processed_messages (message_id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`, [outcome.messageIds]);
    });
  }

  async listQuarantine(filter: { assetId?: string; rule?: string; status?: QuarantineStatus; deviceId?: string; after?: string; limit: number }): Promise<QuarantineRecord[]> {
    const where: string[] = ['position > $1'];
    const params: unknown[] = [filter.after ?? '0'];
    if (filter.assetId) {
      params.push(filter.assetId);
      where.push(`asset_id = $${params.length}`);
    }
    if (filter.rule) {
      params.push(filter.rule);
      where.push(`$${params.length} = ANY(rules)`);
    }
    if (filter.status) {
      params.push(filter.status);
      where.push(`status = $${params.length}`);
    }
    if (filter.deviceId) {
      params.push(filter.deviceId);
      where.push(`device_id = $${params.length}`);
    }
    params.push(filter.limit);
    const r = await this.pool.query(
      `SELECT ${QUARANTINE_COLUMNS} FROM ${this.s}.quarantine WHERE ${where.join(' AND ')} ORDER BY position LIMIT $${params.length}`,
      params,
    );
    return r.rows.map(toRecord);
  }

  async quarantined(readingId: string): Promise<QuarantineRecord | null> {
    const r = await this.pool.query(`SELECT ${QUARANTINE_COLUMNS} FROM ${this.s}.quarantine WHERE reading_id = $1`, [readingId]);
    return r.rows[0] ? toRecord(r.rows[0]) : null;
  }

  /** Marks a pending quarantined reading reviewed; null when it was not pending (someone reviewed it first). */
  async review(readingId: string, status: Exclude<QuarantineStatus, 'pending'>, by: string, note: string): Promise<QuarantineRecord | null> {
    const r = await this.pool.query(
      `UPDATE ${this.s}.quarantine SET status = $2, reviewed_by = $3, reviewed_at = now(), review_note = $4
       WHERE reading_id = $1 AND status = 'pending' RETURNING ${QUARANTINE_COLUMNS}`,
      [readingId, status, by, note],
    );
    return r.rows[0] ? toRecord(r.rows[0]) : null;
  }
}

const QUARANTINE_COLUMNS = 'reading_id, asset_id, device_id, seq, ts, received_at, quarantined_at, reasons, payload, message_id, position, status, reviewed_by, reviewed_at, review_note';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toRecord(row: Record<string, any>): QuarantineRecord {
  return {
    readingId: row.reading_id,
    assetId: row.asset_id,
    deviceId: row.device_id,
    seq: row.seq === null ? null : Number(row.seq),
    ts: row.ts,
    receivedAt: new Date(row.received_at).toISOString(),
    quarantinedAt: new Date(row.quarantined_at).toISOString(),
    reasons: row.reasons,
    payload: row.payload,
    messageId: row.message_id,
    position: String(row.position),
    status: row.status,
    review: row.reviewed_by ? { by: row.reviewed_by, at: new Date(row.reviewed_at).toISOString(), note: row.review_note ?? '' } : null,
  };
}
