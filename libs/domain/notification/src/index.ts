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
