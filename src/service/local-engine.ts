import type { EffectPolicy } from '../effects/effect-context.ts';
import type { EventBus } from '../bus/event-bus.ts';
import type { ExpressionEngine } from '../core/expr/engine.ts';
import type { JsonObject } from '../core/json.ts';
import type { WorkflowRegistry } from '../effects/run/workflow-registry.ts';
import { runOnHost } from '../hosts/index.ts';
import { executionOutputUri } from '../hosts/output-uri.ts';
import { LocalSuspension } from '../hosts/local/suspension.ts';
import type { EngineRun, ExecutionEngine } from './execution-engine.ts';

interface RunningExecution {
  abort: AbortController;
  suspension: LocalSuspension;
  done: Promise<void>;
}

export interface LocalEngineOptions {
  engine: ExpressionEngine;
  /** Where the service's accepted CloudEvents go, so `listen` tasks receive them. */
  bus: EventBus;
  /** Whether `run` tasks may start processes. Off by default: a service runs documents sent over the network. */
  allowProcesses?: boolean;
  /** The operator's secrets (`cairn serve --secret`): `$secrets` of every execution, redacted wherever they would leave. */
  secrets?: JsonObject;
  /** Where `run: workflow` finds its children (the service's registered workflows). */
  workflows?: WorkflowRegistry;
  /** Egress, file and response-size limits for every execution's effects. */
  effectPolicy?: EffectPolicy;
  /** The service's URL (known once it listens): each execution's output is at its execution URL. */
  serviceUrl?: () => string;
}

/** Runs executions in this process on the local host. They end with the process. */
export class LocalEngine implements ExecutionEngine {
  readonly name = 'local';
  private readonly running = new Map<string, RunningExecution>();

  constructor(private readonly options: LocalEngineOptions) {}

  start(run: EngineRun): void {
    const abort = new AbortController();
    const suspension = new LocalSuspension();
    const done = runOnHost('local', run.document, run.input, {
      executionId: run.executionId,
      engine: this.options.engine,
      bus: this.options.bus,
      onEvent: run.onEvent,
      signal: abort.signal,
      ...(run.traceparent ? { traceparent: run.traceparent } : {}),
      suspension,
      ...(this.options.allowProcesses ? { allowProcesses: true } : {}),
      ...(this.options.secrets ? { secrets: this.options.secrets } : {}),
      ...(this.options.workflows ? { workflows: this.options.workflows } : {}),
      ...(this.options.effectPolicy ? { effectPolicy: this.options.effectPolicy } : {}),
      ...(this.options.serviceUrl?.() ? { outputUri: executionOutputUri(this.options.serviceUrl(), run.executionId) } : {}),
    }).then(
      (result) => {
        run.onFinish({
          status: result.status,
          ...(result.output !== undefined ? { output: result.output } : {}),
          ...(result.error ? { error: JSON.parse(JSON.stringify(result.error)) as JsonObject } : {}),
          at: new Date().toISOString(),
        }, result.events);
      },
      (error: unknown) => {
        const detail = error instanceof Error ? error.message : String(error);
        run.onFinish({ status: 'faulted', error: { type: 'https://serverlessworkflow.io/spec/1.0.0/errors/runtime', status: 500, detail }, at: new Date().toISOString() });
      },
    );
    const entry = { abort, suspension, done: done.finally(() => this.running.delete(run.executionId)) };
    this.running.set(run.executionId, entry);
  }

  cancel(executionId: string): boolean {
    const entry = this.running.get(executionId);
    entry?.suspension.resume();
    entry?.abort.abort();
    return entry !== undefined;
  }

  suspend(executionId: string): boolean {
    this.running.get(executionId)?.suspension.suspend();
    return this.running.has(executionId);
  }

  resume(executionId: string): boolean {
    this.running.get(executionId)?.suspension.resume();
    return this.running.has(executionId);
  }

  async close(): Promise<void> {
    const entries = [...this.running.values()];
    for (const entry of entries) entry.abort.abort();
    await Promise.all(entries.map((entry) => entry.done));
  }
}
