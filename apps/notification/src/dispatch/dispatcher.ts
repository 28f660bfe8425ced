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
}

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
    // A CLIENT span continuing the trace of the announced event; the receiver gets its traceparent.
    const outcome = await inSpan(
      'webhook deliver',
      { service: 'notification', kind: SpanKind.CLIENT, parent: contextFromTraceparent(d.traceparent ?? undefined, ROOT_CONTEXT), attributes: { 'twinline.asset_id': d.assetId, 'twinline.delivery_id': d.deliveryId, 'twinline.attempt': attempt, 'http.request.method': 'POST' } },
      async (span, ctx): Promise<{ ok: boolean; status?: number; error?: string }> => {
        try {
          const traceparent = traceparentOf(ctx);
          const response = await fetch(d.target!, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-twinline-delivery-id': d.deliveryId, 'x-twinline-event-id': d.eventId, 'x-twinline-attempt': String(attempt), ...(traceparent ? { traceparent } : {}) },
            body: JSON.stringify({ deliveryId: d.deliveryId, kind: d.kind, subject: d.subject, ...d.body }),
            signal: AbortSignal.timeout(this.o.timeoutMs),
          });
          await response.arrayBuffer().catch(() => undefined);
          span.setAttribute('http.response.status_code', response.status);
          return response.ok ? { ok: true, status: response.status } : { ok: false, status: response.status, error: `HTTP ${response.status}` };
        } catch (error) {
          return { ok: false, error: String((error as Error)?.message ?? error) };
        }
      },
    );
    const decision = nextAttempt(attempt, outcome, Date.now(), this.o.policy, Math.random());
    const next =
      decision.kind === 'delivered'
        ? { status: 'DELIVERED' as const }
        : decision.kind === 'retry'
          ? { status: 'PENDING' as const, nextAttemptAt: new Date(decision.at) }
          : { status: 'DEAD' as const };
    if (next.status === 'DEAD') this.o.log.warn('delivery gave up: dead letter', { deliveryId: d.deliveryId, attempts: attempt, error: outcome.error });
    await this.o.store.recordAttempt(d.deliveryId, { attempt, ok: outcome.ok, statusCode: outcome.status ?? null, error: outcome.error ?? null, durationMs: Date.now() - started }, next);
    countAttempt(decision.kind);
  }
}
