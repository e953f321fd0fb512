import { CancelledFailure, TerminatedFailure } from '@temporalio/common';
import { WorkflowFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { workflowError, type ProblemDetails } from '../../core/errors.ts';
import type { ProgressEvent, ProgressSink } from '../../core/events.ts';
import type { Json, JsonObject } from '../../core/json.ts';
import type { WorkflowDocument } from '../../core/model.ts';
import { lastSeqOf, problemOf } from './failures.ts';
import {
  DEFAULT_TASK_QUEUE,
  progressQuery,
  WORKFLOW_TYPE,
  type ExecuteServerlessWorkflowInput,
  type ExecutionOptions,
  type ExecutionOutcome,
} from './messages.ts';
import { SEARCH_ATTRIBUTES } from './search-attributes.ts';

export interface StartExecutionOptions {
  executionId: string;
  taskQueue?: string;
  options?: ExecutionOptions;
  /** Only with a client whose payload codec encrypts (they would otherwise sit in history in clear). */
  secrets?: JsonObject;
}

/** Starts the generic workflow; the execution id is the Temporal workflow id. */
export function startExecution(client: Client, document: WorkflowDocument, input: Json, start: StartExecutionOptions): Promise<WorkflowHandle> {
  const args: ExecuteServerlessWorkflowInput = { document, input, executionId: start.executionId, options: start.options ?? {} };
  if (start.secrets) args.secrets = start.secrets;
  const header = document.document;
  return client.workflow.start(WORKFLOW_TYPE, {
    workflowId: start.executionId,
    taskQueue: start.taskQueue ?? DEFAULT_TASK_QUEUE,
    args: [args],
    staticSummary: `${header.namespace}/${header.name}@${header.version}`,
    typedSearchAttributes: [
      { key: SEARCH_ATTRIBUTES.executionId, value: start.executionId },
      { key: SEARCH_ATTRIBUTES.workflowNamespace, value: header.namespace },
      { key: SEARCH_ATTRIBUTES.workflowName, value: header.name },
      { key: SEARCH_ATTRIBUTES.workflowVersion, value: header.version },
      { key: SEARCH_ATTRIBUTES.status, value: 'running' },
    ],
  });
}

export interface FollowOptions {
  onEvent?: ProgressSink;
  /** Aborting it cancels the execution. */
  signal?: AbortSignal;
  pollIntervalMs?: number;
  /**
   * Events pushed by this process's worker (the `reportProgress` activity): then the query is
   * only used to fill a gap at the end, instead of polled. A query on a closed execution replays
   * it, which costs as much CPU as the whole run.
   */
  pushed?: ProgressCollector;
}

export interface FollowedExecution extends ExecutionOutcome {
  events: ProgressEvent[];
  lastSeq: number;
}

/**
 * Progress events in `seq` order, each once, from at-least-once batches: a repeated event is
 * dropped, and one after a gap waits for the gap to be filled (by a later batch or the query).
 */
export class ProgressCollector {
  readonly events: ProgressEvent[] = [];
  constructor(private readonly onEvent?: ProgressSink) {}

  get lastSeq(): number {
    return this.events.at(-1)?.seq ?? 0;
  }

  push(batch: readonly ProgressEvent[]): void {
    for (const event of batch) {
      if (event.seq !== this.lastSeq + 1) continue;
      this.events.push(event);
      this.onEvent?.(event);
    }
  }
}

/**
 * Follows an execution to its end: progress events (pushed, or through the progress query, which
 * costs no history and works with any worker) and the outcome from the workflow result.
 */
export async function followExecution(handle: WorkflowHandle, options: FollowOptions = {}): Promise<FollowedExecution> {
  const collector = options.pushed ?? new ProgressCollector(options.onEvent);
  const drain = async (untilSeq = Number.POSITIVE_INFINITY): Promise<void> => {
    while (collector.lastSeq < untilSeq) {
      const before = collector.lastSeq;
      const page = await handle.query(progressQuery, collector.lastSeq, 100_000);
      collector.push(page.events);
      // No progress: the run that continued the execution no longer holds the next events.
      if (collector.lastSeq === before || collector.lastSeq >= page.lastSeq) return;
    }
  };

  // Awaited before returning: the caller closes the connection next, and a cancel request still
  // retrying on a closed connection throws from a timer (an uncaught exception).
  let cancelling: Promise<unknown> | undefined;
  const onAbort = () => {
    cancelling = handle.cancel().catch(() => undefined);
  };
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let settled = false;
  const outcome = outcomeOf(handle).finally(() => {
    settled = true;
  });
  try {
    while (!settled && !options.pushed) {
      await drain().catch(() => undefined);
      await Promise.race([outcome.catch(() => undefined), delay(options.pollIntervalMs ?? 200)]);
    }
    const result = await outcome;
    await drain(result.lastSeq);
    return { ...result, events: collector.events, lastSeq: collector.lastSeq };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await cancelling;
  }
}

/** The workflow result as the local host reports it: faults and cancellations are outcomes, not throws. */
export async function outcomeOf(handle: WorkflowHandle): Promise<ExecutionOutcome> {
  try {
    return (await handle.result()) as ExecutionOutcome;
  } catch (error) {
    if (!(error instanceof WorkflowFailedError)) throw error;
    const lastSeq = lastSeqOf(error.cause);
    if (error.cause instanceof CancelledFailure) return { status: 'cancelled', lastSeq };
    const problem: ProblemDetails =
      problemOf(error.cause) ??
      workflowError('runtime', error.cause instanceof TerminatedFailure ? 'the Temporal execution was terminated' : `the Temporal execution failed: ${error.cause?.message ?? error.message}`, { instance: '/' }).problem;
    return { status: 'faulted', error: problem, lastSeq };
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
