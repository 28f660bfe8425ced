import type { Pool } from 'pg';
import { initialTwinState, type AlarmRecord, type ThresholdProfile, type TwinState } from '@twinline/domain-twin';
import type { StoredEvent } from '@twinline/event-store';
import { quoteIdent, type RebuildableProjection } from '@twinline/service-kit';
import { foldTwin } from '../apply-readings/twin-repository';
import { assetIdOfStream, TWIN_STREAM_PREFIX } from '../streams';
import { alarmListItems, toAssetView, type AlarmListItem, type AssetView } from './twin-view';

/**
 * A stored twin state with the fields added since it was written (rows written before them lack
 * them). A row of state version 2 or older (one `activeAlarm`, before the ISA-18.2 lifecycle) is
 * shown with that alarm as its one alarm record; the TwinViewAlarmLifecycle migration has such rows
 * folded again from their events anyway.
 */
export function withDefaults(state: (Partial<TwinState> & { activeAlarm?: LegacyAlarm | null }) | undefined): TwinState {
  if (!state) return initialTwinState;
  const { activeAlarm, ...rest } = state;
  const twin = { ...initialTwinState, ...rest };
  if (state.alarms !== undefined || !activeAlarm) return twin;
  const acknowledgedAt = activeAlarm.acknowledgedAt ?? null;
  const record: AlarmRecord = {
    message: '',
    ...activeAlarm,
    state: acknowledgedAt === null ? 'ACTIVE_UNACKED' : 'ACTIVE_ACKED',
    acknowledgedBy: activeAlarm.acknowledgedBy ?? null,
    acknowledgedAt,
    returnedAt: null,
    lastAnnouncedAt: activeAlarm.raisedAt,
    reannouncements: 0,
  };
  return { ...twin, alarms: { [record.cause]: record } };
}

/** The one alarm a twin held before state version 3. */
type LegacyAlarm = Omit<AlarmRecord, 'state' | 'message' | 'returnedAt' | 'lastAnnouncedAt' | 'reannouncements' | 'acknowledgedBy' | 'acknowledgedAt'> & {
  acknowledgedBy?: string | null;
  acknowledgedAt?: string | null;
};

/**
 * Which alarms GET /v1/alarms lists: `active` (ACTIVE_UNACKED or ACTIVE_ACKED, the default),
 * `unacknowledged` (ACTIVE_UNACKED or RETURNED_UNACKED), one ISA-18.2 state, `shelved` (alarms of a
 * shelved cause), `out-of-service` (causes out of service) or `all`.
 */
export const ALARM_FILTERS = ['active', 'unacknowledged', 'ACTIVE_UNACKED', 'ACTIVE_ACKED', 'RETURNED_UNACKED', 'shelved', 'out-of-service', 'all'] as const;
export type AlarmFilter = (typeof ALARM_FILTERS)[number];

/** The ISA-18.2 states each filter of records lets through (null: every record). */
const STATES_OF: Readonly<Record<Exclude<AlarmFilter, 'shelved' | 'out-of-service'>, readonly string[] | null>> = {
  active: ['ACTIVE_UNACKED', 'ACTIVE_ACKED'],
  unacknowledged: ['ACTIVE_UNACKED', 'RETURNED_UNACKED'],
  ACTIVE_UNACKED: ['ACTIVE_UNACKED'],
  ACTIVE_ACKED: ['ACTIVE_ACKED'],
  RETURNED_UNACKED: ['RETURNED_UNACKED'],
  all: null,
};

/** Whether a listed alarm passes a filter. */
export function passes(item: AlarmListItem, filter: AlarmFilter): boolean {
  if (filter === 'shelved') return item.shelved !== null && item.state !== 'OUT_OF_SERVICE';
  if (filter === 'out-of-service') return item.outOfService !== null;
  const states = STATES_OF[filter];
  return states === null || states.includes(item.state);
}

/** SQL (on twin_view) of the twins that may hold an alarm passing `filter`; the partial index covers them all. */
function twinsWith(filter: AlarmFilter): string {
  const any = `(state->'alarms' <> '{}'::jsonb OR state->'shelves' <> '{}'::jsonb OR state->'outOfService' <> '{}'::jsonb)`;
  if (filter === 'shelved') return `${any} AND state->'shelves' <> '{}'::jsonb`;
  if (filter === 'out-of-service') return `${any} AND state->'outOfService' <> '{}'::jsonb`;
  const states = STATES_OF[filter];
  if (states === null) return any;
  return `${any} AND jsonb_path_exists(state->'alarms', '$.* ? (${states.map((st) => `@.state == "${st}"`).join(' || ')})')`;
}

