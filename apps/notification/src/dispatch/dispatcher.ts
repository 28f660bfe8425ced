import { webhookSignature } from '@twinline/contracts';
import { nextAttempt, type RetryPolicy } from '@twinline/domain-notification';
import { contextFromTraceparent, inSpan, ROOT_CONTEXT, SpanKind, traceparentOf, type Logger } from '@twinline/observability';
import type { DeliveryRow, DeliveryStore } from '../deliveries/delivery-store';
import { countAttempt } from './dispatch.metrics';

export interface DispatcherOptions {
  readonly store: DeliveryStore;
  readonly policy: RetryPolicy;
  readonly timeoutMs: number;
  readonly pollMs: number;
  readonly log: Logger;
  readonly concurrency?: number;
  /** Signs every webhook body (X-Twinline-Signature); unsigned without it. */
  readonly webhookSecret?: string | undefined;
  /** The e-mail channel: an SMTP transport (nodemailer's) and the sender address. */
  readonly email?: { readonly transport: MailTransport; readonly from: string } | undefined;
  /** Records the digests of held-back notifications whose window ended, before each round claims what is due. */
  readonly releaseDigests?: (() => Promise<number>) | undefined;
}

/** The part of a nodemailer transporter the dispatcher uses. */
export interface MailTransport {
  sendMail(mail: {
    from: string;
    to: string[];
    subject: string;
    text: string;
    headers: Record<string, string>;
    attachments: Array<{ filename: string; content: string; contentType: string }>;
  }): Promise<{ response?: string }>;
}

interface Outcome {
  readonly ok: boolean;
  /** HTTP status (webhook) or SMTP reply code (e-mail), when there was an answer. */
  readonly code?: number;
  readonly error?: string;
  /** Only an HTTP status feeds the retry policy (a 4xx is permanent there; SMTP codes mean otherwise). */
  readonly httpStatus?: number;
}

/** The plain text of a notification e-mail: the subject, then every field of the notification. */
export function emailText(d: Pick<DeliveryRow, 'subject' | 'deliveryId' | 'body'>, attempt: number): string {
  const lines = Object.entries(d.body).map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return `${d.subject}\n\n${lines.join('\n')}\n\nDelivery ${d.deliveryId}, attempt ${attempt}. The notification as JSON (the webhook body) is attached as notification.json.\n`;
}

const smtpCode = (response: string | undefined): number | undefined => {
  const m = /^(\d{3})\b/.exec(response ?? '');
  return m ? Number(m[1]) : undefined;
};

/**
 * Sends due deliveries: claims a batch with a lease, POSTs each, records the attempt, and lets the
 * pure retry policy decide: delivered, retry at (exponential backoff with jitter), or dead letter.
 */
export class Dispatcher {
  private stopped = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;

  constructor(private readonly o: DispatcherOptions) {}

  start(): void {
    this.loop = this.run();
  }

