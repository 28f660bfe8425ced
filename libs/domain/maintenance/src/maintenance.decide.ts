import type { MaintenanceEvent, WorkOrderPriority, WorkOrderStatus } from '@twinline/contracts';
import type { ApproveWorkOrder, CancelWorkOrder, CompleteWorkOrder, HandleAlarm, HandlePrediction, HandleRulEstimate, MaintenanceCommand, OpenPreventive, ScheduleWorkOrder, StartWorkOrder } from './maintenance.commands';
import { MaintenanceError } from './maintenance.errors';
import { dueAtForFailure, dueAtForPriority, hoursToFailure, isMoreUrgent, mostUrgent, priorityForSeverity, priorityForTimeToFailure } from './maintenance.priority';
import { MAINTENANCE_RULES } from './maintenance.rules';
import { isOpen, occurrenceKey, type MaintenanceState, type WorkOrder } from './maintenance.state';

export { priorityForSeverity } from './maintenance.priority';

/** `WO-P-101-0001`: the asset and the order's number on it, zero-padded to four digits. */
export function workOrderIdFor(assetId: string, number: number): string {
  return `WO-${assetId}-${String(number).padStart(4, '0')}`;
}

/** The cause of the preventive orders of a schedule: one open order per schedule. */
export function preventiveCause(scheduleId: string): string {
  return `preventive:${scheduleId}`;
}

/** Which statuses each lifecycle command moves an order from. */
export const ALLOWED_FROM: Readonly<Record<'ApproveWorkOrder' | 'ScheduleWorkOrder' | 'StartWorkOrder' | 'CompleteWorkOrder' | 'CancelWorkOrder', readonly WorkOrderStatus[]>> = Object.freeze({
  ApproveWorkOrder: ['REQUESTED'],
  // Re-scheduling (another date or crew) is allowed until the work starts.
  ScheduleWorkOrder: ['APPROVED', 'SCHEDULED'],
  // Straight from APPROVED: an urgent order (a P1) may start without waiting for a schedule.
  StartWorkOrder: ['APPROVED', 'SCHEDULED'],
  CompleteWorkOrder: ['IN_PROGRESS'],
  CancelWorkOrder: ['REQUESTED', 'APPROVED', 'SCHEDULED', 'IN_PROGRESS'],
});

const VERB: Readonly<Record<keyof typeof ALLOWED_FROM, string>> = { ApproveWorkOrder: 'approve', ScheduleWorkOrder: 'schedule', StartWorkOrder: 'start', CompleteWorkOrder: 'complete', CancelWorkOrder: 'cancel' };

function invalidInput(field: string, rule: string): MaintenanceError {
  return new MaintenanceError('MAINTENANCE.INVALID_INPUT', `${field}: ${rule}`);
}

/** The instant of an ISO 8601 date-time field, or MAINTENANCE.INVALID_TIME naming the field. */
function instant(field: string, value: string): number {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new MaintenanceError('MAINTENANCE.INVALID_TIME', `${field}: "${String(value)}" is not an ISO 8601 date-time, e.g. 2024-01-01T00:00:00Z`);
  return ms;
}

function nonEmpty(field: string, value: string): void {
  if (typeof value !== 'string' || value.trim() === '') throw invalidInput(field, 'must not be empty');
}

function describe(command: MaintenanceCommand): string {
  switch (command.type) {
    case 'HandleAlarm':
      return `alarm ${command.data.alarmId}`;
    case 'HandlePrediction':
      return `prediction ${command.data.predictionId}`;
    case 'HandleRulEstimate':
      return `remaining-useful-life estimate of ${command.data.cause}`;
    case 'OpenPreventive':
      return `preventive schedule ${command.data.scheduleId} occurrence ${command.data.occurrence}`;
    default:
      return `${VERB[command.type]} of work order ${command.data.workOrderId}`;
  }
}

