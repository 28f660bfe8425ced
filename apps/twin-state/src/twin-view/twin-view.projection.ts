import type { Pool } from 'pg';
import { initialTwinState, type TwinState } from '@twinline/domain-twin';
import type { StoredEvent } from '@twinline/event-store';
import { quoteIdent, type RebuildableProjection } from '@twinline/service-kit';
import { foldTwin } from '../apply-readings/twin-repository';
import { assetIdOfStream, TWIN_STREAM_PREFIX } from '../streams';
import { toAssetView, type ActiveAlarmView, type AssetView } from './twin-view';

/** A stored twin state with the fields added since it was written (rows written before them lack them). */
export function withDefaults(state: Partial<TwinState> | undefined): TwinState {
  if (!state) return initialTwinState;
  const twin = { ...initialTwinState, ...state };
  // An alarm stored before acknowledgements existed is not acknowledged.
  const alarm = twin.activeAlarm;
  return alarm ? { ...twin, activeAlarm: { ...alarm, acknowledgedBy: alarm.acknowledgedBy ?? null, acknowledgedAt: alarm.acknowledgedAt ?? null } } : twin;
}

/** Which active alarms GET /v1/alarms lists: all, or those no operator has acknowledged yet. */
export type AlarmFilter = 'active' | 'unacknowledged';

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
  ) {
    const s = quoteIdent(schema);
    this.live = `${s}.${quoteIdent(TWIN_VIEW_TABLE)}`;
    this.target = `${s}.${quoteIdent(table)}`;
  }

  /** What a ProjectionRebuilder needs to rebuild this read model next to the live one. */
  rebuildable(): { pool: Pool; schema: string; projection: RebuildableProjection } {
    return { pool: this.pool, schema: this.schema, projection: { name: 'twin-view', table: TWIN_VIEW_TABLE, writer: (table) => new TwinViewProjection(this.pool, this.schema, table) } };
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
    return r.rows.map((row) => toAssetView(row.asset_id, withDefaults(row.state), row.version));
  }

  /**
   * The active alarm of every twin that has one, by asset id (`after`: the last asset id of the
   * previous page); `unacknowledged`: only those no operator has acknowledged. Served by a partial
   * index over the twins with an active alarm.
   */
  async alarms(filter: { state: AlarmFilter; after?: string; limit: number }): Promise<ActiveAlarmView[]> {
    const unacknowledged = filter.state === 'unacknowledged' ? ` AND state->'activeAlarm'->>'acknowledgedAt' IS NULL` : '';
    const r = await this.pool.query<{ asset_id: string; state: Partial<TwinState> }>(
      `SELECT asset_id, state FROM ${this.live} WHERE jsonb_typeof(state->'activeAlarm') = 'object' AND asset_id > $1${unacknowledged} ORDER BY asset_id LIMIT $2`,
      [filter.after ?? '', filter.limit],
    );
    return r.rows.map((row) => {
      const twin = withDefaults(row.state);
      return { assetId: row.asset_id, status: twin.status, ...twin.activeAlarm! };
    });
  }

  /** Twins per status (statuses without a twin are left out). */
  async countByStatus(): Promise<Map<string, number>> {
    const r = await this.pool.query<{ status: string; count: number }>(`SELECT status, count(*)::int AS count FROM ${this.live} GROUP BY status`);
    return new Map(r.rows.map((row) => [row.status, row.count]));
  }

  async get(assetId: string): Promise<AssetView | null> {
    const r = await this.pool.query<{ state: Partial<TwinState>; version: number }>(`SELECT state, version FROM ${this.live} WHERE asset_id = $1`, [assetId]);
    const row = r.rows[0];
    return row ? toAssetView(assetId, withDefaults(row.state), row.version) : null;
  }
}