  wake(): void {
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let sent = 0;
      try {
        await this.o.releaseDigests?.();
        const due = await this.o.store.claimDue(this.o.concurrency ?? 20, this.o.timeoutMs * 3);
        sent = due.length;
        await Promise.all(due.map((d) => this.send(d)));
      } catch (error) {
        this.o.log.warn('dispatch round failed, retrying', { error });
      }
      if (sent === 0 && !this.stopped) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.o.pollMs);
          this.wakeUp = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  }

  private async send(d: DeliveryRow): Promise<void> {
    const attempt = d.attempts + 1;
    const started = Date.now();
    const outcome = d.channel === 'email' ? await this.sendEmail(d, attempt) : await this.sendWebhook(d, attempt);
    // After an admin's retry of a dead letter the policy counts afresh; the attempt numbers go on.
    const decision = nextAttempt(
      attempt - (d.retryBaseAttempts ?? 0),
      { ok: outcome.ok, ...(outcome.httpStatus !== undefined ? { status: outcome.httpStatus } : {}), ...(outcome.error !== undefined ? { error: outcome.error } : {}) },
      Date.now(),
      this.o.policy,
      Math.random(),
    );
    const next =
      decision.kind === 'delivered'
        ? { status: 'DELIVERED' as const }
        : decision.kind === 'retry'
          ? { status: 'PENDING' as const, nextAttemptAt: new Date(decision.at) }
          : { status: 'DEAD' as const };
    if (next.status === 'DEAD') this.o.log.warn('delivery gave up: dead letter', { deliveryId: d.deliveryId, attempts: attempt, error: outcome.error });
    await this.o.store.recordAttempt(d.deliveryId, { attempt, ok: outcome.ok, statusCode: outcome.code ?? null, error: outcome.error ?? null, durationMs: Date.now() - started }, next);
    countAttempt(decision.kind);
  }

  private spanOptions(d: DeliveryRow, attempt: number, extra: Record<string, string>) {
    return {
      service: 'notification',
      kind: SpanKind.CLIENT,
      parent: contextFromTraceparent(d.traceparent ?? undefined, ROOT_CONTEXT),
      attributes: { 'twinline.asset_id': d.assetId, 'twinline.delivery_id': d.deliveryId, 'twinline.attempt': attempt, 'twinline.channel': d.channel, ...extra },
    };
  }

  /** POSTs the notification as JSON, signed when a secret is configured. */
  private sendWebhook(d: DeliveryRow, attempt: number): Promise<Outcome> {
    // A CLIENT span continuing the trace of the announced event; the receiver gets its traceparent.
    return inSpan('webhook deliver', this.spanOptions(d, attempt, { 'http.request.method': 'POST' }), async (span, ctx): Promise<Outcome> => {
      try {
        const traceparent = traceparentOf(ctx);
        const body = JSON.stringify({ deliveryId: d.deliveryId, kind: d.kind, subject: d.subject, ...d.body });
        const response = await fetch(d.target!, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-twinline-delivery-id': d.deliveryId,
            'x-twinline-event-id': d.eventId,
            'x-twinline-attempt': String(attempt),
            ...(traceparent ? { traceparent } : {}),
            // Signed per attempt: t is when this attempt was sent, so a receiver's replay window holds for retries too.
            ...(this.o.webhookSecret ? { 'x-twinline-signature': webhookSignature(body, this.o.webhookSecret, new Date()) } : {}),
          },
          body,
          signal: AbortSignal.timeout(this.o.timeoutMs),
        });
        await response.arrayBuffer().catch(() => undefined);
        span.setAttribute('http.response.status_code', response.status);
        return response.ok ? { ok: true, code: response.status, httpStatus: response.status } : { ok: false, code: response.status, httpStatus: response.status, error: `HTTP ${response.status}` };
      } catch (error) {
        return { ok: false, error: String((error as Error)?.message ?? error) };
      }
    });
  }

  /** Mails the notification over SMTP: plain text, the webhook's JSON attached. */
  private sendEmail(d: DeliveryRow, attempt: number): Promise<Outcome> {
    return inSpan('email deliver', this.spanOptions(d, attempt, {}), async (span): Promise<Outcome> => {
      if (!this.o.email) return { ok: false, error: 'e-mail is not configured (NOTIFY_SMTP_URL, NOTIFY_EMAIL_FROM, NOTIFY_EMAIL_TO)' };
      const to = (d.target ?? '')
        .split(',')
        .map((a) => a.trim())
        .filter((a) => a !== '');
      try {
        const info = await this.o.email.transport.sendMail({
          from: this.o.email.from,
          to,
          subject: d.subject,
          text: emailText(d, attempt),
          headers: { 'X-Twinline-Delivery-Id': d.deliveryId, 'X-Twinline-Event-Id': d.eventId, 'X-Twinline-Attempt': String(attempt) },
          attachments: [{ filename: 'notification.json', content: JSON.stringify({ deliveryId: d.deliveryId, kind: d.kind, subject: d.subject, ...d.body }, null, 2), contentType: 'application/json' }],
        });
        const code = smtpCode(info.response);
        if (code !== undefined) span.setAttribute('smtp.response.code', code);
        return { ok: true, ...(code !== undefined ? { code } : {}) };
      } catch (error) {
        const e = error as { message?: string; responseCode?: number };
        return { ok: false, ...(typeof e?.responseCode === 'number' ? { code: e.responseCode } : {}), error: `SMTP ${String(e?.message ?? error)}` };
      }
    });
  }
}
