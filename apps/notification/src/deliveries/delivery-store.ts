import type { Pool, PoolClient } from 'pg';
import { digestFor, type RecentNotification } from '@twinline/domain-notification';
import { quoteIdent, withTransaction } from '@twinline/service-kit';

/** SUPPRESSED: held back by the rate limit or as a duplicate (the reason is kept); a digest names it once its window ended. */
export type DeliveryStatus = 'PENDING' | 'SENDING' | 'DELIVERED' | 'DEAD' | 'UNROUTED' | 'SUPPRESSED';

export interface NewDelivery {
  deliveryId: string;
  eventId: string;
  channel: string;
  kind: string;
  assetId: string;
  subject: string;
  body: Record<string, unknown>;
  target: string | null;
  /** The routes' recipient it goes to; null without NOTIFY_ROUTES (and for what no rule routes): NOTIFY_WEBHOOK_URL or NOTIFY_EMAIL_TO. */
  recipient?: string | null;
  status: Extract<DeliveryStatus, 'PENDING' | 'UNROUTED' | 'SUPPRESSED'>;
  /** W3C trace context of the event announced (the webhook call continues that trace). */
  traceparent?: string | null;
  /** Not sent before (quiet hours); now when absent. */
  nextAttemptAt?: Date | string | null;
  /** Why it was held back (SUPPRESSED only), and until when its window runs. */
  suppressedReason?: string | null;
  heldUntil?: Date | string | null;
}

export interface DeliveryRow extends NewDelivery {
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  position: string;
  /** Who sent this dead letter back to PENDING last (`user:<sub>`), and when; null if never. */
  retriedBy: string | null;
  retriedAt: string | null;
  /** Attempts made before the last admin retry: the retry policy counts afresh from there. */
  retryBaseAttempts: number;
  /** The digest delivery that named this held-back one; null until its window ended. */
  digestId?: string | null;
}

/** An admin's retry of a dead letter, after attempt number `afterAttempt`. */
export interface RetryRow {
  afterAttempt: number;
  by: string;
  at: string;
}

export type RetryResult = { kind: 'retried'; delivery: DeliveryRow } | { kind: 'not-found' } | { kind: 'not-dead'; status: DeliveryStatus };

export interface AttemptRow {
  attempt: number;
  at: string;
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** What a rate limit and de-duplication count together: one asset, one recipient (none without routes), one channel. */
const throttleKey = (assetId: string, recipient: string | null, channel: string) => `${channel} ${recipient ?? ''} ${assetId}`;

/** Decides a new delivery given those recorded before it for its asset, recipient and channel, at the database's now. */
export type DecideDelivery = (d: NewDelivery, recent: readonly RecentNotification[], nowMs: number) => NewDelivery;

function toRow(r: Record<string, unknown>): DeliveryRow {
  return {
    deliveryId: r.delivery_id as string,
    eventId: r.event_id as string,
    channel: r.channel as string,
    kind: r.kind as string,
    assetId: r.asset_id as string,
    subject: r.subject as string,
    body: r.body as Record<string, unknown>,
    target: (r.target as string | null) ?? null,
    recipient: (r.recipient as string | null) ?? null,
    traceparent: (r.traceparent as string | null) ?? null,
    status: r.status as NewDelivery['status'],
    attempts: Number(r.attempts),
    nextAttemptAt: new Date(r.next_attempt_at as string).toISOString(),
    lastError: (r.last_error as string | null) ?? null,
    createdAt: new Date(r.created_at as string).toISOString(),
    deliveredAt: r.delivered_at ? new Date(r.delivered_at as string).toISOString() : null,
    position: String(r.position),
    retriedBy: (r.retried_by as string | null) ?? null,
    retriedAt: r.retried_at ? new Date(r.retried_at as string).toISOString() : null,
    retryBaseAttempts: Number(r.retry_base_attempts ?? 0),
    suppressedReason: (r.suppressed_reason as string | null) ?? null,
    heldUntil: r.held_until ? new Date(r.held_until as string).toISOString() : null,
    digestId: (r.digest_id as string | null) ?? null,
  };
}

/** The delivery log. Recording is idempotent per (event, channel): a redelivered event adds nothing. */
export class DeliveryStore {
  private readonly s: string;
  constructor(
    private readonly pool: Pool,
    schema: string,
  ) {
    this.s = quoteIdent(schema);
  }

  async record(deliveries: readonly NewDelivery[]): Promise<number> {
    return this.insert(this.pool, deliveries);
  }

