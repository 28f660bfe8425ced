import type { Pool, PoolClient } from 'pg';
import { quoteIdent, withTransaction } from '@twinline/service-kit';
import type { DecideDelivery, DeliveryStore, NewDelivery } from '../deliveries/delivery-store';

/** An escalation to start: a routed alarm under a rule with escalation levels. Its id is `<AlarmRaised event id>:<rule>`. */
export interface NewEscalation {
  escalationId: string;
  eventId: string;
  assetId: string;
  alarmId: string;
  rule: string;
  /** The alarm's notification (an escalation repeats it). */
  subject: string;
  body: Record<string, unknown>;
  traceparent: string | null;
  afterMs: readonly number[];
  levels: readonly (readonly string[])[];
}

export interface EscalationRow extends NewEscalation {
  level: number;
  startedAt: string;
  /** When the next level is due; null when stopped or every level went out. */
  nextAt: string | null;
  escalatedAt: string | null;
  stoppedAt: string | null;
  stopReason: string | null;
  position: string;
}

/** The alarm was acknowledged, cleared, taken out of service or shelved: its escalations stop (a liftable stop, a shelve, until its lift). */
export interface AlarmStop {
  assetId: string;
  alarmId: string;
  eventId: string;
  reason: string;
  liftable: boolean;
}

/** The alarm's shelve ended: the escalations it stopped resume. */
export interface AlarmLift {
  assetId: string;
  alarmId: string;
  eventId: string;
}

/** What an escalation that came due records: its deliveries, the level reached and when the next is due. */
export interface EscalationStep {
  deliveries: NewDelivery[];
  level: number;
  nextAt: number | null;
}

const iso = (t: unknown) => (t ? new Date(t as string).toISOString() : null);

function toRow(r: Record<string, unknown>): EscalationRow {
  return {
    escalationId: r.escalation_id as string,
    eventId: r.event_id as string,
    assetId: r.asset_id as string,
    alarmId: r.alarm_id as string,
    rule: r.rule as string,
    subject: r.subject as string,
    body: r.body as Record<string, unknown>,
    traceparent: (r.traceparent as string | null) ?? null,
    afterMs: r.after_ms as number[],
    levels: r.levels as string[][],
    level: Number(r.level),
    startedAt: iso(r.started_at)!,
    nextAt: iso(r.next_at),
    escalatedAt: iso(r.escalated_at),
    stoppedAt: iso(r.stopped_at),
    stopReason: (r.stop_reason as string | null) ?? null,
    position: String(r.position),
  };
}

/**
 * Escalations of unacknowledged alarms, persisted (a restart loses none). Starting, stopping and
 * escalating are idempotent: an escalation is started once per alarm and rule, a level goes out
 * once (its deliveries have ids of their own), and a stop that arrives before its alarm's
 * escalation is remembered and applied when it starts.
 */
export class EscalationStore {
  private readonly s: string;
  constructor(
    private readonly pool: Pool,
    schema: string,
    private readonly deliveries: DeliveryStore,
  ) {
    this.s = quoteIdent(schema);
  }

