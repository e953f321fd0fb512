import type { Json } from '../core/json.ts';
import type { WorkflowDocument } from '../core/model.ts';
import { runLocal, type ExecutionResult } from './local/run-local.ts';
import { tracingConfigured } from '../observability/otel-env.ts';
import type { TemporalRunOptions } from './temporal/run-temporal.ts';

/** Options every host accepts; `temporal` is read by the Temporal host only. */
export type RunOnHostOptions = TemporalRunOptions;
export type { ExecutionResult };

type HostRunner = (document: WorkflowDocument, input: Json, options: RunOnHostOptions) => Promise<ExecutionResult>;

/** Every host runs a document with the same options and returns the same result shape. */
const hosts = {
  local: runLocal,
  // Loaded on demand: the Temporal SDK is heavy, and local runs never need it.
  temporal: async (document, input, options) => (await import('./temporal/run-temporal.ts')).runTemporal(document, input, options),
} satisfies Record<string, HostRunner>;

export type HostName = keyof typeof hosts;
export const HOST_NAMES = Object.keys(hosts) as HostName[];

export async function runOnHost(host: HostName, document: WorkflowDocument, input: Json, options: RunOnHostOptions = {}): Promise<ExecutionResult> {
  if (!tracingConfigured()) return hosts[host](document, input, options);
  // OpenTelemetry is loaded only when OTEL_* asks for traces.
  const { traceRun } = await import('../observability/trace-run.ts');
  return traceRun(document, options, (traced) => hosts[host](document, input, traced));
}
