export { MaintenanceError, maintenanceErrorStatus, type MaintenanceErrorCode } from './maintenance.errors';
export { initialMaintenanceState, isOpen, occurrenceKey, TERMINAL_STATUSES, type MaintenanceState, type WorkOrder } from './maintenance.state';
export type {
  ApproveWorkOrder,
  CancelWorkOrder,
  CompleteWorkOrder,
  HandleAlarm,
  HandlePrediction,
  HandleRulEstimate,
  MaintenanceCommand,
  MaintenanceCommandType,
  MaintenanceInputCommand,
  OpenPreventive,
  ScheduleWorkOrder,
  StartWorkOrder,
  WorkOrderLifecycleCommand,
} from './maintenance.commands';
export { ALLOWED_FROM, decide, preventiveCause, workOrderIdFor } from './maintenance.decide';
export { dueAtForFailure, dueAtForPriority, hoursToFailure, isMoreUrgent, mostUrgent, priorityForSeverity, priorityForTimeToFailure } from './maintenance.priority';
export { evolve } from './maintenance.evolve';
export { workOrdersView, type WorkOrderView } from './maintenance.view';
export { maintenanceDecider } from './maintenance.decider';
export { MAINTENANCE_RULES } from './maintenance.rules';
export { rederiveWorkOrders, type AuditedWorkOrderEvent, type RecordedCommand, type WorkOrderDivergence, type WorkOrderRederiveResult } from './maintenance.rederive';
export { assetIdOfWorkOrder, workOrdersAt, type TimedMaintenanceEvent } from './maintenance.at';
export {
  reliabilityOf,
  type AssetReliability,
  type ClassReliability,
  type MttfEstimateAccuracy,
  type OverallReliability,
  type ReliabilityMetrics,
  type ReliabilityRecord,
  type ReliabilityReport,
  type ReliabilityWindow,
} from './maintenance.reliability';
export {
  accumulateRunningHours,
  preventiveDue,
  PREVENTIVE_LEAD_DAYS,
  scheduleProblems,
  validateSchedule,
  type PreventiveOccurrence,
  type PreventiveProgress,
  type PreventiveSchedule,
  type RunningHoursState,
  type ScheduleProblem,
} from './maintenance.preventive';
