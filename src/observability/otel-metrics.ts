import type { Meter } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { otlpProtocolWarning } from './otel-env.ts';

/** A meter whose instruments are exported over OTLP, and how to flush and stop it. */
export interface OtelMetrics {
  meter: Meter;
  shutdown(): Promise<void>;
}

/**
 * OpenTelemetry metrics as OTEL_* configure them (only loaded when otel-env.ts says they are
 * asked for): OTLP over HTTP/protobuf every `OTEL_METRIC_EXPORT_INTERVAL` ms (default 60 s), the
 * same resource as the traces.
 */
export function loadOtelMetrics(env: NodeJS.ProcessEnv = process.env): OtelMetrics {
  const protocolWarning = otlpProtocolWarning('METRICS', env);
  if (protocolWarning) console.warn(protocolWarning);
  const interval = Number(env.OTEL_METRIC_EXPORT_INTERVAL) > 0 ? Number(env.OTEL_METRIC_EXPORT_INTERVAL) : 60_000;
  const resource = defaultResource()
    .merge(resourceFromAttributes({ 'service.name': 'cairn' }))
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new MeterProvider({
    resource,
    readers: [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter(), exportIntervalMillis: interval, exportTimeoutMillis: Math.min(interval, 30_000) })],
  });
  return { meter: provider.getMeter('cairn'), shutdown: () => provider.shutdown() };
}
