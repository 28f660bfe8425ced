import { Body, Controller, HttpCode, Inject, Optional, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { isoTimeSchema, parseContract } from '@twinline/contracts';
import { MaintenanceError, maintenanceErrorStatus, workOrdersView, type MaintenanceCommand } from '@twinline/domain-maintenance';
import { EVENT_STORE, type EventStore } from '@twinline/event-store';
import { context, traceparentOf } from '@twinline/observability';
import { Actor, DomainError, RequireRoles } from '@twinline/service-kit';
import { executeCommand, WorkOrderRepository } from '../commands/work-order-commands';
import { SchedulerRuntime } from '../scheduler-runtime';
import { workOrderOf } from './work-order-id';

const text = (field: string, max: number) =>
  z
    .string({ error: `${field} must be a string` })
    .trim()
    .min(1, `${field} must not be empty`)
    .max(max, `${field} may be at most ${max} characters`);

const approveBody = z.object({ note: text('note', 2000).optional() }).strict();
const scheduleBody = z.object({ scheduledFor: isoTimeSchema, crew: text('crew', 200) }).strict();
const startBody = z.object({}).strict();
const completeBody = z
  .object({
    findings: text('findings', 10_000),
    failure: z.object({ mode: text('failure.mode', 200), failedAt: isoTimeSchema }, { error: 'failure must be {mode, failedAt} or null (no failure found)' }).strict().nullable(),
    parts: z
      .array(
        z
          .object({
            partNumber: text('partNumber', 100),
            quantity: z.number({ error: 'quantity must be a number' }).positive('quantity must be > 0'),
            description: text('description', 2000).optional(),
          })
          .strict(),
        { error: 'parts must be a list of {partNumber, quantity, description?} (empty when none were used)' },
      )
      .max(500, 'parts may list at most 500 parts'),
    labourHours: z.number({ error: 'labourHours must be a number of hours' }).min(0, 'labourHours must be >= 0').max(100_000, 'labourHours must be <= 100000'),
  })
  .strict();
const cancelBody = z.object({ reason: text('reason', 2000) }).strict();

/**
 * The planner's side of the work-order lifecycle: approve, schedule (a date and a crew), start,
 * complete (findings, the failure found or null, parts, labour hours), cancel. Writes need the role
 * `planner` (or admin) and are attributed to the caller; each answers with the work order after it.
 * The maintenance decider rules on every transition: an unknown order is 404, a transition its
 * status does not allow 409 naming the status (MAINTENANCE.INVALID_TRANSITION).
 */
@Controller('v1/work-orders')
export class WorkOrderLifecycleController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(WorkOrderRepository) private readonly orders: WorkOrderRepository,
    @Optional() @Inject(SchedulerRuntime) private readonly runtime: SchedulerRuntime | null = null,
  ) {}

  /** POST /v1/work-orders/:workOrderId/approve {note?} — REQUESTED → APPROVED. */
  @Post(':workOrderId/approve')
  @HttpCode(200)
  @RequireRoles('planner')
  async approve(@Param('workOrderId') workOrderId: string, @Body() body: unknown, @Actor() actor: string) {
    const { assetId, workOrderId: id } = workOrderOf(workOrderId);
    const { note } = parseContract(approveBody, body ?? {}, 'approve');
    const at = new Date().toISOString();
    return this.execute({ type: 'ApproveWorkOrder', data: { assetId, workOrderId: id, by: actor, at, ...(note !== undefined ? { note } : {}) } }, actor, at);
  }

  /** POST /v1/work-orders/:workOrderId/schedule {scheduledFor, crew} — APPROVED → SCHEDULED (again: rescheduled). */
  @Post(':workOrderId/schedule')
  @HttpCode(200)
  @RequireRoles('planner')
  async schedule(@Param('workOrderId') workOrderId: string, @Body() body: unknown, @Actor() actor: string) {
    const { assetId, workOrderId: id } = workOrderOf(workOrderId);
    const { scheduledFor, crew } = parseContract(scheduleBody, body ?? {}, 'schedule');
    const at = new Date().toISOString();
    return this.execute({ type: 'ScheduleWorkOrder', data: { assetId, workOrderId: id, scheduledFor, crew, by: actor, at } }, actor, at);
  }

  /** POST /v1/work-orders/:workOrderId/start {} — SCHEDULED → IN_PROGRESS. */
  @Post(':workOrderId/start')
  @HttpCode(200)
  @RequireRoles('planner')
  async start(@Param('workOrderId') workOrderId: string, @Body() body: unknown, @Actor() actor: string) {
    const { assetId, workOrderId: id } = workOrderOf(workOrderId);
    parseContract(startBody, body ?? {}, 'start');
    const at = new Date().toISOString();
    return this.execute({ type: 'StartWorkOrder', data: { assetId, workOrderId: id, by: actor, at } }, actor, at);
  }

  /** POST /v1/work-orders/:workOrderId/complete {findings, failure: {mode, failedAt}|null, parts, labourHours} — IN_PROGRESS → COMPLETED. */
  @Post(':workOrderId/complete')
  @HttpCode(200)
  @RequireRoles('planner')
  async complete(@Param('workOrderId') workOrderId: string, @Body() body: unknown, @Actor() actor: string) {
    const { assetId, workOrderId: id } = workOrderOf(workOrderId);
    const { findings, failure, parts, labourHours } = parseContract(completeBody, body ?? {}, 'complete');
    const at = new Date().toISOString();
    return this.execute({ type: 'CompleteWorkOrder', data: { assetId, workOrderId: id, by: actor, at, findings, failure, parts, labourHours } }, actor, at);
  }

  /** POST /v1/work-orders/:workOrderId/cancel {reason} — any open status → CANCELLED. */
  @Post(':workOrderId/cancel')
  @HttpCode(200)
  @RequireRoles('planner')
  async cancel(@Param('workOrderId') workOrderId: string, @Body() body: unknown, @Actor() actor: string) {
    const { assetId, workOrderId: id } = workOrderOf(workOrderId);
    const { reason } = parseContract(cancelBody, body ?? {}, 'cancel');
    const at = new Date().toISOString();
    return this.execute({ type: 'CancelWorkOrder', data: { assetId, workOrderId: id, by: actor, at, reason } }, actor, at);
  }

  private async execute(command: MaintenanceCommand & { data: { workOrderId: string } }, actor: string, at: string) {
    const traceparent = traceparentOf(context.active());
    try {
      const { state, appended } = await executeCommand(command, { actor, at, ...(traceparent ? { traceparent } : {}) }, { store: this.store, orders: this.orders });
      if (appended > 0) this.runtime?.wake();
      const order = workOrdersView(state).find((o) => o.workOrderId === command.data.workOrderId);
      if (!order) throw new DomainError('MAINTENANCE.UNKNOWN_WORK_ORDER', `no work order ${command.data.workOrderId}`, 404);
      return order;
    } catch (error) {
      throw problemOf(error);
    }
  }
}

/** A refusal of the maintenance rules as problem details: its code, and the status the domain gives it. */
export function problemOf(error: unknown): unknown {
  if (!(error instanceof MaintenanceError)) return error;
  const field = (error as { field?: unknown }).field;
  return new DomainError(error.code, error.message, maintenanceErrorStatus(error.code), typeof field === 'string' ? { errors: [{ field, message: error.message }] } : {});
}