/**
 * Decides what a command does to the work orders of its asset (pure; throws MaintenanceError).
 *
 * - HandleAlarm: an alarm seen before decides nothing (redelivery); an alarm whose cause has an open
 *   order attaches to it (AlarmAttachedToWorkOrder, then WorkOrderPriorityRaised when it makes the
 *   order more urgent); any other alarm opens a corrective order (priority by severity, due by priority).
 * - HandlePrediction: the same for predictions (PredictionAttachedToWorkOrder), opening a predictive
 *   order (priority and due date by the predicted time to failure).
 * - HandleRulEstimate: raises the priority of / moves earlier the due date of the open order of its
 *   cause; opens nothing, and decides nothing when it changes nothing.
 * - OpenPreventive: opens the preventive order of a schedule occurrence (cause `preventive:<scheduleId>`);
 *   an occurrence seen before, or one whose schedule still has an open order, decides nothing.
 * - Approve / Schedule / Start / Complete / Cancel: the lifecycle (ALLOWED_FROM). Completing a
 *   corrective or predictive order also decides MaintenanceCompleted (the twin resets its baseline and
 *   health index); a preventive one does not.
 */
export function decide(command: MaintenanceCommand, state: MaintenanceState): MaintenanceEvent[] {
  const assetId = command.data.assetId;
  if (state.assetId !== null && state.assetId !== assetId) {
    throw new MaintenanceError('MAINTENANCE.ASSET_MISMATCH', `${describe(command)} of asset ${assetId} was sent to the work orders of asset ${state.assetId}`);
  }
  switch (command.type) {
    case 'HandleAlarm':
      return handleAlarm(command, state);
    case 'HandlePrediction':
      return handlePrediction(command, state);
    case 'HandleRulEstimate':
      return handleRulEstimate(command, state);
    case 'OpenPreventive':
      return openPreventive(command, state);
    case 'ApproveWorkOrder':
      return approve(command, state);
    case 'ScheduleWorkOrder':
      return schedule(command, state);
    case 'StartWorkOrder':
      return start(command, state);
    case 'CompleteWorkOrder':
      return complete(command, state);
    case 'CancelWorkOrder':
      return cancel(command, state);
    default: {
      const unknown: never = command;
      throw invalidInput('type', `unknown maintenance command ${JSON.stringify((unknown as { type?: unknown }).type)}`);
    }
  }
}

function openOrderOf(state: MaintenanceState, cause: string): WorkOrder | undefined {
  const id = state.openByCause[cause];
  const order = id === undefined ? undefined : state.orders[id];
  return order && isOpen(order) ? order : undefined;
}

/**
 * WorkOrderPriorityRaised when `candidate` makes the order more urgent: a more urgent priority, or
 * an earlier due date (the due date never moves later); null otherwise.
 */
function raised(order: WorkOrder, assetId: string, candidate: { priority: WorkOrderPriority; dueAt: string }, at: string, reason: string): MaintenanceEvent | null {
  const to = mostUrgent(order.priority, candidate.priority);
  const earlier = order.dueAt === null || Date.parse(candidate.dueAt) < Date.parse(order.dueAt);
  if (!isMoreUrgent(to, order.priority) && !earlier) return null;
  const dueAt = earlier ? candidate.dueAt : order.dueAt!;
  return { type: 'WorkOrderPriorityRaised', data: { workOrderId: order.workOrderId, assetId, from: order.priority, to, dueAt, reason, at } };
}

function handleAlarm(command: HandleAlarm, state: MaintenanceState): MaintenanceEvent[] {
  const { assetId, alarmId, cause, severity, message, raisedAt } = command.data;
  instant('raisedAt', raisedAt);
  if (state.seenAlarmIds[alarmId]) return [];
  const priority = priorityForSeverity(severity);
  const open = openOrderOf(state, cause);
  if (open) {
    const raise = raised(open, assetId, { priority, dueAt: dueAtForPriority(raisedAt, priority) }, raisedAt, `alarm ${alarmId} (${severity}): ${message}`);
    return [{ type: 'AlarmAttachedToWorkOrder', data: { workOrderId: open.workOrderId, assetId, alarmId, attachedAt: raisedAt } }, ...(raise ? [raise] : [])];
  }
  return [
    {
      type: 'WorkOrderOpened',
      data: { workOrderId: workOrderIdFor(assetId, state.count + 1), assetId, cause, priority, title: `${assetId}: ${message}`, alarmId, openedAt: raisedAt, type: 'corrective', dueAt: dueAtForPriority(raisedAt, priority) },
    },
  ];
}

