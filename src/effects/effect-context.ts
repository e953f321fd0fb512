import type { EventBus } from '../bus/event-bus.ts';
import type { RunWorkflowEffect } from '../core/effects.ts';
import type { Json } from '../core/json.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import type { EgressPolicy } from './egress/egress-policy.ts';

/** The operator's limits on what effects may reach and read (`cairn serve` sets them; `cairn run` leaves them open). */
export type EffectPolicy = Pick<EffectContext, 'egress' | 'maxResponseBytes' | 'fileDirectories'>;

/** What a host gives the Node-side effect code besides the request itself. */
export interface EffectContext {
  /** Aborted when the task's cancellation scope is cancelled; effects then reject with `CancelledError`. */
  signal: AbortSignal;
  /** Where `emit` publishes. */
  bus: EventBus;
  /**
   * Origin → origin replacements applied to every outgoing URL (e.g. `https://petstore.swagger.io`
   * → `http://127.0.0.1:PORT`), so tests can point public hosts at loopback fixtures.
   */
  endpointRewrites?: Record<string, string>;
  /** Resolves `{ secret }` references in requests; results and errors are scrubbed of its values. */
  secrets?: SecretStore;
  /** Whether effects may start processes (run shell/script/container, MCP over stdio); off unless the operator opts in. */
  allowProcesses?: boolean;
  /** Where outbound connections may go (checked on each resolved address, redirects included); absent, anywhere (`cairn run`). */
  egress?: EgressPolicy;
  /** The largest response body an effect reads (`DEFAULT_MAX_RESPONSE_BYTES` when absent). */
  maxResponseBytes?: number;
  /** Directories local documents, protos and scripts may be read from; absent, any (`cairn run`). */
  fileDirectories?: readonly string[];
  /** W3C trace context of the effect's span, sent with the call (header, metadata, CloudEvent attribute) when tracing is on. */
  traceparent?: string;
  /** Runs a sub-workflow as a child execution (hosts with a workflow registry provide it). */
  runWorkflow?: (effect: RunWorkflowEffect, signal: AbortSignal) => Promise<Json>;
}