/** The alarm timer's query: which twins may need CheckAlarms now. */
export interface AlarmCheckQuery {
  /** Twins whose last applied reading was received before this (ISO) may be stale; none when undefined. */
  readonly staleBefore?: string | undefined;
  /** The cause of the no-data alarm (twins that have it are left out of the stale ones). */
  readonly staleCause: string;
  /** Unacknowledged alarms last announced before this (ISO) may be due for re-announcement; none when undefined. */
  readonly reAlarmBefore?: string | undefined;
  /** Shelves ending before this (ISO) have expired. */
  readonly shelvesUntil: string;
  readonly after?: string;
  readonly limit: number;
}

/** The live table of the twin-view read model. */
export const TWIN_VIEW_TABLE = 'twin_view';

/**
 * The twin_view read model: a batch of the global log is folded into the current rows in one
 * transaction. Events at or below a row's version are skipped, so replaying a batch after a crash
 * (checkpoint not yet saved) changes nothing. `updated_at` is the store time of the row's last
 * event, so a rebuild from position 0 gives the same rows. `table` is where handle() writes
 * (reads always come from the live table): a rebuild writes `twin_view__rebuild` next to it (see
 * ProjectionRebuilder).
 */
export class TwinViewProjection {
  private readonly live: string;
  private readonly target: string;
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    table = TWIN_VIEW_TABLE,
    /** The profile each asset is decided by (what its view shows the health index against). */
    private readonly profileOf?: (assetId: string) => ThresholdProfile,
  ) {
    const s = quoteIdent(schema);
    this.live = `${s}.${quoteIdent(TWIN_VIEW_TABLE)}`;
    this.target = `${s}.${quoteIdent(table)}`;
  }

  /** What a ProjectionRebuilder needs to rebuild this read model next to the live one. */
  rebuildable(): { pool: Pool; schema: string; projection: RebuildableProjection } {
    return { pool: this.pool, schema: this.schema, projection: { name: 'twin-view', table: TWIN_VIEW_TABLE, writer: (table) => new TwinViewProjection(this.pool, this.schema, table, this.profileOf) } };
  }

  async handle(events: readonly StoredEvent[]): Promise<void> {
    const byAsset = new Map<string, StoredEvent[]>();
    for (const e of events) {
      if (!e.streamId.startsWith(TWIN_STREAM_PREFIX)) continue;
      const id = assetIdOfStream(e.streamId);
      const list = byAsset.get(id);
      if (list) list.push(e);
      else byAsset.set(id, [e]);
    }
    if (byAsset.size === 0) return;
    const ids = [...byAsset.keys()];
    const current = await this.pool.query<{ asset_id: string; state: Partial<TwinState>; version: number }>(`SELECT asset_id, state, version FROM ${this.target} WHERE asset_id = ANY($1::text[])`, [ids]);
    const rows = new Map(current.rows.map((r) => [r.asset_id, r]));
    const updates = ids.map((assetId) => {
      const row = rows.get(assetId);
      const fresh = byAsset.get(assetId)!.filter((e) => e.streamVersion > (row?.version ?? 0));
      const state = foldTwin(fresh, withDefaults(row?.state));
      const last = fresh[fresh.length - 1];
      return {
        asset_id: assetId,
        status: state.status,
        label: state.label,
        state,
        version: last?.streamVersion ?? row?.version ?? 0,
        position: last?.position ?? '0',
        updated_at: last?.recordedAt ?? null,
        sensor_fault: state.sensorFault,
        last_security_violation: state.lastSecurityViolation,
        readings_quarantined: state.readingsQuarantined,
        changed: fresh.length > 0,
      };
    });
    const changed = updates.filter((u) => u.changed);
    if (changed.length === 0) return;
    await this.pool.query(
      `INSERT INTO ${this.target} AS t (asset_id, status, label, state, version, position, sensor_fault, last_security_violation, readings_quarantined, updated_at)
       SELECT r.asset_id, r.status, r.label, r.state, r.version, r.position, r.sensor_fault, r.last_security_violation, r.readings_quarantined, r.updated_at
       FROM jsonb_to_recordset($1::jsonb) AS r(asset_id text, status text, label text, state jsonb, version int, position bigint,
         sensor_fault jsonb, last_security_violation jsonb, readings_quarantined int, updated_at timestamptz)
       ON CONFLICT (asset_id) DO UPDATE SET status = EXCLUDED.status, label = EXCLUDED.label, state = EXCLUDED.state,
         version = EXCLUDED.version, position = EXCLUDED.position, sensor_fault = EXCLUDED.sensor_fault,
         last_security_violation = EXCLUDED.last_security_violation, readings_quarantined = EXCLUDED.readings_quarantined, updated_at = EXCLUDED.updated_at
       WHERE t.version < EXCLUDED.version`,
      [JSON.stringify(changed.map(({ changed: _c, ...r }) => r))],
    );
  }

  async list(filter: { status?: string; after?: string; limit: number }): Promise<AssetView[]> {
    const params: unknown[] = [filter.after ?? '', filter.limit];
    let where = 'asset_id > $1';
    if (filter.status) {
      params.push(filter.status);
      where += ` AND status = $${params.length}`;
    }
    const r = await this.pool.query<{ asset_id: string; state: Partial<TwinState>; version: number }>(`SELECT asset_id, state, version FROM ${this.live} WHERE ${where} ORDER BY asset_id LIMIT $2`, params);
    return r.rows.map((row) => toAssetView(row.asset_id, withDefaults(row.state), row.version, this.profileOf?.(row.asset_id)));
  }

  /**
   * The alarms across assets passing `filter` (see ALARM_FILTERS), by asset id then cause, a page of
   * at most `limit` twins (`after`: the last asset id of the previous page, `nextAfter` the one to ask
   * for next, null on the last page). Served by a partial index over the twins with an alarm record,
   * a shelve or a cause out of service.
   */
  async alarms(filter: { state: AlarmFilter; after?: string; limit: number }): Promise<{ items: AlarmListItem[]; nextAfter: string | null }> {
    const r = await this.pool.query<{ asset_id: string; state: Partial<TwinState> }>(
      `SELECT asset_id, state FROM ${this.live} WHERE ${twinsWith(filter.state)} AND asset_id > $1 ORDER BY asset_id LIMIT $2`,
      [filter.after ?? '', filter.limit],
    );
    const items = r.rows.flatMap((row) => alarmListItems(row.asset_id, withDefaults(row.state)).filter((item) => passes(item, filter.state)));
    return { items, nextAfter: r.rows.length === filter.limit ? r.rows[r.rows.length - 1]!.asset_id : null };
  }

  /**
   * The alarm timer's candidates (asset ids, in pages): twins with a shelve ending by `shelvesUntil`,
   * an unacknowledged alarm last announced before `reAlarmBefore`, or (without a no-data alarm)
   * a last reading received before `staleBefore`. A superset: CheckAlarms decides with each twin's own
   * profile and decides nothing when nothing is due.
   */
  async alarmCheckCandidates(q: AlarmCheckQuery): Promise<string[]> {
    const params: unknown[] = [q.after ?? '', q.limit, q.shelvesUntil];
    const due = [`EXISTS (SELECT 1 FROM jsonb_each(state->'shelves') s WHERE (s.value->>'until')::timestamptz <= $3::timestamptz)`];
    if (q.reAlarmBefore !== undefined) {
      params.push(q.reAlarmBefore);
      due.push(
        `EXISTS (SELECT 1 FROM jsonb_each(state->'alarms') a WHERE a.value->>'state' IN ('ACTIVE_UNACKED', 'RETURNED_UNACKED') AND (a.value->>'lastAnnouncedAt')::timestamptz < $${params.length}::timestamptz)`,
      );
    }
    if (q.staleBefore !== undefined) {
      params.push(q.staleBefore, q.staleCause);
      const [before, cause] = [params.length - 1, params.length];
      due.push(
        `(state->>'lastAppliedReceivedAt' IS NOT NULL AND (state->>'lastAppliedReceivedAt')::timestamptz < $${before}::timestamptz AND NOT (state->'alarms' ? $${cause}) AND NOT (state->'outOfService' ? $${cause}))`,
      );
    }
    const r = await this.pool.query<{ asset_id: string }>(`SELECT asset_id FROM ${this.live} WHERE asset_id > $1 AND (${due.join(' OR ')}) ORDER BY asset_id LIMIT $2`, params);
    return r.rows.map((row) => row.asset_id);
  }

  /** Twins per status (statuses without a twin are left out). */
  async countByStatus(): Promise<Map<string, number>> {
    const r = await this.pool.query<{ status: string; count: number }>(`SELECT status, count(*)::int AS count FROM ${this.live} GROUP BY status`);
    return new Map(r.rows.map((row) => [row.status, row.count]));
  }

  async get(assetId: string): Promise<AssetView | null> {
    const r = await this.pool.query<{ state: Partial<TwinState>; version: number }>(`SELECT state, version FROM ${this.live} WHERE asset_id = $1`, [assetId]);
    const row = r.rows[0];
    return row ? toAssetView(assetId, withDefaults(row.state), row.version, this.profileOf?.(assetId)) : null;
  }
}
