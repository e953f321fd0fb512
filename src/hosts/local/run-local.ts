import type { EffectPolicy } from '../../effects/effect-context.ts';
import { randomUUID } from 'node:crypto';
import type { ProgressEvent, ProgressSink } from '../../core/events.ts';
import type { Json, JsonObject } from '../../core/json.ts';
import type { WorkflowDocument } from '../../core/model.ts';
import type { ExpressionEngine } from '../../jq/engine.ts';
import { parentTask, runWorkflow, type ParentTask, type WorkflowResult } from '../../core/interpreter.ts';
import type { EventBus } from '../../bus/event-bus.ts';
import { InProcessEventBus } from '../../bus/in-process-bus.ts';
import { loadDefaultEngine } from '../../jq/node/engine-choice.ts';
import { createAjvSchemaValidator } from '../../data-schema/ajv-schema-validator.ts';
import type { SchemaValidator } from '../../core/schema.ts';
import type { WorkflowRegistry } from '../../effects/run/workflow-registry.ts';
import { SecretStore } from '../../secrets/secret-store.ts';
import { createLocalHost } from './local-host.ts';
import { createSubWorkflowRunner } from './sub-workflow.ts';
import type { LocalSuspension } from './suspension.ts';
import type { TraceRoot } from '../../core/trace-context.ts';

export interface LocalRunOptions {
  executionId?: string;
  engine?: ExpressionEngine;
  onEvent?: ProgressSink;
  endpointRewrites?: Record<string, string>;
  /** Aborting it cancels the execution (status `cancelled`). */
  signal?: AbortSignal;
  bus?: EventBus;
  /** `$secrets` (e.g. from `loadSecrets`): redacted from events, resolved by performers from references. */
  secrets?: JsonObject;
  parsing?: { startedAt: number; completedAt: number };
  /** Whether `run` tasks may start processes (shell, script, container). Off unless the caller opts in (`cairn run` does). */
  allowProcesses?: boolean;
  /** Sub-workflows for `run: workflow`; children share this run's options and report to `onEvent`. */
  workflows?: WorkflowRegistry;
  /** How deep this execution is nested as a sub-workflow (set by the parent; 0 for a top-level run). */
  subWorkflowDepth?: number;
  /** The parent's task that started this execution (set for sub-workflows). */
  parent?: ParentTask;
  /** Suspends and resumes the execution between tasks (the service's suspend/resume). */
  suspension?: LocalSuspension;
  /**
   * Whether the result carries every progress event of the run (default true). Callers that read
   * them through `onEvent` turn it off: a long loop would otherwise hold millions of events.
   */
  retainEvents?: boolean;
  /** Egress, file and response-size limits for every effect (sub-workflows inherit them). */
  effectPolicy?: EffectPolicy;
  /** The caller's W3C trace context (a start request's `traceparent`): the execution's trace continues it. */
  traceparent?: string;
  /** Set by `runOnHost` when tracing is on: the execution's trace, which effects propagate. */
  trace?: TraceRoot;
  /** Where the caller stores the output (a service's execution URL): main's `outputUri`. Not inherited by sub-workflows. */
  outputUri?: string;
}

export interface ExecutionResult extends WorkflowResult {
  executionId: string;
  /** Every progress event of the run, unless `retainEvents` was false (then empty). */
  events: ProgressEvent[];
}

/** Data schema validation shared by every run in this process: each distinct schema compiles once. */
let sharedSchemas: SchemaValidator | undefined;

/** Runs a validated document in this process and collects its progress events. */
export async function runLocal(document: WorkflowDocument, input: Json, options: LocalRunOptions = {}): Promise<ExecutionResult> {
  const executionId = options.executionId ?? randomUUID();
  const events: ProgressEvent[] = [];
  const retain = options.retainEvents !== false;
  const bus = options.bus ?? new InProcessEventBus();
  const cancelled = new AbortController();
  const depth = options.subWorkflowDepth ?? 0;
  const runSubWorkflow = createSubWorkflowRunner(options.workflows, depth, cancelled.signal, (child, childInput, signal, task) => {
    const { executionId: _parentId, outputUri: _outputUri, parsing: _parsing, signal: _signal, suspension: _suspension, ...inherited } = options;
    return runLocal(child, childInput, { ...inherited, bus, signal, subWorkflowDepth: depth + 1, parent: parentTask(executionId, task) });
  });
  const host = createLocalHost({
    onEvent: (event) => {
      if (retain) events.push(event);
      options.onEvent?.(event);
    },
    bus,
    ...(options.endpointRewrites ? { endpointRewrites: options.endpointRewrites } : {}),
    ...(options.allowProcesses ? { allowProcesses: true } : {}),
    ...(options.secrets ? { secrets: new SecretStore(options.secrets) } : {}),
    runWorkflow: runSubWorkflow,
    ...(options.suspension ? { suspension: options.suspension } : {}),
    ...(options.effectPolicy ? { effectPolicy: options.effectPolicy } : {}),
    ...(options.trace ? { trace: { root: options.trace, executionId } } : {}),
  });
  const onAbort = () => {
    host.rootScope.cancel('execution cancelled');
    cancelled.abort();
  };
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const result = await runWorkflow(document, input, host, {
      executionId,
      engine: options.engine ?? (await loadDefaultEngine()),
      schemas: (sharedSchemas ??= createAjvSchemaValidator()),
      runtimeMetadata: { host: 'local' },
      ...(options.secrets ? { secrets: options.secrets } : {}),
      ...(options.parsing ? { parsing: options.parsing } : {}),
      ...(options.outputUri ? { outputUri: options.outputUri } : {}),
      ...(options.parent ? { parent: options.parent } : {}),
    });
    return { ...result, executionId, events };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}
