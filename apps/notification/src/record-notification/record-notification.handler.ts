import { parseContract, publishedEventV1, type PublishedEvent } from '@twinline/contracts';
import { notificationFor, quietHoursRelease, throttle, type QuietHours, type ThrottlePolicy } from '@twinline/domain-notification';
import { messageParser, type Delivery } from '@twinline/messaging';
import { traceparentOf } from '@twinline/observability';
import type { DeliveryStore, NewDelivery } from '../deliveries/delivery-store';

export const parsePublishedEvent = messageParser((body): PublishedEvent => parseContract(publishedEventV1, body, 'published event'));

/**
 * Turns notifiable events (alarms, security violations, sensor faults, work orders) into delivery
 * records (the pure notification policy decides what to say): one for the webhook (UNROUTED without
 * one), and one for e-mail when it is configured. One record per event and channel: a redelivered
 * event records nothing new, so it is never notified twice. Sending happens in the dispatcher, with retries.
 */
export async function recordNotifications(
  batch: readonly Delivery<PublishedEvent>[],
  deps: {
    store: DeliveryStore;
    webhookUrl: string | undefined;
    email?: { readonly to: readonly string[] } | undefined;
    /** Per asset and channel: over the limit or a duplicate subject within the window → recorded SUPPRESSED with the reason. */
    throttle?: ThrottlePolicy | undefined;
    /** LOW and MEDIUM alarms due in quiet hours are recorded due at their end. */
    quietHours?: QuietHours | undefined;
  },
): Promise<number> {
  const deliveries: NewDelivery[] = [];
  for (const { data: event, traceContext } of batch) {
    const n = notificationFor({ type: event.type, eventId: event.eventId, assetId: event.assetId, data: event.data });
    if (!n) continue;
    const common = {
      eventId: event.eventId,
      kind: n.kind,
      assetId: event.assetId,
      subject: n.subject,
      body: { ...n.body, eventId: event.eventId, assetId: event.assetId, occurredAt: event.occurredAt, correlationId: event.correlationId },
      traceparent: traceparentOf(traceContext) ?? null,
    };
    deliveries.push({ ...common, deliveryId: `${event.eventId}:webhook`, channel: 'webhook', target: deps.webhookUrl ?? null, status: deps.webhookUrl ? 'PENDING' : 'UNROUTED' });
    if (deps.email) deliveries.push({ ...common, deliveryId: `${event.eventId}:email`, channel: 'email', target: deps.email.to.join(', '), status: 'PENDING' });
  }
  const policy = deps.throttle;
  const quiet = deps.quietHours;
  if (!policy && !quiet) return deps.store.record(deliveries);
  return deps.store.recordDecided(deliveries, policy?.windowMs ?? 0, (d, recent, now) => {
    const decision = policy ? throttle(recent, { subject: d.subject, at: now }, policy) : ({ kind: 'send' } as const);
    if (decision.kind === 'suppress') return { ...d, status: 'SUPPRESSED', suppressedReason: decision.detail, heldUntil: new Date(decision.heldUntil) };
    const release = quiet ? quietHoursRelease(now, { kind: d.kind, severity: d.body['severity'] }, quiet) : null;
    return release === null ? d : { ...d, nextAttemptAt: new Date(release) };
  });
}