  /** `createdAt`: when the rows count as sent for the rate limit (default: the transaction's start). */
  private async insert(q: Pool | PoolClient, deliveries: readonly NewDelivery[], createdAt?: Date): Promise<number> {
    if (deliveries.length === 0) return 0;
    const iso = (t: Date | string | null | undefined) => (t === undefined || t === null ? null : new Date(t).toISOString());
    const r = await q.query(
      `INSERT INTO ${this.s}.deliveries (delivery_id, event_id, channel, kind, asset_id, subject, body, target, recipient, status, traceparent, next_attempt_at, suppressed_reason, held_until, created_at)
       SELECT d.delivery_id, d.event_id, d.channel, d.kind, d.asset_id, d.subject, d.body, d.target, d.recipient, d.status, d.traceparent, COALESCE(d.next_attempt_at, now()), d.suppressed_reason, d.held_until, COALESCE($2::timestamptz, now())
       FROM jsonb_to_recordset($1::jsonb) AS d(delivery_id text, event_id text, channel text, kind text, asset_id text, subject text, body jsonb, target text, recipient text, status text, traceparent text,
         next_attempt_at timestamptz, suppressed_reason text, held_until timestamptz)
       ON CONFLICT DO NOTHING`,
      [
        JSON.stringify(
          deliveries.map((d) => ({
            delivery_id: d.deliveryId,
            event_id: d.eventId,
            channel: d.channel,
            kind: d.kind,
            asset_id: d.assetId,
            subject: d.subject,
            body: d.body,
            target: d.target,
            recipient: d.recipient ?? null,
            status: d.status,
            traceparent: d.traceparent ?? null,
            next_attempt_at: iso(d.nextAttemptAt),
            suppressed_reason: d.suppressedReason ?? null,
            held_until: iso(d.heldUntil),
          })),
        ),
        createdAt ?? null,
      ],
    );
    return r.rowCount ?? 0;
  }

  /** Serialises decisions per asset, recipient and channel (rate limit, digest) across consumers and instances; take in sorted order. */
  private async lockAssetChannels(client: PoolClient, keys: readonly { assetId: string; channel: string; recipient?: string | null | undefined }[]): Promise<void> {
    const sorted = [...new Set(keys.map((k) => throttleKey(k.assetId, k.recipient ?? null, k.channel)))].sort();
    for (const key of sorted) await client.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [this.s, key]);
  }

  /**
   * Records deliveries as `decide` has them: it sees each new delivery with the notifications
   * recorded for its asset, recipient and channel in the last `windowMs` (digests left out; those
   * decided earlier in this batch included) and the database's now, and returns what to record
   * (sent, deferred or SUPPRESSED). Serialised per asset, recipient and channel; a delivery already
   * recorded (a redelivered event) is neither decided again nor recorded twice.
   */
  async recordDecided(deliveries: readonly NewDelivery[], windowMs: number, decide: DecideDelivery): Promise<number> {
    if (deliveries.length === 0) return 0;
    return withTransaction(this.pool, (client) => this.recordDecidedIn(client, deliveries, windowMs, decide));
  }

  /** recordDecided within the caller's transaction (an escalation records its deliveries with its level). */
  async recordDecidedIn(client: PoolClient, deliveries: readonly NewDelivery[], windowMs: number, decide: DecideDelivery): Promise<number> {
    if (deliveries.length === 0) return 0;
    await this.lockAssetChannels(client, deliveries);
    // The clock once the lock is held, not the transaction's start: a transaction that began earlier
    // but got the lock later must still see (and time after) what the holder before it recorded,
    // or both would count an empty window. The rows are recorded at this same time.
    const clock = (await client.query<{ now: Date }>('SELECT clock_timestamp() AS now')).rows[0]!.now;
    const now = clock.getTime();
    const ids = deliveries.map((d) => d.deliveryId);
    const existing = new Set((await client.query<{ delivery_id: string }>(`SELECT delivery_id FROM ${this.s}.deliveries WHERE delivery_id = ANY($1)`, [ids])).rows.map((r) => r.delivery_id));
    const recent = await client.query<{ asset_id: string; channel: string; recipient: string | null; subject: string; created_at: Date; status: string }>(
      `SELECT asset_id, channel, recipient, subject, created_at, status FROM ${this.s}.deliveries
       WHERE asset_id = ANY($1) AND channel = ANY($2) AND kind <> 'digest' AND created_at > $4::timestamptz - ($3::bigint * interval '1 millisecond')
       ORDER BY position`,
      [[...new Set(deliveries.map((d) => d.assetId))], [...new Set(deliveries.map((d) => d.channel))], windowMs, clock],
    );
    const byKey = new Map<string, RecentNotification[]>();
    const listOf = (key: string) => byKey.get(key) ?? byKey.set(key, []).get(key)!;
    for (const r of recent.rows) listOf(throttleKey(r.asset_id, r.recipient, r.channel)).push({ subject: r.subject, at: r.created_at.getTime(), suppressed: r.status === 'SUPPRESSED' });
    const decided: NewDelivery[] = [];
    for (const d of deliveries) {
      if (existing.has(d.deliveryId)) continue;
      existing.add(d.deliveryId);
      const list = listOf(throttleKey(d.assetId, d.recipient ?? null, d.channel));
      const out = decide(d, list, now);
      list.push({ subject: out.subject, at: now, suppressed: out.status === 'SUPPRESSED' });
      decided.push(out);
    }
    return this.insert(client, decided, clock);
  }