  /** Serialises starting and stopping the escalations of one alarm. */
  private async lockAlarms(client: PoolClient, keys: readonly { assetId: string; alarmId: string }[]): Promise<void> {
    for (const key of [...new Set(keys.map((k) => `alarm ${k.assetId} ${k.alarmId}`))].sort()) await client.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [this.s, key]);
  }

  /** Starts escalations not started before; one whose alarm was already acknowledged or cleared starts stopped. Returns how many started. */
  async start(escalations: readonly NewEscalation[]): Promise<number> {
    if (escalations.length === 0) return 0;
    return withTransaction(this.pool, async (client) => {
      await this.lockAlarms(client, escalations);
      const r = await client.query(
        `INSERT INTO ${this.s}.escalations (escalation_id, event_id, asset_id, alarm_id, rule, subject, body, traceparent, after_ms, levels, next_at, stopped_at, stop_reason)
         SELECT e.escalation_id, e.event_id, e.asset_id, e.alarm_id, e.rule, e.subject, e.body, e.traceparent, e.after_ms, e.levels,
           CASE WHEN st.alarm_id IS NULL THEN now() + ((e.after_ms->>0)::bigint * interval '1 millisecond') END, st.at, st.reason
         FROM jsonb_to_recordset($1::jsonb) AS e(escalation_id text, event_id text, asset_id text, alarm_id text, rule text, subject text, body jsonb, traceparent text, after_ms jsonb, levels jsonb)
         LEFT JOIN ${this.s}.alarm_stops st ON st.asset_id = e.asset_id AND st.alarm_id = e.alarm_id
         ON CONFLICT DO NOTHING`,
        [
          JSON.stringify(
            escalations.map((e) => ({
              escalation_id: e.escalationId,
              event_id: e.eventId,
              asset_id: e.assetId,
              alarm_id: e.alarmId,
              rule: e.rule,
              subject: e.subject,
              body: e.body,
              traceparent: e.traceparent,
              after_ms: e.afterMs,
              levels: e.levels,
            })),
          ),
        ],
      );
      return r.rowCount ?? 0;
    });
  }

  /**
   * Remembers the first stop of each alarm and stops its running escalations; a stop for good
   * (not liftable) replaces a liftable one (a shelve), and the escalations it stopped take its reason.
   * Returns how many escalations it stopped.
   */
  async stop(stops: readonly AlarmStop[]): Promise<number> {
    if (stops.length === 0) return 0;
    return withTransaction(this.pool, async (client) => {
      await this.lockAlarms(client, stops);
      let stopped = 0;
      for (const s of stops) {
        const replaced = await client.query(
          `INSERT INTO ${this.s}.alarm_stops AS st (asset_id, alarm_id, event_id, reason, liftable) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (asset_id, alarm_id) DO UPDATE SET event_id = EXCLUDED.event_id, reason = EXCLUDED.reason, liftable = false
           WHERE st.liftable AND NOT EXCLUDED.liftable
           RETURNING (xmax <> 0) AS replaced`,
          [s.assetId, s.alarmId, s.eventId, s.reason, s.liftable],
        );
        if ((replaced.rows[0] as { replaced?: boolean } | undefined)?.replaced) {
          // The escalations the shelve stopped are now stopped for good, and say why.
          await client.query(`UPDATE ${this.s}.escalations SET stop_reason = $3 WHERE asset_id = $1 AND alarm_id = $2 AND stopped_at IS NOT NULL`, [s.assetId, s.alarmId, s.reason]);
        }
        const r = await client.query(
          `UPDATE ${this.s}.escalations e SET stopped_at = st.at, stop_reason = st.reason, next_at = NULL
           FROM ${this.s}.alarm_stops st WHERE st.asset_id = $1 AND st.alarm_id = $2 AND e.asset_id = $1 AND e.alarm_id = $2 AND e.stopped_at IS NULL`,
          [s.assetId, s.alarmId],
        );
        stopped += r.rowCount ?? 0;
      }
      return stopped;
    });
  }

  /**
   * Ends the liftable stop (the shelve) of each alarm: its escalations resume, due at once (the
   * escalation round works out which level is due). A stop for good is not lifted; a lift without a
   * liftable stop (redelivered, or after an acknowledgement) changes nothing. Returns how many escalations resumed.
   */
  async lift(lifts: readonly AlarmLift[]): Promise<number> {
    if (lifts.length === 0) return 0;
    return withTransaction(this.pool, async (client) => {
      await this.lockAlarms(client, lifts);
      let resumed = 0;
      for (const l of lifts) {
        const deleted = await client.query(`DELETE FROM ${this.s}.alarm_stops WHERE asset_id = $1 AND alarm_id = $2 AND liftable`, [l.assetId, l.alarmId]);
        if (!deleted.rowCount) continue;
        const r = await client.query(
          `UPDATE ${this.s}.escalations SET stopped_at = NULL, stop_reason = NULL, next_at = now() WHERE asset_id = $1 AND alarm_id = $2 AND stopped_at IS NOT NULL`,
          [l.assetId, l.alarmId],
        );
        resumed += r.rowCount ?? 0;
      }
      return resumed;
    });
  }

  /** Escalations with a level due now, the longest waiting first. */
  async dueIds(limit: number): Promise<string[]> {
    const r = await this.pool.query<{ escalation_id: string }>(`SELECT escalation_id FROM ${this.s}.escalations WHERE next_at <= now() AND stopped_at IS NULL ORDER BY next_at LIMIT $1`, [limit]);
    return r.rows.map((row) => row.escalation_id);
  }

  /**
   * Sends what one escalation has due: `step` (given the row, locked, and the database's now) says
   * which deliveries to record and the level reached; they are recorded (rate limit and quiet hours
   * as `decide` has them) with the new level in one transaction. A stop waits for it, and an
   * escalation stopped meanwhile records nothing. Returns how many deliveries were recorded.
   */
  async escalate(escalationId: string, step: (row: EscalationRow, nowMs: number) => EscalationStep, windowMs: number, decide: DecideDelivery): Promise<number> {
    return withTransaction(this.pool, async (client) => {
      const found = await client.query(`SELECT *, now() AS db_now FROM ${this.s}.escalations WHERE escalation_id = $1 AND stopped_at IS NULL AND next_at IS NOT NULL FOR UPDATE`, [escalationId]);
      const row = found.rows[0] as (Record<string, unknown> & { db_now: Date }) | undefined;
      if (!row) return 0;
      const next = step(toRow(row), row.db_now.getTime());
      const recorded = await this.deliveries.recordDecidedIn(client, next.deliveries, windowMs, decide);
      await client.query(
        `UPDATE ${this.s}.escalations SET level = $2, next_at = $3, escalated_at = CASE WHEN $2::int > level THEN now() ELSE escalated_at END WHERE escalation_id = $1`,
        [escalationId, next.level, next.nextAt === null ? null : new Date(next.nextAt)],
      );
      return recorded;
    });
  }

  async list(filter: { assetId?: string; alarmId?: string; active?: boolean; after?: string; limit: number }): Promise<EscalationRow[]> {
    const params: unknown[] = [filter.after ?? '0', filter.limit];
    const where = ['position > $1'];
    if (filter.assetId) where.push(`asset_id = $${params.push(filter.assetId)}`);
    if (filter.alarmId) where.push(`alarm_id = $${params.push(filter.alarmId)}`);
    if (filter.active === true) where.push('next_at IS NOT NULL');
    if (filter.active === false) where.push('next_at IS NULL');
    const r = await this.pool.query(`SELECT * FROM ${this.s}.escalations WHERE ${where.join(' AND ')} ORDER BY position LIMIT $2`, params);
    return r.rows.map(toRow);
  }
}
