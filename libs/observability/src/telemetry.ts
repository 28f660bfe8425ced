import { NodeSDK } from '@opentelemetry/sdk-node';

let sdk: NodeSDK | undefined;

/**
 * Starts OpenTelemetry tracing when an exporter is configured through the standard environment
 * (OTEL_TRACES_EXPORTER or OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_TRACES_ENDPOINT).
 * Without one nothing is started, so tracing off costs nothing. OTEL_SDK_DISABLED=true turns it off.
 */
export function startTelemetry(serviceName: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (sdk || env.OTEL_SDK_DISABLED === 'true') return Boolean(sdk);
  const configured = env.OTEL_TRACES_EXPORTER || env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (!configured || env.OTEL_TRACES_EXPORTER === 'none') return false;
  sdk = new NodeSDK({ serviceName: env.OTEL_SERVICE_NAME ?? `twinline-${serviceName}` });
  sdk.start();
  return true;
}

export async function stopTelemetry(): Promise<void> {
  await sdk?.shutdown();
  sdk = undefined;
}
