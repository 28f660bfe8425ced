import { parseContract, publishedEventV1, type PublishedEvent } from '@twinline/contracts';
import { channelsOf, notificationFor, quietHoursRelease, route, severityOf, throttle, type Notification, type QuietHours, type Routes, type ThrottlePolicy } from '@twinline/domain-notification';
import { messageParser, type Delivery } from '@twinline/messaging';
import { traceparentOf } from '@twinline/observability';
import type { AssetDirectory } from '@twinline/service-kit';
import type { DecideDelivery, DeliveryStore, NewDelivery } from '../deliveries/delivery-store';
import type { EscalationStore, NewEscalation } from '../escalation/escalation-store';

export const parsePublishedEvent = messageParser((body): PublishedEvent => parseContract(publishedEventV1, body, 'published event'));

/**
 * The notification a published event calls for, with the twin's alarm lifecycle (ISA-18.2) on top
 * of the notification policy: an alarm raised while SHELVED is not annunciated, so nobody is told
 * (null); an alarm RE-ANNOUNCED (left unacknowledged past the re-alarm time) is told like a raise,
 * `alarm.raised` so the same routes match, its subject saying it is still unacknowledged.
 * `reannounced` marks the latter: it starts no new escalation (the raise's own goes on until the
 * alarm is acknowledged or cleared).
 */
export function notificationOf(event: Pick<PublishedEvent, 'type' | 'eventId' | 'assetId' | 'data'>): (Notification & { readonly reannounced: boolean }) | null {
  if (event.type === 'AlarmRaised' && event.data['shelved'] === true) return null;
  if (event.type === 'AlarmReannounced') {
    const n = notificationFor({ type: 'AlarmRaised', eventId: event.eventId, assetId: event.assetId, data: event.data });
    if (!n) return null;
    const alarmId = typeof event.data['alarmId'] === 'string' ? event.data['alarmId'] : 'alarm';
    const severity = typeof event.data['severity'] === 'string' && event.data['severity'] !== '' ? event.data['severity'] : 'UNKNOWN';
    const what = typeof event.data['message'] === 'string' && event.data['message'] !== '' ? event.data['message'] : `${alarmId}`;
    return { ...n, subject: `[${severity}] ${event.assetId}: still unacknowledged, re-announced: ${what}`, body: { ...n.body, eventType: 'AlarmReannounced' }, reannounced: true };
  }
  const n = notificationFor({ type: event.type, eventId: event.eventId, assetId: event.assetId, data: event.data });
  return n && { ...n, reannounced: false };
}

/** Routing by NOTIFY_ROUTES: the rules and recipients, the asset directory (site, class) and where escalations are kept. */
export interface RoutingDeps {
  readonly routes: Routes;
  /** Without one (or for an asset not in it) only rules without site and class conditions match. */
  readonly directory?: AssetDirectory | undefined;
  readonly escalations: Pick<EscalationStore, 'start'>;
}

/**
 * How a new delivery is recorded: held back (SUPPRESSED, with the reason) by the rate limit or as a
 * duplicate, counted per asset, recipient and channel; else due now, or at the end of quiet hours
 * for a low priority. A routed delivery uses its recipient's quiet hours (the global ones when it
 * has none) and counts work-order priorities (P3, P4 wait); one without a recipient keeps the
 * global rule (LOW and MEDIUM alarms wait).
 */
export function deliveryDecider(o: { throttle?: ThrottlePolicy | undefined; quietHours?: QuietHours | undefined; routes?: Routes | undefined }): DecideDelivery {
  const own = new Map((o.routes?.recipients ?? []).map((r) => [r.name, r.quietHours]));
  return (d, recent, now) => {
    const decision = o.throttle ? throttle(recent, { subject: d.subject, at: now }, o.throttle) : ({ kind: 'send' } as const);
    if (decision.kind === 'suppress') return { ...d, status: 'SUPPRESSED', suppressedReason: decision.detail, heldUntil: new Date(decision.heldUntil) };
    const routed = d.recipient !== undefined && d.recipient !== null;
    const quiet = routed ? (own.get(d.recipient!) ?? o.quietHours) : o.quietHours;
    const severity = routed ? severityOf(d.kind, d.body) : d.body['severity'];
    const release = quiet ? quietHoursRelease(now, { kind: d.kind, severity }, quiet) : null;
    return release === null ? d : { ...d, nextAttemptAt: new Date(release) };
  };
}

