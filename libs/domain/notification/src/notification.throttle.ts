import { NotificationError } from './notification.retry';

/** At most `limit` notifications per asset and channel in any `windowMs`; an identical subject within it is a duplicate. */
export interface ThrottlePolicy {
  readonly limit: number;
  readonly windowMs: number;
}

export const DEFAULT_THROTTLE_POLICY: ThrottlePolicy = Object.freeze({ limit: 10, windowMs: 600_000 });

/** A notification already recorded for the same asset and channel: when (epoch ms), what it said, and whether it was held back. */
export interface RecentNotification {
  readonly subject: string;
  readonly at: number;
  readonly suppressed: boolean;
}

export type SuppressReason = 'duplicate' | 'rate-limit';

export type ThrottleDecision =
  | { readonly kind: 'send' }
  /** Held back for `reason` (explained in `detail`) until `heldUntil` (epoch ms), when the window ends and a digest names it. */
  | { readonly kind: 'suppress'; readonly reason: SuppressReason; readonly detail: string; readonly heldUntil: number };

function checkPolicy(policy: ThrottlePolicy): void {
  if (!Number.isInteger(policy.limit) || policy.limit < 1) throw new NotificationError('NOTIFICATION.INVALID_ARGUMENT', `limit must be an integer >= 1, got ${policy.limit}`);
  if (!Number.isInteger(policy.windowMs) || policy.windowMs < 1) throw new NotificationError('NOTIFICATION.INVALID_ARGUMENT', `windowMs must be an integer >= 1, got ${policy.windowMs}`);
}

/**
 * Whether a new notification (its subject, at epoch ms `at`) for an asset and channel goes out,
 * given the notifications recorded for that asset and channel before it. The window slides: it
 * holds what was sent (not held back) in the `windowMs` up to `at`. A subject sent within the
 * window already is a duplicate; otherwise, with `limit` sent within it, the rate limit holds it
 * back. Either way it is held until the window that caused it ends.
 */
export function throttle(recent: readonly RecentNotification[], candidate: { readonly subject: string; readonly at: number }, policy: ThrottlePolicy): ThrottleDecision {
  checkPolicy(policy);
  if (!Number.isFinite(candidate.at)) throw new NotificationError('NOTIFICATION.INVALID_ARGUMENT', `at must be a finite epoch-ms time, got ${candidate.at}`);
  const sent = recent.filter((r) => !r.suppressed && r.at > candidate.at - policy.windowMs && r.at <= candidate.at);
  const same = sent.filter((r) => r.subject === candidate.subject);
  if (same.length > 0) {
    const last = Math.max(...same.map((r) => r.at));
    return { kind: 'suppress', reason: 'duplicate', detail: `duplicate: the same subject was sent ${Math.round((candidate.at - last) / 1000)} s ago, within the ${policy.windowMs / 1000} s window`, heldUntil: last + policy.windowMs };
  }
  if (sent.length >= policy.limit) {
    const oldest = Math.min(...sent.map((r) => r.at));
    return { kind: 'suppress', reason: 'rate-limit', detail: `rate limit: ${sent.length} notifications sent for this asset and channel within ${policy.windowMs / 1000} s (limit ${policy.limit})`, heldUntil: oldest + policy.windowMs };
  }
  return { kind: 'send' };
}

/** The single notification that names everything held back for an asset (and channel) when the window ended. */
export function digestFor(assetId: string, held: readonly { readonly subject: string }[]): { readonly kind: 'digest'; readonly subject: string; readonly body: Record<string, unknown> } {
  if (held.length === 0) throw new NotificationError('NOTIFICATION.INVALID_ARGUMENT', 'a digest needs at least one held-back notification');
  const counts = new Map<string, number>();
  for (const h of held) counts.set(h.subject, (counts.get(h.subject) ?? 0) + 1);
  const groups = [...counts.entries()].map(([subject, count]) => ({ subject, count }));
  const shown = groups.slice(0, 3).map((g) => (g.count > 1 ? `${g.subject} (×${g.count})` : g.subject));
  const rest = groups.length - shown.length;
  const n = held.length;
  return {
    kind: 'digest',
    subject: `${n} more ${n === 1 ? 'notification' : 'notifications'} for ${assetId} ${n === 1 ? 'was' : 'were'} held back: ${shown.join('; ')}${rest > 0 ? `; and ${rest} more ${rest === 1 ? 'subject' : 'subjects'}` : ''}`,
    body: { assetId, heldBack: n, subjects: groups },
  };
}