function handlePrediction(command: HandlePrediction, state: MaintenanceState): MaintenanceEvent[] {
  const { assetId, predictionId, cause, predictedFailureAt, message, at } = command.data;
  instant('at', at);
  instant('predictedFailureAt', predictedFailureAt);
  if (state.seenPredictionIds[predictionId]) return [];
  const priority = priorityForTimeToFailure(hoursToFailure(at, predictedFailureAt));
  const dueAt = dueAtForFailure(at, predictedFailureAt);
  const open = openOrderOf(state, cause);
  if (open) {
    const raise = raised(open, assetId, { priority, dueAt }, at, `prediction ${predictionId}: failure predicted at ${predictedFailureAt}`);
    return [{ type: 'PredictionAttachedToWorkOrder', data: { workOrderId: open.workOrderId, assetId, predictionId, predictedFailureAt, attachedAt: at } }, ...(raise ? [raise] : [])];
  }
  return [
    {
      type: 'WorkOrderOpened',
      data: { workOrderId: workOrderIdFor(assetId, state.count + 1), assetId, cause, priority, title: `${assetId}: ${message}`, openedAt: at, type: 'predictive', dueAt, predictionId, predictedFailureAt },
    },
  ];
}

function handleRulEstimate(command: HandleRulEstimate, state: MaintenanceState): MaintenanceEvent[] {
  const { assetId, cause, rulHours, at } = command.data;
  const atMs = instant('at', at);
  if (typeof rulHours !== 'number' || !Number.isFinite(rulHours) || rulHours < 0) throw invalidInput('rulHours', `must be a number of hours ≥ 0, got ${String(rulHours)}`);
  const open = openOrderOf(state, cause);
  if (!open) return [];
  const predictedFailureAt = new Date(atMs + rulHours * 3_600_000).toISOString();
  const raise = raised(open, assetId, { priority: priorityForTimeToFailure(rulHours), dueAt: dueAtForFailure(at, predictedFailureAt) }, at, `remaining useful life ${rulHours} h at ${at}`);
  return raise ? [raise] : [];
}

function openPreventive(command: OpenPreventive, state: MaintenanceState): MaintenanceEvent[] {
  const { assetId, scheduleId, occurrence, title, dueAt, at } = command.data;
  nonEmpty('scheduleId', scheduleId);
  nonEmpty('title', title);
  if (!Number.isInteger(occurrence) || occurrence < 1) throw invalidInput('occurrence', `must be a positive integer, got ${String(occurrence)}`);
  instant('at', at);
  instant('dueAt', dueAt);
  if (state.seenOccurrences[occurrenceKey(scheduleId, occurrence)]) return [];
  const cause = preventiveCause(scheduleId);
  // The order of an earlier occurrence still open covers this one: the next opens once it is done.
  if (openOrderOf(state, cause)) return [];
  const priority: WorkOrderPriority = command.data.priority ?? (MAINTENANCE_RULES.preventivePriority as WorkOrderPriority);
  return [
    {
      type: 'WorkOrderOpened',
      data: { workOrderId: workOrderIdFor(assetId, state.count + 1), assetId, cause, priority, title: `${assetId}: ${title}`, openedAt: at, type: 'preventive', dueAt, scheduleId, occurrence },
    },
  ];
}

/** The order a lifecycle command is about, checked: it exists, `by` and `at` are valid, `at` is not before its opening. */
function target(command: ApproveWorkOrder | ScheduleWorkOrder | StartWorkOrder | CompleteWorkOrder | CancelWorkOrder, state: MaintenanceState): { order: WorkOrder; atMs: number } {
  const { assetId, workOrderId, by, at } = command.data;
  const order = state.orders[workOrderId];
  if (!order) throw new MaintenanceError('MAINTENANCE.UNKNOWN_WORK_ORDER', `work order ${workOrderId} does not exist on asset ${assetId}`);
  nonEmpty('by', by);
  const atMs = instant('at', at);
  if (atMs < Date.parse(order.openedAt)) throw new MaintenanceError('MAINTENANCE.INVALID_TIME', `at: ${at} is before work order ${workOrderId} was opened (${order.openedAt})`);
  return { order, atMs };
}

