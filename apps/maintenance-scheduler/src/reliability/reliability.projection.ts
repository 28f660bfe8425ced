import type { Pool } from 'pg';
import type {
  AlarmAttachedToWorkOrderData,
  Failure,
  PredictionAttachedToWorkOrderData,
  WorkOrderCancelledData,
  WorkOrderCompletedData,
  WorkOrderOpenedData,
  WorkOrderStartedData,
  WorkOrderType,
} from '@twinline/contracts';
import type { ReliabilityRecord } from '@twinline/domain-maintenance';
import type { StoredEvent } from '@twinline/event-store';
import { quoteIdent, type RebuildableProjection, withTransaction } from '@twinline/service-kit';
import { WORK_ORDER_STREAM_PREFIX } from '../streams';

/** The live table of the reliability read model. */
export const RELIABILITY_TABLE = 'reliability_records';
/** Checkpoint (and admin API) name of the reliability projection. */
export const RELIABILITY_PROJECTION = 'reliability';

/** A prediction attached to a work order: when it was made and the failure time it predicted. */
interface AttachedPrediction {
  readonly predictionId: string;
  readonly at: string;
  readonly predictedFailureAt: string;
}

/** A completed work order as the reliability figures read it: the domain's ReliabilityRecord, without the asset class (the asset directory's). */
export type CompletedWorkOrder = Omit<ReliabilityRecord, 'assetClass'>;

export interface ReliabilityRows {
  readonly records: CompletedWorkOrder[];
  /** Per asset: in service since, as far as the scheduler knows: its first reading or its first work-order event, whichever is earlier. */
  readonly inServiceSince: Map<string, string>;
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

/** The prediction that counts for a failure: the latest one made at or before it (without a failure: the latest one). */
export function predictionBefore(predictions: readonly AttachedPrediction[], failure: Failure | null): string | null {
  const cutoff = failure ? Date.parse(failure.failedAt) : Infinity;
  let best: AttachedPrediction | null = null;
  for (const p of predictions) {
    if (Date.parse(p.at) > cutoff) continue;
    if (best === null || Date.parse(p.at) >= Date.parse(best.at)) best = p;
  }
  return best?.predictedFailureAt ?? null;
}

/**
 * reliability_records read model, fed by the work-order streams (`workorders-<assetId>`). Idempotent
 * per event (inserts do nothing twice, updates set values, a warning only moves earlier, a prediction
 * is added once by its id), so replaying a batch after a crash changes nothing, and a rebuild from
 * position 0 gives the same rows. `table` is where handle() writes (reads always come from the live
 * table): a rebuild writes `reliability_records__rebuild` next to it (see ProjectionRebuilder).
 */
export class ReliabilityProjection {
  private readonly live: string;
  private readonly target: string;
  private readonly runningHours: string;
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    table = RELIABILITY_TABLE,
  ) {
    const s = quoteIdent(schema);
    this.live = `${s}.${quoteIdent(RELIABILITY_TABLE)}`;
    this.target = `${s}.${quoteIdent(table)}`;
    this.runningHours = `${s}.running_hours`;
  }

  /** What a ProjectionRebuilder needs to rebuild this read model next to the live one. */
  rebuildable(): { pool: Pool; schema: string; projection: RebuildableProjection } {
    return { pool: this.pool, schema: this.schema, projection: { name: RELIABILITY_PROJECTION, table: RELIABILITY_TABLE, writer: (table) => new ReliabilityProjection(this.pool, this.schema, table) } };
  }

