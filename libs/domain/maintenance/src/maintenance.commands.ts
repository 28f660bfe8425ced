import type { AlarmSeverity, Failure, PartUsed, WorkOrderPriority } from '@twinline/contracts';

/** Handle an alarm raised on an asset: open a corrective work order for its cause, or attach to the open one. */
export interface HandleAlarm {
  readonly type: 'HandleAlarm';
  readonly data: {
    readonly assetId: string;
    readonly alarmId: string;
    readonly cause: string;
    readonly severity: AlarmSeverity;
    readonly message: string;
    readonly raisedAt: string;
  };
}

/** Handle a failure prediction (twin FailurePredicted): open a predictive work order for its cause, or attach to the open one. */
export interface HandlePrediction {
  readonly type: 'HandlePrediction';
  readonly data: {
    readonly assetId: string;
    readonly predictionId: string;
    readonly cause: string;
    readonly predictedFailureAt: string;
    readonly message: string;
    /** When the prediction was made: the decision time. */
    readonly at: string;
  };
}

/** Handle a remaining-useful-life estimate (twin RulEstimated): moves the open order of its cause, opens nothing. */
export interface HandleRulEstimate {
  readonly type: 'HandleRulEstimate';
  readonly data: {
    readonly assetId: string;
    readonly cause: string;
    /** Remaining useful life in hours from `at`. */
    readonly rulHours: number;
    readonly at: string;
  };
}

/** Open the preventive work order of one occurrence of a preventive schedule (cause `preventive:<scheduleId>`). */
export interface OpenPreventive {
  readonly type: 'OpenPreventive';
  readonly data: {
    readonly assetId: string;
    readonly scheduleId: string;
    readonly occurrence: number;
    readonly title: string;
    readonly dueAt: string;
    readonly at: string;
    /** The schedule's priority; P4 when it says nothing. */
    readonly priority?: WorkOrderPriority;
  };
}

export interface ApproveWorkOrder {
  readonly type: 'ApproveWorkOrder';
  readonly data: { readonly assetId: string; readonly workOrderId: string; readonly by: string; readonly at: string; readonly note?: string };
}

export interface ScheduleWorkOrder {
  readonly type: 'ScheduleWorkOrder';
  readonly data: { readonly assetId: string; readonly workOrderId: string; readonly scheduledFor: string; readonly crew: string; readonly by: string; readonly at: string };
}

export interface StartWorkOrder {
  readonly type: 'StartWorkOrder';
  readonly data: { readonly assetId: string; readonly workOrderId: string; readonly by: string; readonly at: string };
}

export interface CompleteWorkOrder {
  readonly type: 'CompleteWorkOrder';
  readonly data: {
    readonly assetId: string;
    readonly workOrderId: string;
    readonly by: string;
    /** When the work ended (the asset back in service). */
    readonly at: string;
    readonly findings: string;
    /** The failure the crew found, or null when none (a precautionary order). */
    readonly failure: Failure | null;
    readonly parts: readonly PartUsed[];
    readonly labourHours: number;
  };
}

export interface CancelWorkOrder {
  readonly type: 'CancelWorkOrder';
  readonly data: { readonly assetId: string; readonly workOrderId: string; readonly by: string; readonly at: string; readonly reason: string };
}

/** Commands from messages (the twin, the preventive planner). */
export type MaintenanceInputCommand = HandleAlarm | HandlePrediction | HandleRulEstimate | OpenPreventive;
/** Commands of a planner on one work order. */
export type WorkOrderLifecycleCommand = ApproveWorkOrder | ScheduleWorkOrder | StartWorkOrder | CompleteWorkOrder | CancelWorkOrder;
export type MaintenanceCommand = MaintenanceInputCommand | WorkOrderLifecycleCommand;
export type MaintenanceCommandType = MaintenanceCommand['type'];
