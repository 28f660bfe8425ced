import type { Pool } from 'pg';
import type { AlarmLogEntry } from '@twinline/domain-twin';
import type { StoredEvent } from '@twinline/event-store';
import { quoteIdent, type RebuildableProjection } from '@twinline/service-kit';
import { assetIdOfStream, TWIN_STREAM_PREFIX } from '../streams';

/** The live table of the alarm-log read model. */
export const ALARM_LOG_TABLE = 'alarm_log';
/** Checkpoint (and admin API) name of the alarm-log projection. */
export const ALARM_LOG_PROJECTION = 'alarm-log';

/** The row kind of each alarm event of a twin stream (other events are not logged). */
export const ALARM_LOG_KINDS = {
  AlarmRaised: 'raised',
  AlarmReannounced: 'reannounced',
  AlarmAcknowledged: 'acknowledged',
  AlarmCleared: 'cleared',
  AlarmShelved: 'shelved',
  AlarmUnshelved: 'unshelved',
  AlarmRemovedFromService: 'out-of-service',
  AlarmReturnedToService: 'in-service',
  AlarmSeverityChanged: 'severity-changed',
} as const satisfies Record<string, string>;
export type AlarmLogKind = (typeof ALARM_LOG_KINDS)[keyof typeof ALARM_LOG_KINDS];

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** A row of alarm_log, or null for an event that is not an alarm event. */
export function alarmLogRow(e: StoredEvent): Record<string, unknown> | null {
  if (!e.streamId.startsWith(TWIN_STREAM_PREFIX) || !Object.hasOwn(ALARM_LOG_KINDS, e.type)) return null;
  const d = e.data;
  const severity = text(d['severity']) ?? text(d['to']);
  return {
    event_id: e.eventId,
    position: e.position,
    asset_id: assetIdOfStream(e.streamId),
    kind: ALARM_LOG_KINDS[e.type as keyof typeof ALARM_LOG_KINDS],
    alarm_id: text(d['alarmId']),
    cause: text(d['cause']),
    severity: e.type === 'AlarmRaised' || e.type === 'AlarmReannounced' || e.type === 'AlarmSeverityChanged' ? severity : null,
    shelved: d['shelved'] === true,
    actor: text(d['by']),
    // The event's own time (source time of the reading that raised it, or the command's time): the
    // same in a live run, a replay and a rebuild.
    at: e.occurredAt,
    recorded_at: e.recordedAt,
    data: d,
  };
}

/** A raise or re-announcement in the log, as the KPIs read it. */
export interface LoggedRaise {
  readonly assetId: string;
  readonly cause: string;
  readonly alarmId: string;
  readonly raisedAt: string;
  readonly shelved: boolean;
  readonly reannounced: boolean;
}

/**
 * alarm_log read model, fed by the twin streams: one row per alarm event, keyed by the event id
 * (inserts do nothing twice), so replaying a batch after a crash changes nothing and a rebuild from
 * position 0 gives the same rows. `table` is where handle() writes (reads always come from the live
 * table): a rebuild writes `alarm_log__rebuild` next to it (see ProjectionRebuilder).
 *
 * The site of an asset is NOT stored: it is looked up in the asset directory when the KPIs are
 * asked for. The log stays a pure function of the event log (a rebuild gives the same rows whatever
 * the directory held when each event was projected), and an asset moved to another site counts for
 * its current site.
 */
export class AlarmLogProjection {
  private readonly live: string;
  private readonly target: string;
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    table = ALARM_LOG_TABLE,
  ) {
    const s = quoteIdent(schema);
    this.live = `${s}.${quoteIdent(ALARM_LOG_TABLE)}`;
    this.target = `${s}.${quoteIdent(table)}`;
  }

  /** What a ProjectionRebuilder needs to rebuild this read model next to the live one. */
  rebuildable(): { pool: Pool; schema: string; projection: RebuildableProjection } {
    return { pool: this.pool, schema: this.schema, projection: { name: ALARM_LOG_PROJECTION, table: ALARM_LOG_TABLE, writer: (table) => new AlarmLogProjection(this.pool, this.schema, table) } };
  }

  async handle(events: readonly StoredEvent[]): Promise<void> {
    const rows = events.map(alarmLogRow).filter((r): r is Record<string, unknown> => r !== null);
    if (rows.length === 0) return;
    await this.pool.query(
      `INSERT INTO ${this.target} (event_id, position, asset_id, kind, alarm_id, cause, severity, shelved, actor, at, recorded_at, data)
       SELECT r.event_id, r.position, r.asset_id, r.kind, r.alarm_id, r.cause, r.severity, r.shelved, r.actor, r.at, r.recorded_at, r.data
       FROM jsonb_to_recordset($1::jsonb) AS r(event_id text, position bigint, asset_id text, kind text, alarm_id text, cause text, severity text,
         shelved boolean, actor text, at timestamptz, recorded_at timestamptz, data jsonb)
       ON CONFLICT (event_id) DO NOTHING`,
      [JSON.stringify(rows)],
    );
  }

  /**
   * Raises and re-announcements with `from <= at < to`, of the given assets (all when `assetIds` is
   * undefined), in time order.
   */
  async raises(window: { from: string; to: string; assetIds?: readonly string[] }): Promise<LoggedRaise[]> {
    const params: unknown[] = [window.from, window.to];
    let where = `kind IN ('raised', 'reannounced') AND at >= $1 AND at < $2`;
    if (window.assetIds) {
      params.push(window.assetIds);
      where += ` AND asset_id = ANY($3::text[])`;
    }
    const r = await this.pool.query<{ asset_id: string; cause: string | null; alarm_id: string | null; at: Date; shelved: boolean; kind: string }>(
      `SELECT asset_id, cause, alarm_id, at, shelved, kind FROM ${this.live} WHERE ${where} ORDER BY at, position`,
      params,
    );
    return r.rows.map((row) => ({ assetId: row.asset_id, cause: row.cause ?? '(unknown)', alarmId: row.alarm_id ?? '', raisedAt: row.at.toISOString(), shelved: row.shelved, reannounced: row.kind === 'reannounced' }));
  }
}

/** The log's raises with the site each asset has in the directory now (null: not in it). */
export function withSites(raises: readonly LoggedRaise[], siteOf: (assetId: string) => string | null): AlarmLogEntry[] {
  return raises.map((r) => ({ ...r, site: siteOf(r.assetId) }));
}