  async handle(events: readonly StoredEvent[]): Promise<void> {
    const mine = events.filter((e) => e.streamId.startsWith(WORK_ORDER_STREAM_PREFIX));
    if (mine.length === 0) return;
    await withTransaction(this.pool, async (client) => {
      for (const e of mine) {
        switch (e.type) {
          case 'WorkOrderOpened': {
            const d = e.data as unknown as WorkOrderOpenedData;
            // An order opened by an alarm or a prediction was warned of when it opened; a preventive one was not.
            const warned = d.alarmId !== undefined || d.predictionId !== undefined;
            const predictions: AttachedPrediction[] = d.predictionId !== undefined && d.predictedFailureAt !== undefined ? [{ predictionId: d.predictionId, at: d.openedAt, predictedFailureAt: d.predictedFailureAt }] : [];
            await client.query(
              `INSERT INTO ${this.target} (work_order_id, asset_id, type, status, opened_at, first_warning_at, predictions, first_event_at, updated_at)
               VALUES ($1, $2, $3, 'OPEN', $4, $5, $6::jsonb, $7, $8) ON CONFLICT (work_order_id) DO NOTHING`,
              [d.workOrderId, d.assetId, d.type ?? 'corrective', d.openedAt, warned ? d.openedAt : null, JSON.stringify(predictions), e.occurredAt, e.recordedAt],
            );
            break;
          }
          case 'AlarmAttachedToWorkOrder': {
            const d = e.data as unknown as AlarmAttachedToWorkOrderData;
            await this.warned(client, d.workOrderId, d.attachedAt, e);
            break;
          }
          case 'PredictionAttachedToWorkOrder': {
            const d = e.data as unknown as PredictionAttachedToWorkOrderData;
            const prediction: AttachedPrediction = { predictionId: d.predictionId, at: d.attachedAt, predictedFailureAt: d.predictedFailureAt };
            await client.query(
              `UPDATE ${this.target} SET predictions = predictions || jsonb_build_array($2::jsonb), updated_at = $3
               WHERE work_order_id = $1 AND NOT predictions @> jsonb_build_array(jsonb_build_object('predictionId', $4::text))`,
              [d.workOrderId, JSON.stringify(prediction), e.recordedAt, d.predictionId],
            );
            await this.warned(client, d.workOrderId, d.attachedAt, e);
            break;
          }
          case 'WorkOrderStarted': {
            const d = e.data as unknown as WorkOrderStartedData;
            await client.query(`UPDATE ${this.target} SET started_at = $2, status = 'IN_PROGRESS', updated_at = $3 WHERE work_order_id = $1`, [d.workOrderId, d.at, e.recordedAt]);
            break;
          }
          case 'WorkOrderCompleted': {
            const d = e.data as unknown as WorkOrderCompletedData;
            await client.query(`UPDATE ${this.target} SET completed_at = $2, failure = $3::jsonb, status = 'COMPLETED', updated_at = $4 WHERE work_order_id = $1`, [
              d.workOrderId,
              d.at,
              JSON.stringify(d.failure ?? null),
              e.recordedAt,
            ]);
            break;
          }
          case 'WorkOrderCancelled': {
            const d = e.data as unknown as WorkOrderCancelledData;
            await client.query(`UPDATE ${this.target} SET status = 'CANCELLED', updated_at = $2 WHERE work_order_id = $1`, [d.workOrderId, e.recordedAt]);
            break;
          }
          default:
            break;
        }
      }
    });
  }

  /** A warning (alarm raised, prediction made) at `at`: the order's first warning only moves earlier. */
  private async warned(client: { query(sql: string, params: unknown[]): Promise<unknown> }, workOrderId: string, at: string, e: StoredEvent): Promise<void> {
    await client.query(
      `UPDATE ${this.target} SET first_warning_at = LEAST(COALESCE(first_warning_at, $2::timestamptz), $2::timestamptz), updated_at = $3
       WHERE work_order_id = $1 AND (first_warning_at IS NULL OR first_warning_at > $2::timestamptz)`,
      [workOrderId, at, e.recordedAt],
    );
  }

  /**
   * Completed work orders of the assets in scope (all when `assetIds` is undefined), and when each of
   * those assets came into service: the source time of its first reading or of its first work-order
   * event, whichever is earlier.
   */
  async read(assetIds?: readonly string[]): Promise<ReliabilityRows> {
    const scope = assetIds === undefined ? '' : 'WHERE asset_id = ANY($1::text[])';
    const params = assetIds === undefined ? [] : [assetIds];
    const [records, since] = await Promise.all([
      this.pool.query(`SELECT * FROM ${this.live} ${scope ? `${scope} AND` : 'WHERE'} status = 'COMPLETED' ORDER BY asset_id, completed_at, work_order_id`, params),
      // The running_hours table (preventive) holds each asset's first reading, when the scheduler has seen one.
      this.pool.query<{ asset_id: string; since: Date }>(
        `SELECT r.asset_id, LEAST(min(r.first_event_at), min(h.first_reading_at)) AS since
           FROM ${this.live} r LEFT JOIN ${this.runningHours} h ON h.asset_id = r.asset_id
          ${scope.replace('asset_id', 'r.asset_id')} GROUP BY r.asset_id ORDER BY r.asset_id`,
        params,
      ),
    ]);
    return {
      records: records.rows.map((row) => {
        const failure = (row.failure as Failure | null) ?? null;
        return {
          assetId: row.asset_id,
          workOrderId: row.work_order_id,
          type: row.type as WorkOrderType,
          openedAt: iso(row.opened_at)!,
          startedAt: iso(row.started_at),
          completedAt: iso(row.completed_at)!,
          failure,
          firstWarningAt: iso(row.first_warning_at),
          predictedFailureAt: predictionBefore(row.predictions as AttachedPrediction[], failure),
        };
      }),
      inServiceSince: new Map(since.rows.map((row) => [row.asset_id, iso(row.since)!])),
    };
  }

  /** Assets with any work order: the scope of the statistics when no asset directory lists more. */
  async assetIds(): Promise<string[]> {
    const r = await this.pool.query<{ asset_id: string }>(`SELECT DISTINCT asset_id FROM ${this.live} ORDER BY asset_id`);
    return r.rows.map((row) => row.asset_id);
  }
}
