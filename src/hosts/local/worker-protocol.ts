import type { ProgressEvent } from '../../core/events.ts';
import type { Json, JsonObject } from '../../core/json.ts';
import type { WorkflowDocument } from '../../core/model.ts';
import type { ProblemDetails } from '../../core/errors.ts';
import type { SpanLossReason } from '../../observability/span-losses.ts';
import type { EffectPolicyData } from './effect-policy-data.ts';

/** What an execution worker thread needs to run one execution: plain, structured-cloneable data. */
export interface WorkerRunRequest {
  executionId: string;
  document: WorkflowDocument;
  input: Json;
  allowProcesses?: boolean;
  secrets?: JsonObject;
  parsing?: { startedAt: number; completedAt: number };
  /** Folder of workflow files `run: workflow` tasks may start (`cairn run --workflows`). */
  workflowsDirectory?: string;
  endpointRewrites?: Record<string, string>;
  /** The operator's effect policy (egress, files, response size), rebuilt in the thread. */
  effectPolicy?: EffectPolicyData;
  /** `run: workflow` children come from the parent's registry, asked for by `find-workflow` messages. */
  workflowsFromParent?: boolean;
  /** The start request's W3C trace context: the execution's trace continues it. */
  traceparent?: string;
  /** Where the execution's output can be fetched (the spec main's `outputUri`). */
  outputUri?: string;
}

/**
 * A start as sent: the document and the effect policy travel only when the thread does not hold
 * them already (see `ThreadHoldings`); otherwise `documentId` names the held document and the
 * policy is the one last sent.
 */
export interface WorkerStart {
  kind: 'start';
  run: Omit<WorkerRunRequest, 'document' | 'effectPolicy'>;
  documentId: number;
  document?: WorkflowDocument;
  /** The effect policy when it differs from the one the thread holds; `null`: none from now on. */
  effectPolicy?: EffectPolicyData | null;
}

/** Parent → worker. */
export type ToWorker =
  | WorkerStart
  | { kind: 'cancel' }
  | { kind: 'suspend' }
  | { kind: 'resume' }
  /** A CloudEvent published on the parent's bus, for this execution's `listen` tasks. */
  | { kind: 'cloudevent'; event: JsonObject }
  /** The parent's answer to a `find-workflow` request. */
  | { kind: 'workflow'; requestId: number; document?: WorkflowDocument; error?: string };

/** What the running execution reports, in the order it happened. */
export type ExecutionReport =
  /**
   * Progress events, cloned: a value that several events carry (a large input passed through
   * unchanged) arrives as one object, which the parent then stores once. As JSON text each event
   * would carry its own copy, to be parsed, serialized and hashed again on the service's thread.
   */
  | { kind: 'events'; events: ProgressEvent[] }
  /** An `emit` of the execution, for the parent's bus. */
  | { kind: 'publish'; event: JsonObject }
  | { kind: 'finished'; status: 'completed' | 'faulted' | 'cancelled'; output?: Json; error?: ProblemDetails }
  | { kind: 'crashed'; message: string }
  /** A `run: workflow` task looks up its child in the parent's registry. */
  | { kind: 'find-workflow'; requestId: number; namespace: string; name: string; version: string };

/**
 * Worker → parent: `ready` once loaded, then what each turn of the thread's event loop reported, in
 * one message: one wake-up of the parent per turn instead of one per report. `spans-lost`: the
 * thread's tracing lost spans (its exporters are the thread's own), counted where the metrics are.
 */
export type FromWorker = { kind: 'ready' } | { kind: 'reports'; reports: ExecutionReport[] } | { kind: 'spans-lost'; reason: SpanLossReason; count: number };
