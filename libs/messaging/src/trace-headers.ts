import { context, propagation, type Context } from '@opentelemetry/api';
import { headers as natsHeaders, type MsgHdrs } from 'nats';

/** Writes the active W3C trace context (traceparent/tracestate) into NATS headers. */
export function injectTraceContext(h: MsgHdrs, ctx: Context = context.active()): MsgHdrs {
  propagation.inject(ctx, h, {
    set: (carrier, key, value) => carrier.set(key, value),
  });
  return h;
}

/** Reads the W3C trace context from NATS headers (a no-op context when there is none). */
export function extractTraceContext(h: MsgHdrs | undefined): Context {
  if (!h) return context.active();
  return propagation.extract(context.active(), h, {
    get: (carrier, key) => carrier.get(key) || undefined,
    keys: (carrier) => carrier.keys(),
  });
}

export function newHeaders(): MsgHdrs {
  return natsHeaders();
}
