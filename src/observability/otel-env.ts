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
