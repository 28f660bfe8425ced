import type { Pool } from 'pg';
import type { WorkOrderPriority } from '@twinline/contracts';
import { PostgresEventStore, type NewEvent } from '@twinline/event-store';
import { quoteIdent, withTransaction } from '@twinline/service-kit';
import { preventiveStreamId, type PreventiveScheduleRemovedData, type PreventiveScheduleSetData } from './preventive.events';

/** A preventive schedule as listed: its definition, who set it, its occurrences so far and its asset's running hours. */
export interface PreventiveScheduleView {
  scheduleId: string;
  assetId: string;
  title: string;
  everyDays: number | null;
  everyRunningHours: number | null;
  startAt: string;
  priority: WorkOrderPriority | null;
  /** False once removed: it opens no more orders. */
  active: boolean;
  /** Version of its stream `preventive-<scheduleId>`. */
  version: number;
  /** The event that set the schedule as it is: the cause of the orders it opens. */
  setEventId: string;
  setBy: string;
  setAt: string;
  removedBy: string | null;
  removedAt: string | null;
  /** Occurrences opened so far (0: none), and when the last one was opened, was due, and the running hours then. */
  lastOccurrence: number;
  lastOccurrenceAt: string | null;
  lastDueAt: string | null;
  lastOccurrenceRunningHours: number | null;
  /** The asset's running hours accumulated from validated telemetry (0 when none seen). */
  runningHours: number;
  /** Time of the last reading counted into the running hours. */
  runningHoursAsOf: string | null;
}

/** Running hours of one asset with the accumulator state they were counted with. */
export interface RunningHoursRow<S> {
  readonly assetId: string;
  readonly runningHours: number;
  readonly lastReadingAt: string | null;
  readonly state: S | null;
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

/**
 * The preventive tables. Schedule changes are appended to the scheduler's event store (stream
 * `preventive-<scheduleId>`, hash-chained and audited like every stream) in the same transaction
 * that updates `preventive_schedules`, so the table never says what the log does not.
 */
export class PreventiveStore {
  private readonly schedules: string;
  private readonly hours: string;
  private readonly events: PostgresEventStore;

  constructor(
    private readonly pool: Pool,
    schema: string,
  ) {
    const s = quoteIdent(schema);
    this.schedules = `${s}."preventive_schedules"`;
    this.hours = `${s}."running_hours"`;
    this.events = new PostgresEventStore(pool, { schema });
  }

  /** Appends `event` to the schedule's stream at `expectedVersion` and writes the row it gives, in one transaction. */
  async setSchedule(expectedVersion: number, event: NewEvent & { data: PreventiveScheduleSetData }): Promise<void> {
    const d = event.data;
    await withTransaction(this.pool, async (client) => {
      // First in the transaction (see appendManyWithin): the events take their place in the log before the row is written.
      await this.events.appendManyWithin(client, [{ streamId: preventiveStreamId(d.scheduleId), expectedVersion, events: [event] }]);
      await client.query(
        `INSERT INTO ${this.schedules} (schedule_id, asset_id, title, every_days, every_running_hours, start_at, priority, active, version, set_event_id, set_by, set_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, true, $8, $9, $10, $11)
         ON CONFLICT (schedule_id) DO UPDATE SET asset_id = EXCLUDED.asset_id, title = EXCLUDED.title, every_days = EXCLUDED.every_days,
           every_running_hours = EXCLUDED.every_running_hours, start_at = EXCLUDED.start_at, priority = EXCLUDED.priority, active = true,
           version = EXCLUDED.version, set_event_id = EXCLUDED.set_event_id, set_by = EXCLUDED.set_by, set_at = EXCLUDED.set_at, removed_by = NULL, removed_at = NULL`,
        [d.scheduleId, d.assetId, d.title, d.everyDays ?? null, d.everyRunningHours ?? null, d.startAt, d.priority ?? null, expectedVersion + 1, event.eventId, d.by, d.at],
      );
    });
  }

  async removeSchedule(expectedVersion: number, event: NewEvent & { data: PreventiveScheduleRemovedData }): Promise<void> {
    const d = event.data;
    await withTransaction(this.pool, async (client) => {
      await this.events.appendManyWithin(client, [{ streamId: preventiveStreamId(d.scheduleId), expectedVersion, events: [event] }]);
      await client.query(`UPDATE ${this.schedules} SET active = false, version = $2, removed_by = $3, removed_at = $4 WHERE schedule_id = $1`, [d.scheduleId, expectedVersion + 1, d.by, d.at]);
    });
  }

