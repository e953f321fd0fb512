import { CancelledFailure, TerminatedFailure } from '@temporalio/common';
import { WorkflowFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { workflowError, type ProblemDetails } from '../../core/errors.ts';
import type { ProgressEvent, ProgressSink } from '../../core/events.ts';
import type { Json, JsonObject } from '../../core/json.ts';
import type { WorkflowDocument } from '../../core/model.ts';
import { problemOf } from './failures.ts';
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
}

export interface FollowedExecution extends ExecutionOutcome {
  events: ProgressEvent[];
  lastSeq: number;
}

/**
 * Follows an execution to its end: progress events through the progress query (no history cost,
 * works with any worker), the outcome from the workflow result. Events arrive in `seq` order, once.
 */
export async function followExecution(handle: WorkflowHandle, options: FollowOptions = {}): Promise<FollowedExecution> {
  const events: ProgressEvent[] = [];
  let lastSeq = 0;
  const drain = async (): Promise<void> => {
    for (;;) {
      const page = await handle.query(progressQuery, lastSeq, 1_000);
      for (const event of page.events) {
        events.push(event);
        lastSeq = event.seq;
        options.onEvent?.(event);
      }
      if (page.events.length === 0 || lastSeq >= page.lastSeq) return;
    }
  };

  const onAbort = () => void handle.cancel().catch(() => undefined);
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let settled = false;
  const outcome = outcomeOf(handle).finally(() => { settled = true; });
  try {
    while (!settled) {
      await drain().catch(() => undefined);
      await Promise.race([outcome.catch(() => undefined), delay(options.pollIntervalMs ?? 200)]);
    }
    await drain();
    return { ...(await outcome), events, lastSeq };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/** The workflow result as the local host reports it: faults and cancellations are outcomes, not throws. */
export async function outcomeOf(handle: WorkflowHandle): Promise<ExecutionOutcome> {
  try {
    return (await handle.result()) as ExecutionOutcome;
  } catch (error) {
    if (!(error instanceof WorkflowFailedError)) throw error;
    if (error.cause instanceof CancelledFailure) return { status: 'cancelled' };
    const problem: ProblemDetails =
      problemOf(error.cause) ??
      workflowError('runtime', error.cause instanceof TerminatedFailure ? 'the Temporal execution was terminated' : `the Temporal execution failed: ${error.cause?.message ?? error.message}`, { instance: '/' }).problem;
    return { status: 'faulted', error: problem };
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
