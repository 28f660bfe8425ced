import type { AlarmSeverity, WorkOrderPriority } from '@twinline/contracts';
import { MAINTENANCE_RULES } from './maintenance.rules';

const HOUR_MS = 3_600_000;

/**
 * Priority of a work order by the alarm behind it: CRITICAL → P1, HIGH → P2, MEDIUM → P3, LOW → P4
 * (MAINTENANCE_RULES.priorityBySeverity).
 */
export function priorityForSeverity(severity: AlarmSeverity): WorkOrderPriority {
  switch (severity) {
    case 'CRITICAL':
    case 'HIGH':
    case 'MEDIUM':
    case 'LOW':
      return MAINTENANCE_RULES.priorityBySeverity[severity] as WorkOrderPriority;
    default: {
      const unknown: never = severity;
      throw new Error(`unknown alarm severity ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * Priority of a work order by the predicted time to failure (hours from the decision): at most 24 h
 * → P1, 72 h → P2, 14 days (336 h) → P3, longer → P4 (MAINTENANCE_RULES.priorityByTimeToFailureHours).
 * A failure predicted in the past is P1.
 */
export function priorityForTimeToFailure(hours: number): WorkOrderPriority {
  for (const { atMostHours, priority } of MAINTENANCE_RULES.priorityByTimeToFailureHours) if (hours <= atMostHours) return priority as WorkOrderPriority;
  return 'P4';
}

const RANK: Readonly<Record<WorkOrderPriority, number>> = { P1: 1, P2: 2, P3: 3, P4: 4 };

/** The more urgent of two priorities (P1 is the most urgent). */
export function mostUrgent(a: WorkOrderPriority, b: WorkOrderPriority): WorkOrderPriority {
  return RANK[b] < RANK[a] ? b : a;
}

/** Whether `a` is strictly more urgent than `b`. */
export function isMoreUrgent(a: WorkOrderPriority, b: WorkOrderPriority): boolean {
  return RANK[a] < RANK[b];
}

/**
 * Due date without a known failure time: the opening time + a window by priority at opening:
 * P1 24 h, P2 72 h, P3 14 days, P4 30 days (MAINTENANCE_RULES.dueHoursByPriority).
 */
export function dueAtForPriority(openedAt: string, priority: WorkOrderPriority): string {
  return new Date(Date.parse(openedAt) + MAINTENANCE_RULES.dueHoursByPriority[priority] * HOUR_MS).toISOString();
}

/**
 * Due date with a known failure time: the decision time + 80 % of the time to failure
 * (MAINTENANCE_RULES.dueFractionOfTimeToFailure), rounded down to the millisecond so it is never after
 * the predicted failure. A failure predicted at or before the decision time is due at once (the
 * decision time).
 */
export function dueAtForFailure(at: string, predictedFailureAt: string): string {
  const atMs = Date.parse(at);
  const timeToFailure = Math.max(0, Date.parse(predictedFailureAt) - atMs);
  return new Date(atMs + Math.floor(MAINTENANCE_RULES.dueFractionOfTimeToFailure * timeToFailure)).toISOString();
}

/** Hours from `at` to `predictedFailureAt` (negative when the failure is predicted in the past). */
export function hoursToFailure(at: string, predictedFailureAt: string): number {
  return (Date.parse(predictedFailureAt) - Date.parse(at)) / HOUR_MS;
}