  /**
   * Sends one digest per asset and channel whose held-back deliveries' window has ended (the
   * earliest held_until passed): it names every one held back and not yet named, which then point
   * at it (digest_id). Returns how many digests were recorded.
   */
  async releaseDigests(): Promise<number> {
    const due = await this.pool.query<{ asset_id: string; channel: string; recipient: string | null }>(
      `SELECT asset_id, channel, recipient FROM ${this.s}.deliveries WHERE status = 'SUPPRESSED' AND digest_id IS NULL GROUP BY asset_id, channel, recipient HAVING min(held_until) <= now()`,
    );
    let released = 0;
    for (const { asset_id: assetId, channel, recipient } of due.rows) {
      released += await withTransaction(this.pool, async (client) => {
        await this.lockAssetChannels(client, [{ assetId, channel, recipient }]);
        const held = await client.query<{ delivery_id: string; subject: string; target: string | null; position: string; suppressed_reason: string | null }>(
          `SELECT delivery_id, subject, target, position::text, suppressed_reason FROM ${this.s}.deliveries
           WHERE asset_id = $1 AND channel = $2 AND recipient IS NOT DISTINCT FROM $3 AND status = 'SUPPRESSED' AND digest_id IS NULL ORDER BY position`,
          [assetId, channel, recipient],
        );
        const last = held.rows[held.rows.length - 1];
        if (!last) return 0;
        const digest = digestFor(assetId, held.rows);
        const eventId = `digest:${assetId}:${last.position}`;
        const deliveryId = recipient === null ? `${eventId}:${channel}` : `${eventId}:${recipient}:${channel}`;
        await this.insert(client, [
          {
            deliveryId,
            eventId,
            channel,
            recipient,
            kind: digest.kind,
            assetId,
            subject: digest.subject,
            body: { ...digest.body, deliveryIds: held.rows.map((r) => r.delivery_id) },
            target: last.target,
            status: last.target === null ? 'UNROUTED' : 'PENDING',
          },
        ]);
        await client.query(`UPDATE ${this.s}.deliveries SET digest_id = $2 WHERE delivery_id = ANY($1)`, [held.rows.map((r) => r.delivery_id), deliveryId]);
        return 1;
      });
    }
    return released;
  }

