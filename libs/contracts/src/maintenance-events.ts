import { z } from 'zod';
import { assetIdSchema } from './ids';
import { isoTimeSchema } from './reading';

export const WORK_ORDER_PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export const workOrderPrioritySchema = z.enum(WORK_ORDER_PRIORITIES);
export type WorkOrderPriority = z.infer<typeof workOrderPrioritySchema>;

/** Corrective (an alarm), predictive (a failure prediction), preventive (a schedule). */
export const WORK_ORDER_TYPES = ['corrective', 'predictive', 'preventive'] as const;
export const workOrderTypeSchema = z.enum(WORK_ORDER_TYPES);
export type WorkOrderType = z.infer<typeof workOrderTypeSchema>;

/** requested → approved → scheduled → in progress → completed; cancelled from any open status. */
export const WORK_ORDER_STATUSES = ['REQUESTED', 'APPROVED', 'SCHEDULED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED'] as const;
export const workOrderStatusSchema = z.enum(WORK_ORDER_STATUSES);
export type WorkOrderStatus = z.infer<typeof workOrderStatusSchema>;

const id = z.string().min(1);
const actor = z.string().min(1);

/**
 * A work order was opened (status REQUESTED). v1 events written before the lifecycle carry only an
 * alarm: read without `type` they are corrective, without `dueAt` they have no due date.
 */
export const workOrderOpenedV1 = z.object({
  workOrderId: id,
  assetId: assetIdSchema,
  cause: z.string(),
  priority: workOrderPrioritySchema,
  title: z.string(),
  /** The alarm that opened it (corrective). */
  alarmId: z.string().optional(),
  openedAt: isoTimeSchema,
  type: workOrderTypeSchema.optional(),
  /** When the work should be done by: from the remaining useful life when known, else from the priority. */
  dueAt: isoTimeSchema.optional(),
  /** The prediction that opened it (predictive). */
  predictionId: z.string().optional(),
  /** The predicted failure time at opening (predictive). */
  predictedFailureAt: isoTimeSchema.optional(),
  /** The preventive schedule that opened it, and the occurrence (preventive). */
  scheduleId: z.string().optional(),
  occurrence: z.number().int().positive().optional(),
});

export const alarmAttachedToWorkOrderV1 = z.object({
  workOrderId: id,
  assetId: assetIdSchema,
  alarmId: z.string(),
  attachedAt: isoTimeSchema,
});

/** A failure prediction (or a newer remaining-useful-life estimate) attached to the open order of its cause. */
export const predictionAttachedToWorkOrderV1 = z.object({
  workOrderId: id,
  assetId: assetIdSchema,
  predictionId: z.string(),
  predictedFailureAt: isoTimeSchema,
  attachedAt: isoTimeSchema,
});

/** A later alarm or prediction made the order more urgent. */
export const workOrderPriorityRaisedV1 = z.object({
  workOrderId: id,
  assetId: assetIdSchema,
  from: workOrderPrioritySchema,
  to: workOrderPrioritySchema,
  dueAt: isoTimeSchema,
  reason: z.string(),
  at: isoTimeSchema,
});

export const workOrderApprovedV1 = z.object({ workOrderId: id, assetId: assetIdSchema, by: actor, at: isoTimeSchema, note: z.string().optional() });

export const workOrderScheduledV1 = z.object({
  workOrderId: id,
  assetId: assetIdSchema,
  /** When the crew will do the work. */
  scheduledFor: isoTimeSchema,
  crew: z.string().min(1),
  by: actor,
  at: isoTimeSchema,
});

export const workOrderStartedV1 = z.object({ workOrderId: id, assetId: assetIdSchema, by: actor, at: isoTimeSchema });

export const partUsedSchema = z.object({
  partNumber: z.string().min(1),
  quantity: z.number().positive(),
  description: z.string().optional(),
});
export type PartUsed = z.infer<typeof partUsedSchema>;

/**
 * A failure found by the crew: the failure mode and when the asset failed (stopped doing its job).
 * Failures are what MTBF, MTTF and the predicted-vs-unpredicted counts are made of.
 */
export const failureSchema = z.object({
  mode: z.string().min(1),
  failedAt: isoTimeSchema,
});
export type Failure = z.infer<typeof failureSchema>;

/** What a repair resets in the twin. */
export const maintenanceResetsSchema = z.array(z.enum(['baseline', 'health-index']));

export const workOrderCompletedV1 = z.object({
  workOrderId: id,
  assetId: assetIdSchema,
  by: actor,
  /** When the work ended (the asset back in service). */
  at: isoTimeSchema,
  findings: z.string().min(1),
  /** Null: no failure found (the order was precautionary). */
  failure: failureSchema.nullable(),
  parts: z.array(partUsedSchema),
  labourHours: z.number().min(0),
});