  /**
   * Records that `occurrence` of a schedule was opened (or found opened already). Only moves forward:
   * recording an occurrence again, or an older one, changes nothing.
   */
  async recordOccurrence(o: { scheduleId: string; occurrence: number; at: string; dueAt: string; runningHours: number }): Promise<boolean> {
    const r = await this.pool.query(
      `UPDATE ${this.schedules} SET last_occurrence = $2, last_occurrence_at = $3, last_due_at = $4, last_occurrence_running_hours = $5
       WHERE schedule_id = $1 AND last_occurrence < $2`,
      [o.scheduleId, o.occurrence, o.at, o.dueAt, o.runningHours],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async get(scheduleId: string): Promise<PreventiveScheduleView | null> {
    return (await this.query('WHERE s.schedule_id = $1', [scheduleId]))[0] ?? null;
  }

  /** Schedules by id; active ones only unless `includeRemoved`. */
  async list(filter: { assetId?: string; includeRemoved?: boolean } = {}): Promise<PreventiveScheduleView[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (!filter.includeRemoved) where.push('s.active');
    if (filter.assetId) where.push(`s.asset_id = $${params.push(filter.assetId)}`);
    return this.query(where.length ? `WHERE ${where.join(' AND ')}` : '', params);
  }

  private async query(where: string, params: unknown[]): Promise<PreventiveScheduleView[]> {
    const r = await this.pool.query(
      `SELECT s.*, h.running_hours, h.last_reading_at FROM ${this.schedules} s LEFT JOIN ${this.hours} h ON h.asset_id = s.asset_id ${where} ORDER BY s.schedule_id`,
      params,
    );
    return r.rows.map((row) => ({
      scheduleId: row.schedule_id,
      assetId: row.asset_id,
      title: row.title,
      everyDays: row.every_days,
      everyRunningHours: row.every_running_hours,
      startAt: iso(row.start_at)!,
      priority: row.priority,
      active: row.active,
      version: row.version,
      setEventId: row.set_event_id,
      setBy: row.set_by,
      setAt: iso(row.set_at)!,
      removedBy: row.removed_by,
      removedAt: iso(row.removed_at),
      lastOccurrence: row.last_occurrence,
      lastOccurrenceAt: iso(row.last_occurrence_at),
      lastDueAt: iso(row.last_due_at),
      lastOccurrenceRunningHours: row.last_occurrence_running_hours,
      runningHours: row.running_hours ?? 0,
      runningHoursAsOf: iso(row.last_reading_at),
    }));
  }

  /** The running hours of some assets (assets without any reading counted are left out). */
  async runningHours(assetIds: readonly string[]): Promise<Map<string, number>> {
    const r = await this.pool.query<{ asset_id: string; running_hours: number }>(`SELECT asset_id, running_hours FROM ${this.hours} WHERE asset_id = ANY($1::text[]) AND state <> 'null'::jsonb`, [assetIds]);
    return new Map(r.rows.map((row) => [row.asset_id, row.running_hours]));
  }

  /**
   * Folds readings into the running hours of their assets in one transaction, each asset's row locked
   * while it is read and written (so two batches never count the same readings twice). `fold` is given
   * the stored row (null: none yet) and returns the new one, or null when nothing changed.
   */
  async accumulate<S>(
    assetIds: readonly string[],
    fold: (assetId: string, current: RunningHoursRow<S> | null) => RunningHoursRow<S> | null,
    /** The earliest reading time of the batch per asset: kept as the asset's first reading when earlier. */
    firstReadingAt?: (assetId: string) => string | null,
  ): Promise<number> {
    if (assetIds.length === 0) return 0;
    return withTransaction(this.pool, async (client) => {
      const sorted = [...new Set(assetIds)].sort();
      // Every asset gets its row first (nothing counted yet), then the rows are locked in key order:
      // two batches of one asset never fold from the same row, and never deadlock.
      await client.query(`INSERT INTO ${this.hours} (asset_id, running_hours, last_reading_at, state) SELECT unnest($1::text[]), 0, NULL, 'null'::jsonb ON CONFLICT (asset_id) DO NOTHING`, [sorted]);
      const r = await client.query(`SELECT * FROM ${this.hours} WHERE asset_id = ANY($1::text[]) ORDER BY asset_id FOR UPDATE`, [sorted]);
      const stored = new Map<string, RunningHoursRow<S>>(
        r.rows
          .filter((row) => row.state !== null)
          .map((row) => [row.asset_id, { assetId: row.asset_id, runningHours: row.running_hours, lastReadingAt: iso(row.last_reading_at), state: row.state as S }]),
      );
      let changed = 0;
      for (const assetId of sorted) {
        const next = fold(assetId, stored.get(assetId) ?? null);
        if (next === null) continue;
        changed++;
        await client.query(
          `UPDATE ${this.hours} SET running_hours = $2, last_reading_at = $3, state = $4::jsonb, updated_at = now(),
             first_reading_at = LEAST(COALESCE(first_reading_at, $5::timestamptz), $5::timestamptz) WHERE asset_id = $1`,
          [assetId, next.runningHours, next.lastReadingAt, JSON.stringify(next.state ?? {}), firstReadingAt?.(assetId) ?? null],
        );
      }
      return changed;
    });
  }
}
