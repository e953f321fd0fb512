import type { Json } from '../core/json.ts';
import type { WorkflowDocument } from '../core/model.ts';
import { runLocal, type ExecutionResult, type LocalRunOptions } from './local/run-local.ts';

export type RunOnHostOptions = LocalRunOptions;
export type { ExecutionResult };

type HostRunner = (document: WorkflowDocument, input: Json, options: RunOnHostOptions) => Promise<ExecutionResult>;

/** Every host runs a document with the same options and returns the same result shape. */
const hosts = {
  local: runLocal,
} satisfies Record<string, HostRunner>;

export type HostName = keyof typeof hosts;
export const HOST_NAMES = Object.keys(hosts) as HostName[];

export function runOnHost(host: HostName, document: WorkflowDocument, input: Json, options: RunOnHostOptions = {}): Promise<ExecutionResult> {
  return hosts[host](document, input, options);
}
