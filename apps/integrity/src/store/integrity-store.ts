import type { Pool } from 'pg';
import type { QuarantinedItem } from '@twinline/contracts';
import type { IntegrityState } from '@twinline/domain-integrity';
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
}

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
    const r = await this.pool.query<{ device_id: string; last_seq: string }>(`SELECT device_id, last_seq FROM ${this.s}.device_state WHERE device_id = ANY($1::text[])`, [deviceIds]);
    const devices: IntegrityState['devices'] = {};
    for (const row of r.rows) devices[row.device_id] = { lastSeq: Number(row.last_seq) };
    return { devices };
  }

  /** Commits the outcome of a batch: device state, quarantine records and processed message ids. */
  async commit(outcome: { state: IntegrityState; quarantined: Array<{ assetId: string; messageId: string; item: QuarantinedItem }>; messageIds: readonly string[] }): Promise<void> {
    await withTransaction(this.pool, async (client) => {
      const devices = Object.entries(outcome.state.devices);
      if (devices.length) {
        await client.query(
          `INSERT INTO ${this.s}.device_state (device_id, last_seq)
           SELECT * FROM unnest($1::text[], $2::bigint[])
           ON CONFLICT (device_id) DO UPDATE SET last_seq = GREATEST(${this.s}.device_state.last_seq, EXCLUDED.last_seq), updated_at = now()`,
          [devices.map(([id]) => id), devices.map(([, d]) => d.lastSeq)],
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

  async listQuarantine(filter: { assetId?: string; rule?: string; after?: string; limit: number }): Promise<QuarantineRecord[]> {
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
    params.push(filter.limit);
    const r = await this.pool.query(
      `SELECT reading_id, asset_id, device_id, seq, ts, received_at, quarantined_at, reasons, payload, message_id, position
       FROM ${this.s}.quarantine WHERE ${where.join(' AND ')} ORDER BY position LIMIT $${params.length}`,
      params,
    );
    return r.rows.map((row) => ({
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
    }));
  }
}
