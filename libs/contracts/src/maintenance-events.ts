import { z } from 'zod';
import { assetIdSchema } from './ids';
import { isoTimeSchema } from './reading';

export const WORK_ORDER_PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export const workOrderPrioritySchema = z.enum(WORK_ORDER_PRIORITIES);
export type WorkOrderPriority = z.infer<typeof workOrderPrioritySchema>;

export const workOrderOpenedV1 = z.object({
  workOrderId: z.string(),
  assetId: assetIdSchema,
  cause: z.string(),
  priority: workOrderPrioritySchema,
  title: z.string(),
  alarmId: z.string(),
  openedAt: isoTimeSchema,
});

export const alarmAttachedToWorkOrderV1 = z.object({
  workOrderId: z.string(),
  assetId: assetIdSchema,
  alarmId: z.string(),
  attachedAt: isoTimeSchema,
});

export const maintenanceEventSchemas = {
  WorkOrderOpened: workOrderOpenedV1,
  AlarmAttachedToWorkOrder: alarmAttachedToWorkOrderV1,
} as const;

export type WorkOrderOpenedData = z.infer<typeof workOrderOpenedV1>;
export type AlarmAttachedToWorkOrderData = z.infer<typeof alarmAttachedToWorkOrderV1>;

export type MaintenanceEvent =
  | { readonly type: 'WorkOrderOpened'; readonly data: WorkOrderOpenedData }
  | { readonly type: 'AlarmAttachedToWorkOrder'; readonly data: AlarmAttachedToWorkOrderData };
