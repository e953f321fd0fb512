import { executionTraceparent, parseTraceparent, traceRoot } from '../core/trace-context.ts';
import { tracingConfigured } from '../observability/otel-env.ts';
import { Client, Connection, WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import type { EventBus } from '../bus/event-bus.ts';
import type { ProgressEvent } from '../core/events.ts';
import type { JsonObject } from '../core/json.ts';
import { outcomeOf, startExecution } from '../hosts/temporal/client.ts';
import { CODEC_KEY_ENV, payloadCodecs } from '../hosts/temporal/encryption-codec.ts';
import { registerSearchAttributes } from '../hosts/temporal/register-search-attributes.ts';
import { DEFAULT_TASK_QUEUE, eventSignal, progressQuery, resumeSignal, suspendSignal } from '../hosts/temporal/messages.ts';
import type { EngineRun, ExecutionEngine } from './execution-engine.ts';

export interface TemporalEngineOptions {
  client: Client;
  taskQueue?: string;
  /** Accepted CloudEvents, forwarded to every followed execution by the `cairn.event` signal. */
  bus: EventBus;
  /** The service's own base URL, given to workers in each execution's input (known once it listens). */
  serviceUrl: () => string;
  /** Highest sequence number the store holds without a gap, to fetch only what is missing. */
  storedLastSeq: (executionId: string) => Promise<number>;
  /** Attempts per progress batch on the worker (default 3). */
  reportAttempts?: number;
  /** History length at which an execution continues as new (the workflow's default otherwise). */
  continueAsNewAfterHistoryEvents?: number;
  /** `execution`: the id of the execution the line is about, as a field of the record (the message names it too). */
  log: (message: string, error?: unknown, execution?: { executionId: string }) => void;
  /** Runs once the engine stopped following (closes the connection the engine was given). */
  onClose?: () => Promise<void>;
}

interface FollowedRun {
  run: EngineRun;
  handle: WorkflowHandle;
  /** The backfill in flight, and whether another was asked for meanwhile. */
  filling?: Promise<void>;
  fillAgain: boolean;
}

const QUERY_PAGE = 10_000;

/**
 * Runs the service's executions on Temporal as the generic workflow. Workers report progress
 * straight to the service (ReportProgress with the execution's report token); this engine
 * follows each execution to its end, and fills gaps in the store from the workflow's progress
 * query. Executions outlive the service: closing it stops following, it cancels nothing.
 */
export class TemporalEngine implements ExecutionEngine {
  readonly name = 'temporal';
  readonly runsElsewhere = true;
  private readonly runs = new Map<string, FollowedRun>();
  private readonly unsubscribe: () => void;
  private closed = false;

  constructor(private readonly options: TemporalEngineOptions) {
    this.unsubscribe = options.bus.subscribe((event) => this.deliver(event));
  }

  start(run: EngineRun): void {
    const started = this.traced(run.executionId, run.traceparent, () => startExecution(this.options.client, run.document, run.input, {
      executionId: run.executionId,
      taskQueue: this.options.taskQueue ?? DEFAULT_TASK_QUEUE,
      options: {
        report: { url: this.options.serviceUrl(), token: run.reportToken, attempts: this.options.reportAttempts ?? 3 },
        ...(this.options.continueAsNewAfterHistoryEvents ? { continueAsNew: { historyEvents: this.options.continueAsNewAfterHistoryEvents } } : {}),
        // Workers then send each effect's traceparent (and trace it when their own OTEL_* ask).
        ...(tracingConfigured() ? { trace: traceRoot(run.executionId, run.traceparent) } : {}),
      },
    }));
    started.then(
      (handle) => this.follow(run, handle),
      (error: unknown) => {
        this.options.log(`starting execution ${run.executionId} on Temporal failed`, error, { executionId: run.executionId });
        run.onFinish({ status: 'faulted', error: runtimeError(`Temporal refused the execution: ${(error as Error).message}`), at: new Date().toISOString() });
      },
    );
  }

  /** Follows an execution a previous service process started (it kept running on Temporal). */
  reattach(run: EngineRun): void {
    this.follow(run, this.options.client.workflow.getHandle(run.executionId));
  }

  cancel(executionId: string): boolean {
    return this.control(executionId, (handle) => handle.cancel().then(() => undefined));
  }

  suspend(executionId: string): boolean {
    return this.control(executionId, (handle) => handle.signal(suspendSignal));
  }

  resume(executionId: string): boolean {
    return this.control(executionId, (handle) => handle.signal(resumeSignal));
  }

  /** The store misses events of this execution: fetch them from the workflow (one fill at a time per execution). */
  fillGaps(executionId: string): void {
    const followed = this.runs.get(executionId);
    if (followed) void this.fill(followed);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe();
    await Promise.allSettled([...this.runs.values()].map((followed) => followed.filling));
    this.runs.clear();
    await this.options.onClose?.();
  }

  private follow(run: EngineRun, handle: WorkflowHandle): void {
    const followed: FollowedRun = { run, handle, fillAgain: false };
    this.runs.set(run.executionId, followed);
    void outcomeOf(handle)
      .then(async (outcome) => {
        if (this.closed) return;
        // The run's last batches may have been dropped (the service was away): take them from the query.
        const stored = await this.options.storedLastSeq(run.executionId);
        const missing = outcome.lastSeq !== undefined && outcome.lastSeq > stored ? await this.eventsAfter(handle, stored, outcome.lastSeq) : undefined;
        this.runs.delete(run.executionId);
        run.onFinish(
          {
            status: outcome.status,
            ...(outcome.output !== undefined ? { output: outcome.output } : {}),
            ...(outcome.error ? { error: JSON.parse(JSON.stringify(outcome.error)) as JsonObject } : {}),
            at: new Date().toISOString(),
          },
          missing,
        );
      })
      .catch((error: unknown) => {
        this.runs.delete(run.executionId);
        if (this.closed) return;
        this.options.log(`following execution ${run.executionId} on Temporal failed`, error, { executionId: run.executionId });
        // Reattached to a server that does not know it: it will never end by itself.
        if (error instanceof WorkflowNotFoundError) {
          run.onFinish({ status: 'faulted', error: runtimeError('the Temporal execution does not exist (any more) on this Temporal server'), at: new Date().toISOString() });
        }
      });
  }

  private async fill(followed: FollowedRun): Promise<void> {
    if (followed.filling) {
      followed.fillAgain = true;
      return followed.filling;
    }
    followed.filling = (async () => {
      do {
        followed.fillAgain = false;
        const stored = await this.options.storedLastSeq(followed.run.executionId);
        for (const event of await this.eventsAfter(followed.handle, stored)) followed.run.onEvent(event);
      } while (followed.fillAgain && !this.closed);
    })()
      .catch((error: unknown) => this.options.log(`backfilling execution ${followed.run.executionId} from Temporal failed`, error, { executionId: followed.run.executionId }))
      .finally(() => {
        followed.filling = undefined;
      });
    return followed.filling;
  }

  /** The workflow's events after `afterSeq` (through `untilSeq` when given), page by page. */
  private async eventsAfter(handle: WorkflowHandle, afterSeq: number, untilSeq = Number.POSITIVE_INFINITY): Promise<ProgressEvent[]> {
    const events: ProgressEvent[] = [];
    let position = afterSeq;
    while (position < untilSeq) {
      const page = await handle.query(progressQuery, position, QUERY_PAGE);
      const last = page.events.at(-1);
      if (!last) break;
      events.push(...page.events);
      position = last.seq;
      if (position >= page.lastSeq) break;
    }
    return events;
  }

  /** Any execution of this engine, followed here or by another service instance: Temporal routes the request. */
  private control(executionId: string, action: (handle: WorkflowHandle) => Promise<void>): boolean {
    if (this.closed) return false;
    const followed = this.runs.get(executionId);
    const handle = followed?.handle ?? this.options.client.workflow.getHandle(executionId);
    this.traced(executionId, followed?.run.traceparent, () => action(handle)).catch((error: unknown) => this.options.log(`controlling execution ${executionId} on Temporal failed`, error, { executionId }));
    return true;
  }

  /**
   * Runs a client call below the execution's span (or `parent`) when tracing is on: Temporal's
   * client interceptors then trace the start, cancel or signal in the execution's trace.
   */
  private async traced<T>(executionId: string, traceparent: string | undefined, call: () => Promise<T>, parent?: string): Promise<T> {
    if (!tracingConfigured()) return call();
    const { underSpan } = await import('../observability/temporal-tracing.ts');
    return underSpan(parent ?? executionTraceparent(traceRoot(executionId, traceparent), executionId), call);
  }

  private deliver(event: JsonObject): void {
    // The signal goes below the span that produced the event when it names one, else below the execution's.
    const producer = typeof event.traceparent === 'string' && parseTraceparent(event.traceparent) ? event.traceparent : undefined;
    for (const { handle, run } of this.runs.values()) {
      this.traced(run.executionId, run.traceparent, () => handle.signal(eventSignal, event), producer).catch((error: unknown) => this.options.log(`delivering a CloudEvent to execution ${run.executionId} failed`, error, { executionId: run.executionId }));
    }
  }
}

function runtimeError(detail: string): JsonObject {
  return { type: 'https://serverlessworkflow.io/spec/1.0.0/errors/runtime', status: 503, detail };
}

export interface TemporalEngineConnection extends Omit<TemporalEngineOptions, 'client' | 'onClose'> {
  /** `HOST:PORT` of the Temporal frontend. */
  address: string;
  namespace?: string;
  /** Base64 AES-256 payload codec key (default `CAIRN_TEMPORAL_CODEC_KEY`): encrypts inputs, report tokens included, in history. */
  codecKey?: string;
}

/** Connects to Temporal (registering Cairn's search attributes, which starts need) and returns the engine; throws when unreachable. */
export async function connectTemporalEngine(options: TemporalEngineConnection): Promise<TemporalEngine> {
  const namespace = options.namespace ?? 'default';
  const connection = await Connection.connect({ address: options.address });
  try {
    await registerSearchAttributes(connection.operatorService, namespace);
  } catch (error) {
    await connection.close();
    throw error;
  }
  const interceptors = tracingConfigured() ? await (await import('../observability/temporal-tracing.ts')).clientInterceptors() : undefined;
  const client = new Client({ connection, namespace, dataConverter: { payloadCodecs: payloadCodecs(options.codecKey ?? process.env[CODEC_KEY_ENV]) }, ...(interceptors ? { interceptors } : {}) });
  return new TemporalEngine({ ...options, client, onClose: () => connection.close() });
}
