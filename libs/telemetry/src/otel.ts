import { NodeSDK } from '@opentelemetry/sdk-node';

export interface Telemetry {
  shutdown(): Promise<void>;
}

/**
 * Builds the SDK explicitly: the zero-config launcher probes cloud metadata addresses,
 * which is traffic this service must never send. Exporters come from the standard
 * OTEL_* variables; OTEL_SDK_DISABLED=true turns it all off (tests do).
 */
export function startTelemetry(serviceName: string, env: Record<string, string | undefined> = process.env): Telemetry {
  if (env.OTEL_SDK_DISABLED === 'true' || !env.OTEL_EXPORTER_OTLP_ENDPOINT) {
    return { shutdown: async () => {} };
  }
  const sdk = new NodeSDK({ serviceName, resourceDetectors: [] });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}
