import type { Pool } from 'pg';
import type { AlarmAttachedToWorkOrderData, WorkOrderOpenedData } from '@twinline/contracts';
import type { StoredEvent } from '@twinline/event-store';
import { quoteIdent, type RebuildableProjection, withTransaction } from '@twinline/service-kit';

export interface WorkOrderView {
  workOrderId: string;
  assetId: string;
  cause: string;
  priority: string;
  status: string;
  title: string;
  alarmIds: string[];
  openedAt: string;
  updatedAt: string;
}

/** The live table of the work-orders read model. */
export const WORK_ORDERS_TABLE = 'work_orders';

/**
 * work_orders read model. Idempotent per event, so replaying a batch after a crash changes nothing.
 * `updated_at` is the store time of the work order's last event, so a rebuild from position 0 gives
 * the same rows. `table` is where handle() writes (reads always come from the live table): a
 * rebuild writes `work_orders__rebuild` next to it (see ProjectionRebuilder).
 */
export class WorkOrdersProjection {
  private readonly live: string;
  private readonly target: string;
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    table = WORK_ORDERS_TABLE,
  ) {
    const s = quoteIdent(schema);
    this.live = `${s}.${quoteIdent(WORK_ORDERS_TABLE)}`;
    this.target = `${s}.${quoteIdent(table)}`;
  }

  /** What a ProjectionRebuilder needs to rebuild this read model next to the live one. */
  rebuildable(): { pool: Pool; schema: string; projection: RebuildableProjection } {
    return { pool: this.pool, schema: this.schema, projection: { name: 'work-orders', table: WORK_ORDERS_TABLE, writer: (table) => new WorkOrdersProjection(this.pool, this.schema, table) } };
  }

  async handle(events: readonly StoredEvent[]): Promise<void> {
    await withTransaction(this.pool, async (client) => {
      for (const e of events) {
        if (e.type === 'WorkOrderOpened') {
          const d = e.data as unknown as WorkOrderOpenedData;
          await client.query(
            `INSERT INTO ${this.target} (work_order_id, asset_id, cause, priority, status, title, alarm_ids, opened_at, updated_at)
             VALUES ($1, $2, $3, $4, 'OPEN', $5, $6::jsonb, $7, $8) ON CONFLICT (work_order_id) DO NOTHING`,
            [d.workOrderId, d.assetId, d.cause, d.priority, d.title, JSON.stringify([d.alarmId]), d.openedAt, e.recordedAt],
          );
        } else if (e.type === 'AlarmAttachedToWorkOrder') {
          const d = e.data as unknown as AlarmAttachedToWorkOrderData;
          await client.query(
            `UPDATE ${this.target} SET alarm_ids = alarm_ids || to_jsonb($2::text), updated_at = $3
             WHERE work_order_id = $1 AND NOT alarm_ids ? $2`,
            [d.workOrderId, d.alarmId, e.recordedAt],
          );
        }
      }
    });
  }

  /** Work orders per status (statuses without one are left out). */
  async countByStatus(): Promise<Map<string, number>> {
    const r = await this.pool.query<{ status: string; count: number }>(`SELECT status, count(*)::int AS count FROM ${this.live} GROUP BY status`);
    return new Map(r.rows.map((row) => [row.status, row.count]));
  }

  async list(filter: { assetId?: string; status?: string; limit: number; after?: string }): Promise<WorkOrderView[]> {
    const params: unknown[] = [filter.after ?? '', filter.limit];
    const where = ['work_order_id > $1'];
    if (filter.assetId) where.push(`asset_id = $${params.push(filter.assetId)}`);
    if (filter.status) where.push(`status = $${params.push(filter.status)}`);
    const r = await this.pool.query(`SELECT * FROM ${this.live} WHERE ${where.join(' AND ')} ORDER BY work_order_id LIMIT $2`, params);
    return r.rows.map((row) => ({
      workOrderId: row.work_order_id,
      assetId: row.asset_id,
      cause: row.cause,
      priority: row.priority,
      status: row.status,
      title: row.title,
      alarmIds: row.alarm_ids,
      openedAt: new Date(row.opened_at).toISOString(),
      updatedAt: new Date(row.updated_at).toISOString(),
    }));
  }
}
