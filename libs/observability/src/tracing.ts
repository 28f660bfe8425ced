import { context, propagation, trace, ROOT_CONTEXT, SpanKind, SpanStatusCode, type Attributes, type Context, type Link, type Span } from '@opentelemetry/api';

/** One tracer for the whole platform; spans name their service in `twinline.service`. */
export const tracer = () => trace.getTracer('twinline');

export { ROOT_CONTEXT, SpanKind, context, trace, type Context, type Span };

/** W3C traceparent of a context (what events store in metadata and messages carry in headers). */
export function traceparentOf(ctx: Context): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier.traceparent;
}

/** The context a stored or received traceparent continues. */
export function contextFromTraceparent(traceparent: string | undefined, base: Context = context.active()): Context {
  if (!traceparent) return base;
  return propagation.extract(base, { traceparent });
}

/**
 * Runs `work` inside a new span, child of `parent` (default: the active context); the span records
 * an exception and error status when `work` throws, and always ends.
 */
export async function inSpan<T>(
  name: string,
  options: { service: string; kind?: SpanKind; attributes?: Attributes; parent?: Context; links?: Link[] },
  work: (span: Span, ctx: Context) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: { 'twinline.service': options.service, ...options.attributes }, links: options.links ?? [] }, parent);
  const ctx = trace.setSpan(parent, span);
  try {
    return await context.with(ctx, () => work(span, ctx));
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: String((error as Error)?.message ?? error) });
    throw error;
  } finally {
    span.end();
  }
}
