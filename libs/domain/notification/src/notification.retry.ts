export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** Backoff ceiling of the first retry; it doubles with each further attempt. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({ maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 60_000 });

/** How the last delivery attempt went: `status` is the HTTP status if there was a response. */
export interface AttemptOutcome {
  readonly ok: boolean;
  readonly status?: number;
  readonly error?: string;
}

export type NextAttempt = { readonly kind: 'delivered' } | { readonly kind: 'retry'; readonly at: number } | { readonly kind: 'dead'; readonly reason: string };

export type NotificationErrorCode = 'NOTIFICATION.INVALID_ARGUMENT' | 'NOTIFICATION.INVALID_ROUTES';

export class NotificationError extends Error {
  constructor(
    readonly code: NotificationErrorCode,
    message: string,
    /** Every problem found, with the path of its field (NOTIFICATION.INVALID_ROUTES). */
    readonly errors: readonly { readonly field: string; readonly message: string }[] = [],
  ) {
    super(message);
    this.name = 'NotificationError';
  }
}

/**
 * A client error is permanent: the same request will fail again. 408 (timeout) and 429 (too many
 * requests) are the exceptions. Everything else that failed (5xx, network errors without a
 * status, unexpected 1xx/3xx) is worth retrying.
 */
export function isPermanentFailure(outcome: AttemptOutcome): boolean {
  const { status } = outcome;
  return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/** The ceiling of the wait after `attemptsSoFar` failed attempts: base·2^(n−1), at most maxDelayMs. */
export function backoffCeilingMs(attemptsSoFar: number, policy: RetryPolicy): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attemptsSoFar - 1));
}

function outcomeText(outcome: AttemptOutcome): string {
  const status = outcome.status !== undefined ? `HTTP ${outcome.status}` : undefined;
  if (status && outcome.error && outcome.error !== status) return outcome.error.startsWith(status) ? outcome.error : `${status}: ${outcome.error}`;
  return status ?? outcome.error ?? 'failed without a status or error';
}

/**
 * What to do after attempt number `attemptsSoFar` (1 after the first attempt) ended with
 * `lastOutcome`: done, retry at an epoch-ms time, or give up (dead letter). Exponential backoff with
 * full jitter: the wait is `jitter01 · min(maxDelayMs, baseDelayMs · 2^(attemptsSoFar−1))`. The
 * caller supplies `now` and `jitter01` (uniform in [0, 1)), so the policy stays pure.
 */
export function nextAttempt(attemptsSoFar: number, lastOutcome: AttemptOutcome, now: number | Date, policy: RetryPolicy, jitter01: number): NextAttempt {
  if (!Number.isInteger(attemptsSoFar) || attemptsSoFar < 1) {
    throw new NotificationError('NOTIFICATION.INVALID_ARGUMENT', `attemptsSoFar must be an integer >= 1 (attempts made, the last included), got ${attemptsSoFar}`);
  }
  if (!(jitter01 >= 0 && jitter01 < 1)) {
    throw new NotificationError('NOTIFICATION.INVALID_ARGUMENT', `jitter01 must be a number in [0, 1), got ${jitter01}`);
  }
  const nowMs = typeof now === 'number' ? now : now.getTime();
  if (!Number.isFinite(nowMs)) throw new NotificationError('NOTIFICATION.INVALID_ARGUMENT', `now must be a finite epoch-ms time, got ${String(now)}`);

  if (lastOutcome.ok) return { kind: 'delivered' };
  if (isPermanentFailure(lastOutcome)) return { kind: 'dead', reason: `permanent failure, not retried: ${outcomeText(lastOutcome)}` };
  if (attemptsSoFar >= policy.maxAttempts) return { kind: 'dead', reason: `gave up after ${attemptsSoFar} attempts; last: ${outcomeText(lastOutcome)}` };
  return { kind: 'retry', at: nowMs + Math.floor(jitter01 * backoffCeilingMs(attemptsSoFar, policy)) };
}
