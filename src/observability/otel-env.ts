/**
 * Whether the standard OTEL_* variables ask for traces to be exported: an OTLP endpoint (or
 * `OTEL_TRACES_EXPORTER` naming otlp), unless the SDK or the traces exporter is switched off. Cheap,
 * so every run can ask it; nothing is loaded or exported when it says no.
 */
export function tracingConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return otlpAskedFor(env.OTEL_TRACES_EXPORTER, env) && Boolean(env.OTEL_TRACES_EXPORTER || env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/** Whether OTEL_* asks for metrics: an OTLP endpoint (or `OTEL_METRICS_EXPORTER` naming otlp), unless switched off. */
export function metricsConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return otlpAskedFor(env.OTEL_METRICS_EXPORTER, env) && Boolean(env.OTEL_METRICS_EXPORTER || env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT);
}

/**
 * False when the SDK is disabled or the signal's exporter list (`otlp`, `console`, `prometheus`,
 * comma-separated) is set without otlp, the only one Cairn has: `prometheus` (scraped, not pushed)
 * or `console` must not turn into OTLP pushes to the default localhost:4318.
 */
function otlpAskedFor(exporters: string | undefined, env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  return exporters === undefined || exporters.trim() === '' || exporters.split(',').some((exporter) => exporter.trim().toLowerCase() === 'otlp');
}

/**
 * What to tell an operator whose OTEL_EXPORTER_OTLP_PROTOCOL (or the signal's own variable) asks
 * for a transport Cairn does not speak: it exports over OTLP/HTTP with protobuf only, so a `grpc`
 * setting (a collector's port 4317) would otherwise fail every export with no word about why.
 * Undefined when the setting is unset or `http/protobuf`.
 */
export function otlpProtocolWarning(signal: 'TRACES' | 'METRICS', env: NodeJS.ProcessEnv = process.env): string | undefined {
  const variable = env[`OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`] !== undefined ? `OTEL_EXPORTER_OTLP_${signal}_PROTOCOL` : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const protocol = env[variable]?.trim().toLowerCase();
  if (!protocol || protocol === 'http/protobuf') return undefined;
  return `${variable}=${protocol}: Cairn exports ${signal.toLowerCase()} over OTLP/HTTP with protobuf only (http/protobuf); point the endpoint at the collector's OTLP/HTTP port (4318 by default)`;
}
