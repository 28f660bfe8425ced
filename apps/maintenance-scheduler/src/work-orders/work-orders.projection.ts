import type { Pool } from 'pg';
import type {
  AlarmAttachedToWorkOrderData,
  Failure,
  PartUsed,
  PredictionAttachedToWorkOrderData,
  WorkOrderApprovedData,
  WorkOrderCancelledData,
  WorkOrderCompletedData,
  WorkOrderOpenedData,
  WorkOrderPriority,
  WorkOrderPriorityRaisedData,
  WorkOrderScheduledData,
  WorkOrderStartedData,
  WorkOrderStatus,
  WorkOrderType,
} from '@twinline/contracts';
import type { StoredEvent } from '@twinline/event-store';
import { quoteIdent, type RebuildableProjection, withTransaction } from '@twinline/service-kit';

/** A work order as the read model lists it. */
export interface WorkOrderRow {
  workOrderId: string;
  assetId: string;
  type: WorkOrderType;
  cause: string;
  priority: WorkOrderPriority;
  status: WorkOrderStatus;
  title: string;
  alarmIds: string[];
  predictionIds: string[];
  openedAt: string;
  dueAt: string | null;
  firstWarningAt: string | null;
  predictedFailureAt: string | null;
  scheduleId: string | null;
  occurrence: number | null;
  approvedBy: string | null;
  approvedAt: string | null;
  approvalNote: string | null;
  scheduledFor: string | null;
  crew: string | null;
  scheduledBy: string | null;
  startedAt: string | null;
  startedBy: string | null;
  completedAt: string | null;
  completedBy: string | null;
  cancelledAt: string | null;
  cancelledBy: string | null;
  cancelReason: string | null;
  findings: string | null;
  failure: Failure | null;
  parts: PartUsed[] | null;
  labourHours: number | null;
  updatedAt: string;
}

export interface WorkOrderFilter {
  assetId?: string;
  status?: WorkOrderStatus;
  type?: WorkOrderType;
  priority?: WorkOrderPriority;
  cause?: string;
  /** Orders due before this time (those without a due date are left out). */
  dueBefore?: string;
  limit: number;
  after?: string;
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
        const write = this.statementFor(e);
        if (write) await client.query(write.sql, write.params);
      }
    });
  }

  /**
   * The row change of one event. Each applies once: an update only touches a row whose `version`
   * (the stream version of the last event applied to it) is lower than the event's, so replaying a
   * batch after a crash, or an event seen before, changes nothing.
   */
  private statementFor(e: StoredEvent): { sql: string; params: unknown[] } | null {
    const t = this.target;
    const v = e.streamVersion;
    const update = (set: string, data: { workOrderId: string }, params: unknown[], also = '') => ({
      sql: `UPDATE ${t} SET ${set}, version = $2, updated_at = $3 WHERE work_order_id = $1 AND version < $2${also}`,
      params: [data.workOrderId, v, e.recordedAt, ...params],
    });
    switch (e.type) {
      case 'WorkOrderOpened': {
        const d = e.data as unknown as WorkOrderOpenedData;
        const type = d.type ?? 'corrective';
        // Alarm-only orders of the first scheduler were opened by their alarm: that was the first warning.
        const firstWarningAt = d.openedAt;
        return {
          sql: `INSERT INTO ${t} (work_order_id, asset_id, type, cause, priority, status, title, alarm_ids, prediction_ids, opened_at, due_at, first_warning_at, predicted_failure_at, schedule_id, occurrence, version, updated_at)
                VALUES ($1, $2, $3, $4, $5, 'REQUESTED', $6, $7::jsonb, $8::jsonb, $9, $10, $11, $12, $13, $14, $15, $16) ON CONFLICT (work_order_id) DO NOTHING`,
          params: [
            d.workOrderId,
            d.assetId,
            type,
            d.cause,
            d.priority,
            d.title,
            JSON.stringify(d.alarmId !== undefined ? [d.alarmId] : []),
            JSON.stringify(d.predictionId !== undefined ? [d.predictionId] : []),
            d.openedAt,
            d.dueAt ?? null,
            type === 'preventive' ? null : firstWarningAt,
            d.predictedFailureAt ?? null,
            d.scheduleId ?? null,
            d.occurrence ?? null,
            v,
            e.recordedAt,
          ],
        };
      }
      case 'AlarmAttachedToWorkOrder': {
        const d = e.data as unknown as AlarmAttachedToWorkOrderData;
        return update(`alarm_ids = alarm_ids || to_jsonb($4::text), first_warning_at = LEAST(first_warning_at, $5::timestamptz)`, d, [d.alarmId, d.attachedAt], ' AND NOT alarm_ids ? $4');
      }
      case 'PredictionAttachedToWorkOrder': {
        const d = e.data as unknown as PredictionAttachedToWorkOrderData;
        return update(
          `prediction_ids = prediction_ids || to_jsonb($4::text), predicted_failure_at = $5, first_warning_at = LEAST(first_warning_at, $6::timestamptz)`,
          d,
          [d.predictionId, d.predictedFailureAt, d.attachedAt],
          ' AND NOT prediction_ids ? $4',
        );
      }
      case 'WorkOrderPriorityRaised': {
        const d = e.data as unknown as WorkOrderPriorityRaisedData;
        return update(`priority = $4, due_at = $5`, d, [d.to, d.dueAt]);
      }
      case 'WorkOrderApproved': {
        const d = e.data as unknown as WorkOrderApprovedData;
        return update(`status = 'APPROVED', approved_by = $4, approved_at = $5, approval_note = $6`, d, [d.by, d.at, d.note ?? null]);
      }
      case 'WorkOrderScheduled': {
        const d = e.data as unknown as WorkOrderScheduledData;
        return update(`status = 'SCHEDULED', scheduled_for = $4, crew = $5, scheduled_by = $6`, d, [d.scheduledFor, d.crew, d.by]);
      }
      case 'WorkOrderStarted': {
        const d = e.data as unknown as WorkOrderStartedData;
        return update(`status = 'IN_PROGRESS', started_at = $4, started_by = $5`, d, [d.at, d.by]);
      }
      case 'WorkOrderCompleted': {
        const d = e.data as unknown as WorkOrderCompletedData;
        return update(`status = 'COMPLETED', completed_at = $4, completed_by = $5, findings = $6, failure = $7::jsonb, parts = $8::jsonb, labour_hours = $9`, d, [
          d.at,
          d.by,
          d.findings,
          JSON.stringify(d.failure),
          JSON.stringify(d.parts),
          d.labourHours,
        ]);
      }
      case 'WorkOrderCancelled': {
        const d = e.data as unknown as WorkOrderCancelledData;
        return update(`status = 'CANCELLED', cancelled_at = $4, cancelled_by = $5, cancel_reason = $6`, d, [d.at, d.by, d.reason]);
      }
      default:
        // MaintenanceCompleted repeats WorkOrderCompleted for the twin.
        return null;
    }
  }

  /** Work orders per status (statuses without one are left out). */
  async countByStatus(): Promise<Map<string, number>> {
    const r = await this.pool.query<{ status: string; count: number }>(`SELECT status, count(*)::int AS count FROM ${this.live} GROUP BY status`);
    return new Map(r.rows.map((row) => [row.status, row.count]));
  }

  async list(filter: WorkOrderFilter): Promise<WorkOrderRow[]> {
    const params: unknown[] = [filter.after ?? '', filter.limit];
    const where = ['work_order_id > $1'];
    if (filter.assetId) where.push(`asset_id = $${params.push(filter.assetId)}`);
    if (filter.status) where.push(`status = $${params.push(filter.status)}`);
    if (filter.type) where.push(`type = $${params.push(filter.type)}`);
    if (filter.priority) where.push(`priority = $${params.push(filter.priority)}`);
    if (filter.cause) where.push(`cause = $${params.push(filter.cause)}`);
    if (filter.dueBefore) where.push(`due_at < $${params.push(filter.dueBefore)}`);
    const r = await this.pool.query(`SELECT * FROM ${this.live} WHERE ${where.join(' AND ')} ORDER BY work_order_id LIMIT $2`, params);
    return r.rows.map(toRow);
  }
}

