import { z } from 'zod';
import { assetIdSchema, isoTimeSchema, parseContract } from '@twinline/contracts';
import { MaintenanceError, maintenanceErrorStatus, reliabilityOf, type ReliabilityRecord, type ReliabilityReport } from '@twinline/domain-maintenance';
import { DomainError, type AssetDirectory } from '@twinline/service-kit';
import type { ReliabilityProjection } from './reliability.projection';

/** The class of an asset the directory does not know (or when the service runs without one). */
export const UNKNOWN_ASSET_CLASS = 'unknown';

export const reliabilityQuerySchema = z
  .object({
    assetId: assetIdSchema.optional(),
    assetClass: z.string().min(1, 'assetClass must not be empty').max(64, 'assetClass may be at most 64 characters').optional(),
    from: isoTimeSchema.optional(),
    to: isoTimeSchema.optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || Date.parse(q.from) < Date.parse(q.to), { path: ['from'], message: 'from must be before to' });
export type ReliabilityQuery = z.infer<typeof reliabilityQuerySchema>;

const badWindow = (field: 'from' | 'to', message: string) => new DomainError('CONTRACT.INVALID', `query is invalid: ${field}: ${message}`, 400, { errors: [{ field, message }] });

/**
 * The reliability report of GET /v1/reliability: the completed work orders of the assets in scope
 * (one asset, one class, or all), each asset's class from the asset directory, computed by the
 * domain's reliabilityOf. Scope: the assets with work orders, and the assets the directory lists (an
 * asset without failures counts operating time). Window: `to` defaults to now, `from` to the earliest
 * in-service time (first work-order event) in scope.
 */
export async function reliabilityReport(view: Pick<ReliabilityProjection, 'read' | 'assetIds'>, directory: AssetDirectory | null, query: unknown, now: Date = new Date()): Promise<ReliabilityReport> {
  const q = parseContract(reliabilityQuerySchema, query, 'query');
  const classOf = (assetId: string) => directory?.describe(assetId)?.assetClass ?? UNKNOWN_ASSET_CLASS;
  const known = new Set([...(await view.assetIds()), ...(directory?.all().map((a) => a.assetId) ?? [])]);
  const scope = [...known].filter((assetId) => (q.assetId === undefined || assetId === q.assetId) && (q.assetClass === undefined || classOf(assetId) === q.assetClass)).sort();
  const rows = await view.read(scope);

  const to = q.to ?? now.toISOString();
  const earliest = [...rows.inServiceSince.values()].reduce<string | undefined>((min, t) => (min === undefined || Date.parse(t) < Date.parse(min) ? t : min), undefined);
  const from = q.from ?? earliest;
  if (q.from !== undefined && q.to === undefined && Date.parse(q.from) >= Date.parse(to)) throw badWindow('from', `from must be before to (default: now, ${to})`);

  const records: ReliabilityRecord[] = rows.records.map((r) => ({ ...r, assetClass: classOf(r.assetId) }));
  const assets = scope.map((assetId) => ({ assetId, assetClass: classOf(assetId) }));
  const inServiceSince = Object.fromEntries(rows.inServiceSince);
  try {
    if (from === undefined || Date.parse(from) >= Date.parse(to)) {
      // Nothing in scope was in service before `to`: nothing is observed (the figures of a 1 ms
      // window with no asset in it: all zero or null), reported as the window [to, to].
      const report = reliabilityOf([], { from: new Date(Date.parse(to) - 1).toISOString(), to }, {}, []);
      return { ...report, window: { from: to, to } };
    }
    return reliabilityOf(records, { from, to }, inServiceSince, assets);
  } catch (error) {
    if (error instanceof MaintenanceError) {
      const field = /^window\.(from|to)\b/.exec(error.message)?.[1] ?? '(query)';
      throw new DomainError(error.code, error.message, maintenanceErrorStatus(error.code), { errors: [{ field, message: error.message }] });
    }
    throw error;
  }
}
