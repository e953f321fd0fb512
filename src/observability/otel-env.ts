/**
 * Whether the standard OTEL_* variables ask for traces to be exported: an OTLP endpoint (or an
 * explicit `OTEL_TRACES_EXPORTER`), unless the SDK or the traces exporter is switched off. Cheap,
 * so every run can ask it; nothing is loaded or exported when it says no.
 */
export function tracingConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporter = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  if (exporter === 'none') return false;
  return Boolean(exporter || env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/** Whether OTEL_* asks for metrics: an OTLP endpoint (or `OTEL_METRICS_EXPORTER=otlp`), unless switched off. */
export function metricsConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporter = env.OTEL_METRICS_EXPORTER?.trim().toLowerCase();
  if (exporter === 'none') return false;
  return Boolean(exporter || env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT);
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