const iso = (value: unknown): string | null => (value === null || value === undefined ? null : new Date(value as string).toISOString());

function toRow(row: Record<string, unknown>): WorkOrderRow {
  return {
    workOrderId: row['work_order_id'] as string,
    assetId: row['asset_id'] as string,
    type: row['type'] as WorkOrderType,
    cause: row['cause'] as string,
    priority: row['priority'] as WorkOrderPriority,
    status: row['status'] as WorkOrderStatus,
    title: row['title'] as string,
    alarmIds: row['alarm_ids'] as string[],
    predictionIds: row['prediction_ids'] as string[],
    openedAt: iso(row['opened_at'])!,
    dueAt: iso(row['due_at']),
    firstWarningAt: iso(row['first_warning_at']),
    predictedFailureAt: iso(row['predicted_failure_at']),
    scheduleId: (row['schedule_id'] as string | null) ?? null,
    occurrence: (row['occurrence'] as number | null) ?? null,
    approvedBy: (row['approved_by'] as string | null) ?? null,
    approvedAt: iso(row['approved_at']),
    approvalNote: (row['approval_note'] as string | null) ?? null,
    scheduledFor: iso(row['scheduled_for']),
    crew: (row['crew'] as string | null) ?? null,
    scheduledBy: (row['scheduled_by'] as string | null) ?? null,
    startedAt: iso(row['started_at']),
    startedBy: (row['started_by'] as string | null) ?? null,
    completedAt: iso(row['completed_at']),
    completedBy: (row['completed_by'] as string | null) ?? null,
    cancelledAt: iso(row['cancelled_at']),
    cancelledBy: (row['cancelled_by'] as string | null) ?? null,
    cancelReason: (row['cancel_reason'] as string | null) ?? null,
    findings: (row['findings'] as string | null) ?? null,
    failure: (row['failure'] as Failure | null) ?? null,
    parts: (row['parts'] as PartUsed[] | null) ?? null,
    labourHours: (row['labour_hours'] as number | null) ?? null,
    updatedAt: iso(row['updated_at'])!,
  };
}
