import type { EventBus } from '../bus/event-bus.ts';
import type { EffectPolicy } from '../effects/effect-context.ts';
import type { WorkflowRegistry } from '../effects/run/workflow-registry.ts';
import { executionOutputUri } from '../hosts/output-uri.ts';
import { problemToJson } from '../core/errors.ts';
import type { JsonObject } from '../core/json.ts';
import type { ExecutionLimits } from '../hosts/local/execution-limits.ts';
import { ExecutionWorkerPool, type IsolatedExecution, type IsolatedRunOptions } from '../hosts/local/isolated-run.ts';
import { runOnHost } from '../hosts/index.ts';
import { LocalSuspension } from '../hosts/local/suspension.ts';
import type { Json } from '../core/json.ts';
import type { WorkflowDocument } from '../core/model.ts';
import type { EngineRun, ExecutionEngine } from './execution-engine.ts';

export interface LocalEngineOptions {
  /** Where the service's accepted CloudEvents go, so `listen` tasks receive them. */
  bus: EventBus;
  /** Whether `run` tasks may start processes. Off by default: a service runs documents sent over the network. */
  allowProcesses?: boolean;
  /** The operator's secrets (`cairn serve --secret`): `$secrets` of every execution, redacted wherever they would leave. */
  secrets?: JsonObject;
  /** Where `run: workflow` finds its children (the service's registered workflows); threads ask for them here. */
  workflows?: WorkflowRegistry;
  /** Egress, file and response-size limits for every execution's effects, in a thread or not. */
  effectPolicy?: EffectPolicy;
  /** The service's URL (known once it listens): each execution's output is at its execution URL. */
  serviceUrl?: () => string;
  /** What each execution may use (memory, time, tasks, events); exceeding one ends it faulted. */
  limits?: ExecutionLimits;
  /**
   * Runs executions on the service's own event loop instead of worker threads: no isolation and no
   * limits, but no thread to load per start (tests of the API that start many short services).
   */
  inProcess?: boolean;
}

/**
 * Runs executions on the local host, each in a worker thread of this process, off the service's
 * event loop: a runaway or oversized execution is stopped at its limits while the service, its
 * streams and the other executions go on. They end with the process.
 */
export class LocalEngine implements ExecutionEngine {
  readonly name = 'local';
  private readonly running = new Map<string, IsolatedExecution>();
  private readonly pool: ExecutionWorkerPool | undefined;

  constructor(private readonly options: LocalEngineOptions) {
    if (!options.inProcess) this.pool = new ExecutionWorkerPool(options.limits?.maxMemoryMb, 1);
  }

  start(run: EngineRun): void {
    const execution = (this.pool ? this.pool.start.bind(this.pool) : runInProcess)(run.document, run.input, {
      executionId: run.executionId,
      bus: this.options.bus,
      onEvent: run.onEvent,
      ...(run.traceparent ? { traceparent: run.traceparent } : {}),
      ...(this.options.limits ? { limits: this.options.limits } : {}),
      ...(this.options.allowProcesses ? { allowProcesses: true } : {}),
      ...(this.options.secrets ? { secrets: this.options.secrets } : {}),
      ...(this.options.workflows ? { workflows: this.options.workflows } : {}),
      ...(this.options.effectPolicy ? { effectPolicy: this.options.effectPolicy } : {}),
      ...(this.options.serviceUrl?.() ? { outputUri: executionOutputUri(this.options.serviceUrl(), run.executionId) } : {}),
    });
    this.running.set(run.executionId, execution);
    void execution.done.then((result) => {
      this.running.delete(run.executionId);
      run.onFinish({
        status: result.status,
        ...(result.output !== undefined ? { output: result.output } : {}),
        ...(result.error ? { error: problemToJson(result.error) } : {}),
        at: new Date().toISOString(),
      });
    });
  }

  cancel(executionId: string): boolean {
    this.running.get(executionId)?.cancel();
    return this.running.has(executionId);
  }

  suspend(executionId: string): boolean {
    this.running.get(executionId)?.suspend();
    return this.running.has(executionId);
  }

  resume(executionId: string): boolean {
    this.running.get(executionId)?.resume();
    return this.running.has(executionId);
  }

  async close(): Promise<void> {
    const executions = [...this.running.values()];
    for (const execution of executions) execution.cancel();
    await Promise.all(executions.map((execution) => execution.done));
    await this.pool?.close();
  }
}

/** An execution on this event loop, controlled like an isolated one (limits are not enforced). */
function runInProcess(document: WorkflowDocument, input: Json, options: IsolatedRunOptions): IsolatedExecution {
  const abort = new AbortController();
  const suspension = new LocalSuspension();
  const { limits: _limits, ...runOptions } = options;
  const done = runOnHost('local', document, input, { ...runOptions, retainEvents: false, signal: abort.signal, suspension }).then(
    ({ events: _events, ...result }) => result,
    (error: unknown) => ({
      executionId: options.executionId ?? '',
      lastSeq: 0,
      status: 'faulted' as const,
      error: { type: 'https://serverlessworkflow.io/spec/1.0.0/errors/runtime', status: 500, detail: error instanceof Error ? error.message : String(error) },
    }),
  );
  return {
    done,
    cancel: () => {
      suspension.resume();
      abort.abort();
    },
    suspend: () => suspension.suspend(),
    resume: () => suspension.resume(),
  };
}
