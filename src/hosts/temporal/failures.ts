import { ActivityFailure, ApplicationFailure, CancelledFailure, TemporalFailure } from '@temporalio/common';
import {
  CancelledError,
  isCancelledError,
  isWorkflowError,
  problemToJson,
  workflowError,
  WorkflowError,
  type ProblemDetails,
} from '../../core/errors.ts';

/**
 * The one place where Cairn's `WorkflowError` and Temporal's `ApplicationFailure` meet, and where
 * `nonRetryable` is decided: a `WorkflowError` is the DSL's own error (an HTTP 404, a raised
 * error) whose retries belong to the workflow's `try`/`retry`, so Temporal never retries it;
 * anything else is an infrastructure failure (a crashed worker, a bug) that Temporal retries.
 */
export const WORKFLOW_ERROR_FAILURE = 'CairnWorkflowError';

/**
 * Activity and workflow side: a `WorkflowError` as a failure that crosses the Temporal boundary.
 * A faulted workflow adds its last progress `seq` as a second detail.
 */
export function workflowErrorToFailure(error: WorkflowError, lastSeq?: number): ApplicationFailure {
  return ApplicationFailure.create({
    type: WORKFLOW_ERROR_FAILURE,
    message: error.message,
    details: lastSeq === undefined ? [problemToJson(error.problem)] : [problemToJson(error.problem), lastSeq],
    nonRetryable: true,
  });
}

/** The last progress `seq` a faulted or cancelled workflow put in its failure's details. */
export function lastSeqOf(failure: unknown): number | undefined {
  const details = failure instanceof ApplicationFailure || failure instanceof CancelledFailure ? failure.details : undefined;
  const last = details?.at(-1);
  return typeof last === 'number' ? last : undefined;
}

/** Activity side: what an effect's rejection becomes when the activity throws it. */
export function toActivityError(error: unknown): unknown {
  if (isWorkflowError(error)) return workflowErrorToFailure(error);
  if (isCancelledError(error)) return new CancelledFailure(error.message);
  return error;
}

/** The `ProblemDetails` a failure carries, when it came from a `WorkflowError`. */
export function problemOf(failure: unknown): ProblemDetails | undefined {
  for (let current: unknown = failure; current instanceof Error; current = (current as Error).cause) {
    if (current instanceof ApplicationFailure && current.type === WORKFLOW_ERROR_FAILURE) {
      return current.details?.[0] as ProblemDetails | undefined;
    }
  }
  return undefined;
}

/**
 * Workflow side: an activity's rejection back into what `Host.perform` promises — `CancelledError`
 * when its scope was cancelled, the original `WorkflowError`, or a runtime error naming the
 * infrastructure failure once Temporal's retries are exhausted.
 */
export function fromActivityFailure(failure: unknown, summary: string): WorkflowError | CancelledError {
  if (isCancellation(failure)) return new CancelledError(`${summary}: cancelled`);
  const problem = problemOf(failure);
  if (problem) return new WorkflowError(problem);
  const cause = failure instanceof ActivityFailure && failure.cause ? failure.cause : failure;
  const message = cause instanceof Error ? cause.message : String(cause);
  return workflowError('runtime', `effect of ${summary} failed: ${message}`);
}

/** True for a cancellation, directly or as the cause of an activity or child failure. */
export function isCancellation(error: unknown): boolean {
  if (error instanceof CancelledFailure || isCancelledError(error)) return true;
  return (error instanceof ActivityFailure || error instanceof TemporalFailure) && error.cause instanceof CancelledFailure;
}
