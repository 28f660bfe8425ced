import { z } from 'zod';
import { assetIdSchema, ID_PATTERN, ID_RULE, isoTimeSchema, workOrderPrioritySchema } from '@twinline/contracts';

/** Event-store stream of one preventive schedule: every change of it, attributed. */
export const PREVENTIVE_STREAM_PREFIX = 'preventive-';
export const preventiveStreamId = (scheduleId: string) => `${PREVENTIVE_STREAM_PREFIX}${scheduleId}`;

export const scheduleIdSchema = z.string().regex(ID_PATTERN, { message: `scheduleId must be ${ID_RULE}` });

/** A schedule was created or changed (the whole schedule as it is now). */
export const preventiveScheduleSetV1 = z.object({
  scheduleId: scheduleIdSchema,
  assetId: assetIdSchema,
  title: z.string().min(1),
  everyDays: z.number().positive().optional(),
  everyRunningHours: z.number().positive().optional(),
  startAt: isoTimeSchema,
  priority: workOrderPrioritySchema.optional(),
  by: z.string().min(1),
  at: isoTimeSchema,
});
export type PreventiveScheduleSetData = z.infer<typeof preventiveScheduleSetV1>;

/** A schedule was removed: it opens no more orders (the ones it opened stay). */
export const preventiveScheduleRemovedV1 = z.object({
  scheduleId: scheduleIdSchema,
  assetId: assetIdSchema,
  by: z.string().min(1),
  at: isoTimeSchema,
});
export type PreventiveScheduleRemovedData = z.infer<typeof preventiveScheduleRemovedV1>;

export type PreventiveScheduleEvent =
  | { readonly type: 'PreventiveScheduleSet'; readonly data: PreventiveScheduleSetData }
  | { readonly type: 'PreventiveScheduleRemoved'; readonly data: PreventiveScheduleRemovedData };