  /** Claims due deliveries for sending (a lease, so a crashed sender's work is picked up again). */
  async claimDue(limit: number, leaseMs: number): Promise<DeliveryRow[]> {
    const r = await this.pool.query(
      `UPDATE ${this.s}.deliveries SET status = 'SENDING', lease_until = now() + ($2::int * interval '1 millisecond')
       WHERE delivery_id IN (
         SELECT delivery_id FROM ${this.s}.deliveries
         WHERE (status = 'PENDING' AND next_attempt_at <= now()) OR (status = 'SENDING' AND lease_until < now())
         ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [limit, leaseMs],
    );
    return r.rows.map(toRow);
  }

  async recordAttempt(
    deliveryId: string,
    attempt: { attempt: number; ok: boolean; statusCode: number | null; error: string | null; durationMs: number },
    next: { status: 'DELIVERED' | 'PENDING' | 'DEAD'; nextAttemptAt?: Date },
  ): Promise<void> {
    await withTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO ${this.s}.delivery_attempts (delivery_id, attempt, ok, status_code, error, duration_ms) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [deliveryId, attempt.attempt, attempt.ok, attempt.statusCode, attempt.error, attempt.durationMs],
      );
      await client.query(
        `UPDATE ${this.s}.deliveries SET status = $2, attempts = $3, last_error = $4, lease_until = NULL,
           next_attempt_at = COALESCE($5, next_attempt_at), delivered_at = CASE WHEN $2 = 'DELIVERED' THEN now() ELSE delivered_at END
         WHERE delivery_id = $1`,
        [deliveryId, next.status, attempt.attempt, attempt.error, next.nextAttemptAt ?? null],
      );
    });
  }

  /** Deliveries per status (statuses without one are left out). */
  async countByStatus(): Promise<Map<string, number>> {
    const r = await this.pool.query<{ status: string; count: number }>(`SELECT status, count(*)::int AS count FROM ${this.s}.deliveries GROUP BY status`);
    return new Map(r.rows.map((row) => [row.status, row.count]));
  }

  async list(filter: { status?: string; kind?: string; assetId?: string; recipient?: string; deliveryId?: string; after?: string; limit: number }): Promise<Array<DeliveryRow & { attemptLog: AttemptRow[]; retries: RetryRow[] }>> {
    const params: unknown[] = [filter.after ?? '0', filter.limit];
    const where = ['d.position > $1'];
    if (filter.status) where.push(`d.status = $${params.push(filter.status)}`);
    if (filter.kind) where.push(`d.kind = $${params.push(filter.kind)}`);
    if (filter.assetId) where.push(`d.asset_id = $${params.push(filter.assetId)}`);
    if (filter.recipient) where.push(`d.recipient = $${params.push(filter.recipient)}`);
    if (filter.deliveryId) where.push(`d.delivery_id = $${params.push(filter.deliveryId)}`);
    const r = await this.pool.query(
      `SELECT d.*, COALESCE((SELECT jsonb_agg(jsonb_build_object('attempt', a.attempt, 'at', a.at, 'ok', a.ok, 'statusCode', a.status_code, 'error', a.error, 'durationMs', a.duration_ms) ORDER BY a.attempt)
         FROM ${this.s}.delivery_attempts a WHERE a.delivery_id = d.delivery_id), '[]'::jsonb) AS attempt_log,
         COALESCE((SELECT jsonb_agg(jsonb_build_object('afterAttempt', x.after_attempt, 'by', x.by, 'at', x.at) ORDER BY x.after_attempt)
         FROM ${this.s}.delivery_retries x WHERE x.delivery_id = d.delivery_id), '[]'::jsonb) AS retries
       FROM ${this.s}.deliveries d WHERE ${where.join(' AND ')} ORDER BY d.position LIMIT $2`,
      params,
    );
    return r.rows.map((row) => ({ ...toRow(row), attemptLog: row.attempt_log as AttemptRow[], retries: row.retries as RetryRow[] }));
  }

  /** One delivery with its attempts and retries; undefined when there is none. */
  async get(deliveryId: string): Promise<(DeliveryRow & { attemptLog: AttemptRow[]; retries: RetryRow[] }) | undefined> {
    return (await this.list({ deliveryId, limit: 1 }))[0];
  }

  /**
   * Sends a dead letter (status DEAD) back to PENDING, due now, recording who retried it; attempts
   * keep their numbers and the retry policy counts afresh. Anything else is left alone.
   */
  async retry(deliveryId: string, by: string): Promise<RetryResult> {
    return withTransaction(this.pool, async (client) => {
      const found = await client.query<{ status: DeliveryStatus; attempts: number }>(`SELECT status, attempts FROM ${this.s}.deliveries WHERE delivery_id = $1 FOR UPDATE`, [deliveryId]);
      const current = found.rows[0];
      if (!current) return { kind: 'not-found' } as const;
      if (current.status !== 'DEAD') return { kind: 'not-dead', status: current.status } as const;
      await client.query(`INSERT INTO ${this.s}.delivery_retries (delivery_id, after_attempt, by) VALUES ($1, $2, $3)`, [deliveryId, current.attempts, by]);
      const updated = await client.query(
        `UPDATE ${this.s}.deliveries SET status = 'PENDING', next_attempt_at = now(), lease_until = NULL, retried_by = $2, retried_at = now(), retry_base_attempts = attempts
         WHERE delivery_id = $1 RETURNING *`,
        [deliveryId, by],
      );
      return { kind: 'retried', delivery: toRow(updated.rows[0]!) } as const;
    });
  }
}