export const workOrderCancelledV1 = z.object({ workOrderId: id, assetId: assetIdSchema, by: actor, at: isoTimeSchema, reason: z.string().min(1) });

/**
 * A corrective or predictive order was completed: the twin records it and resets what the repair
 * resets. Published as maintenance.workorder.<assetId>.MaintenanceCompleted.
 */
export const maintenanceCompletedV1 = z.object({
  workOrderId: id,
  assetId: assetIdSchema,
  type: workOrderTypeSchema,
  cause: z.string(),
  completedAt: isoTimeSchema,
  failure: failureSchema.nullable(),
  findings: z.string(),
  /** What the repair resets in the twin: the learned baseline and the health index. */
  resets: maintenanceResetsSchema,
});

export const maintenanceEventSchemas = {
  WorkOrderOpened: workOrderOpenedV1,
  AlarmAttachedToWorkOrder: alarmAttachedToWorkOrderV1,
  PredictionAttachedToWorkOrder: predictionAttachedToWorkOrderV1,
  WorkOrderPriorityRaised: workOrderPriorityRaisedV1,
  WorkOrderApproved: workOrderApprovedV1,
  WorkOrderScheduled: workOrderScheduledV1,
  WorkOrderStarted: workOrderStartedV1,
  WorkOrderCompleted: workOrderCompletedV1,
  WorkOrderCancelled: workOrderCancelledV1,
  MaintenanceCompleted: maintenanceCompletedV1,
} as const;

export type WorkOrderOpenedData = z.infer<typeof workOrderOpenedV1>;
export type AlarmAttachedToWorkOrderData = z.infer<typeof alarmAttachedToWorkOrderV1>;
export type PredictionAttachedToWorkOrderData = z.infer<typeof predictionAttachedToWorkOrderV1>;
export type WorkOrderPriorityRaisedData = z.infer<typeof workOrderPriorityRaisedV1>;
export type WorkOrderApprovedData = z.infer<typeof workOrderApprovedV1>;
export type WorkOrderScheduledData = z.infer<typeof workOrderScheduledV1>;
export type WorkOrderStartedData = z.infer<typeof workOrderStartedV1>;
export type WorkOrderCompletedData = z.infer<typeof workOrderCompletedV1>;
export type WorkOrderCancelledData = z.infer<typeof workOrderCancelledV1>;
export type MaintenanceCompletedData = z.infer<typeof maintenanceCompletedV1>;

export type MaintenanceEvent =
  | { readonly type: 'WorkOrderOpened'; readonly data: WorkOrderOpenedData }
  | { readonly type: 'AlarmAttachedToWorkOrder'; readonly data: AlarmAttachedToWorkOrderData }
  | { readonly type: 'PredictionAttachedToWorkOrder'; readonly data: PredictionAttachedToWorkOrderData }
  | { readonly type: 'WorkOrderPriorityRaised'; readonly data: WorkOrderPriorityRaisedData }
  | { readonly type: 'WorkOrderApproved'; readonly data: WorkOrderApprovedData }
  | { readonly type: 'WorkOrderScheduled'; readonly data: WorkOrderScheduledData }
  | { readonly type: 'WorkOrderStarted'; readonly data: WorkOrderStartedData }
  | { readonly type: 'WorkOrderCompleted'; readonly data: WorkOrderCompletedData }
  | { readonly type: 'WorkOrderCancelled'; readonly data: WorkOrderCancelledData }
  | { readonly type: 'MaintenanceCompleted'; readonly data: MaintenanceCompletedData };
export type MaintenanceEventType = MaintenanceEvent['type'];

/**
 * twin.<assetId>.FailurePredicted — published by the twin once alarm prediction lands: the asset is
 * predicted to cross a limit (or fail) at `predictedFailureAt`. Consumed by the scheduler.
 */
export const failurePredictedV1 = z.object({
  assetId: assetIdSchema,
  predictionId: z.string().min(1),
  cause: z.string().min(1),
  predictedFailureAt: isoTimeSchema,
  /** Lower bound of the predicted failure time, when the model gives one. */
  earliestAt: isoTimeSchema.optional(),
  confidence: z.number().min(0).max(1).optional(),
  message: z.string(),
  at: isoTimeSchema,
});
export type FailurePredictedData = z.infer<typeof failurePredictedV1>;

/** twin.<assetId>.RulEstimated — a remaining-useful-life estimate; the scheduler moves due dates by it. */
export const rulEstimatedV1 = z.object({
  assetId: assetIdSchema,
  cause: z.string().min(1),
  /** Remaining useful life in hours from `at`. */
  rulHours: z.number().min(0),
  at: isoTimeSchema,
});
export type RulEstimatedData = z.infer<typeof rulEstimatedV1>;