/**
 * Turns notifiable events (alarms, security violations, sensor faults, work orders) into delivery
 * records (the pure notification policy decides what to say). Without routes: one for the webhook
 * (UNROUTED without one), and one for e-mail when it is configured. With routes: one per recipient
 * and channel the matching rules choose (what no rule routes goes the way without routes), and an
 * escalation per matching rule that has one. Ids derive from the event: a redelivered event records
 * nothing new, so it is never notified twice. Sending happens in the dispatcher, with retries.
 */
export async function recordNotifications(
  batch: readonly Delivery<PublishedEvent>[],
  deps: {
    store: DeliveryStore;
    webhookUrl: string | undefined;
    email?: { readonly to: readonly string[] } | undefined;
    /** Per asset, recipient and channel: over the limit or a duplicate subject within the window → recorded SUPPRESSED with the reason. */
    throttle?: ThrottlePolicy | undefined;
    /** LOW and MEDIUM alarms due in quiet hours are recorded due at their end. */
    quietHours?: QuietHours | undefined;
    routing?: RoutingDeps | undefined;
  },
): Promise<number> {
  const deliveries: NewDelivery[] = [];
  const escalations: NewEscalation[] = [];
  for (const { data: event, traceContext } of batch) {
    const n = notificationOf(event);
    if (!n) continue;
    const common = {
      eventId: event.eventId,
      kind: n.kind,
      assetId: event.assetId,
      subject: n.subject,
      body: { ...n.body, eventId: event.eventId, assetId: event.assetId, occurredAt: event.occurredAt, correlationId: event.correlationId },
      traceparent: traceparentOf(traceContext) ?? null,
    };
    if (deps.routing) {
      const asset = deps.routing.directory?.describe(event.assetId);
      const routing = route(deps.routing.routes, { kind: n.kind, severity: severityOf(n.kind, n.body), asset: asset && { site: asset.site, assetClass: asset.assetClass } });
      for (const { recipient, rules } of routing.recipients) {
        for (const { channel, target } of channelsOf(recipient)) {
          deliveries.push({ ...common, body: { ...common.body, recipient: recipient.name, rules }, deliveryId: `${event.eventId}:${recipient.name}:${channel}`, channel, target, recipient: recipient.name, status: 'PENDING' });
        }
      }
      const alarmId = event.data['alarmId'];
      if (typeof alarmId === 'string' && !n.reannounced) {
        for (const plan of routing.escalations) {
          escalations.push({ escalationId: `${event.eventId}:${plan.rule}`, eventId: event.eventId, assetId: event.assetId, alarmId, rule: plan.rule, subject: n.subject, body: common.body, traceparent: common.traceparent, afterMs: plan.afterMs, levels: plan.levels });
        }
      }
      if (routing.recipients.length > 0) continue;
    }
    deliveries.push({ ...common, deliveryId: `${event.eventId}:webhook`, channel: 'webhook', target: deps.webhookUrl ?? null, status: deps.webhookUrl ? 'PENDING' : 'UNROUTED' });
    if (deps.email) deliveries.push({ ...common, deliveryId: `${event.eventId}:email`, channel: 'email', target: deps.email.to.join(', '), status: 'PENDING' });
  }
  const policy = deps.throttle;
  const quiet = deps.quietHours;
  const recorded =
    !policy && !quiet && !deps.routing
      ? await deps.store.record(deliveries)
      : await deps.store.recordDecided(deliveries, policy?.windowMs ?? 0, deliveryDecider({ throttle: policy, quietHours: quiet, routes: deps.routing?.routes }));
  // After the deliveries: a failure here redelivers the batch, which records no delivery twice and starts the escalations then.
  if (deps.routing) await deps.routing.escalations.start(escalations);
  return recorded;
}
