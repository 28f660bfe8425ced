export { NOTIFICATION_KINDS, notificationFor, type NotifiableEvent, type Notification, type NotificationKind } from './notification.policy';
export {
  backoffCeilingMs,
  DEFAULT_RETRY_POLICY,
  isPermanentFailure,
  nextAttempt,
  NotificationError,
  type AttemptOutcome,
  type NextAttempt,
  type NotificationErrorCode,
  type RetryPolicy,
} from './notification.retry';
export { DEFAULT_THROTTLE_POLICY, digestFor, throttle, type RecentNotification, type SuppressReason, type ThrottleDecision, type ThrottlePolicy } from './notification.throttle';
export { isTimeZone, parseQuietHours, quietHoursRelease, type QuietHours } from './notification.quiet-hours';
export {
  channelsOf,
  parseRoutes,
  recipientsFor,
  route,
  ROUTABLE_KINDS,
  ruleMatches,
  SEVERITIES,
  severityOf,
  type EscalationLevel,
  type EscalationPlan,
  type Recipient,
  type RoutableKind,
  type Routes,
  type Routing,
  type RoutingInput,
  type RoutingRule,
  type Severity,
} from './notification.routes';
export { dueEscalation, escalated, escalationNotification, nextEscalationAt, stopEscalation, type DueEscalation, type EscalationState } from './notification.escalation';
export { ALARM_STOP_EVENT_TYPES, alarmStopOf, type AlarmStopEvent, type AlarmStopEventType, type AlarmStopOrLift } from './notification.alarm-stops';
