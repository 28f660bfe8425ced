import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';

let sdk: NodeSDK | undefined;
let testProvider: BasicTracerProvider | undefined;

/**
 * Starts OpenTelemetry tracing when an exporter is configured through the standard environment
 * (OTEL_TRACES_EXPORTER or OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_TRACES_ENDPOINT).
 * Without one nothing is started, so tracing off costs nothing. OTEL_SDK_DISABLED=true turns it off.
 */
export function startTelemetry(serviceName: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (sdk || testProvider || env.OTEL_SDK_DISABLED === 'true') return Boolean(sdk || testProvider);
  const configured = env.OTEL_TRACES_EXPORTER || env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (!configured || env.OTEL_TRACES_EXPORTER === 'none') return false;
  sdk = new NodeSDK({ serviceName: env.OTEL_SERVICE_NAME ?? `twinline-${serviceName}` });
  sdk.start();
  return true;
}

/**
 * Tracing into a given exporter (an InMemorySpanExporter in tests), with W3C propagation and
 * async context, the same way the SDK would set them up.
 */
export function startTracingTo(exporter: SpanExporter): void {
  testProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(testProvider);
}

export async function stopTelemetry(): Promise<void> {
  await sdk?.shutdown();
  await testProvider?.shutdown();
  sdk = undefined;
  testProvider = undefined;
  trace.disable();
  context.disable();
  propagation.disable();
}
