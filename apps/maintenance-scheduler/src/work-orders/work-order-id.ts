import { z } from 'zod';
import { assetIdOfWorkOrder } from '@twinline/domain-maintenance';
import { parseContract } from '@twinline/contracts';
import { workOrderStreamId } from '../streams';

export const workOrderIdSchema = z.string().regex(/^WO-[A-Za-z0-9][A-Za-z0-9_-]{0,63}-\d{4,}$/, 'workOrderId must be a work-order id such as WO-P-101-0001');

/** A work-order id from a path (400 naming it when it is not one), its asset and its asset's stream: the id encodes the asset. */
export function workOrderOf(workOrderId: string): { workOrderId: string; assetId: string; streamId: string } {
  const { workOrderId: id } = parseContract(z.object({ workOrderId: workOrderIdSchema }), { workOrderId }, 'path');
  const assetId = assetIdOfWorkOrder(id)!;
  return { workOrderId: id, assetId, streamId: workOrderStreamId(assetId) };
}