function checkTransition(command: { readonly type: keyof typeof ALLOWED_FROM }, order: WorkOrder): void {
  const allowed = ALLOWED_FROM[command.type];
  if (!allowed.includes(order.status)) {
    throw new MaintenanceError('MAINTENANCE.INVALID_TRANSITION', `work order ${order.workOrderId} is ${order.status}: ${VERB[command.type]} needs ${allowed.join(' or ')}`);
  }
}

function approve(command: ApproveWorkOrder, state: MaintenanceState): MaintenanceEvent[] {
  const { order } = target(command, state);
  checkTransition(command, order);
  const { assetId, workOrderId, by, at, note } = command.data;
  return [{ type: 'WorkOrderApproved', data: { workOrderId, assetId, by, at, ...(note !== undefined ? { note } : {}) } }];
}

function schedule(command: ScheduleWorkOrder, state: MaintenanceState): MaintenanceEvent[] {
  const { order } = target(command, state);
  const { assetId, workOrderId, scheduledFor, crew, by, at } = command.data;
  nonEmpty('crew', crew);
  if (instant('scheduledFor', scheduledFor) < Date.parse(order.openedAt)) throw new MaintenanceError('MAINTENANCE.INVALID_TIME', `scheduledFor: ${scheduledFor} is before work order ${workOrderId} was opened (${order.openedAt})`);
  checkTransition(command, order);
  return [{ type: 'WorkOrderScheduled', data: { workOrderId, assetId, scheduledFor, crew, by, at } }];
}

function start(command: StartWorkOrder, state: MaintenanceState): MaintenanceEvent[] {
  const { order } = target(command, state);
  checkTransition(command, order);
  const { assetId, workOrderId, by, at } = command.data;
  return [{ type: 'WorkOrderStarted', data: { workOrderId, assetId, by, at } }];
}

function complete(command: CompleteWorkOrder, state: MaintenanceState): MaintenanceEvent[] {
  const { order, atMs } = target(command, state);
  const { assetId, workOrderId, by, at, findings, failure, parts, labourHours } = command.data;
  nonEmpty('findings', findings);
  if (typeof labourHours !== 'number' || !Number.isFinite(labourHours) || labourHours < 0) throw invalidInput('labourHours', `must be a number of hours ≥ 0, got ${String(labourHours)}`);
  if (!Array.isArray(parts)) throw invalidInput('parts', 'must be a list of parts used (may be empty)');
  parts.forEach((part, i) => {
    nonEmpty(`parts[${i}].partNumber`, part.partNumber);
    if (typeof part.quantity !== 'number' || !Number.isFinite(part.quantity) || part.quantity <= 0) throw invalidInput(`parts[${i}].quantity`, `must be a number > 0, got ${String(part.quantity)}`);
  });
  if (failure !== null) {
    nonEmpty('failure.mode', failure.mode);
    // A failure may well precede the opening (the alarm came after the asset failed: an unpredicted
    // failure), but not the end of the repair that restored the asset.
    if (instant('failure.failedAt', failure.failedAt) > atMs) throw invalidInput('failure.failedAt', `${failure.failedAt} is after the completion (${at}): the failure must precede the repair`);
  }
  if (order.startedAt !== null && atMs < Date.parse(order.startedAt)) throw new MaintenanceError('MAINTENANCE.INVALID_TIME', `at: ${at} is before work order ${workOrderId} was started (${order.startedAt})`);
  checkTransition(command, order);
  const completed: MaintenanceEvent = { type: 'WorkOrderCompleted', data: { workOrderId, assetId, by, at, findings, failure, parts: [...parts], labourHours } };
  if (order.type === 'preventive') return [completed];
  return [
    completed,
    {
      type: 'MaintenanceCompleted',
      data: { workOrderId, assetId, type: order.type, cause: order.cause, completedAt: at, failure, findings, resets: [...MAINTENANCE_RULES.resetsOnRepair] },
    },
  ];
}

function cancel(command: CancelWorkOrder, state: MaintenanceState): MaintenanceEvent[] {
  const { order } = target(command, state);
  const { assetId, workOrderId, by, at, reason } = command.data;
  nonEmpty('reason', reason);
  checkTransition(command, order);
  return [{ type: 'WorkOrderCancelled', data: { workOrderId, assetId, by, at, reason } }];
}
