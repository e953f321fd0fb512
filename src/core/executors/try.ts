import type { Json } from '../json.ts';
import type { CatchSpec, RetryPolicy } from '../model.ts';
import { childPointer } from '../pointer.ts';
import { EVENT_TYPES } from '../events.ts';
import { errorTypeName, isWorkflowError, problemToJson, workflowError, type ProblemDetails } from '../errors.ts';
import { withDeadline } from '../cancellation.ts';
import { resolveDuration } from '../resolve-duration.ts';
import { mayRetry, retryDelayMs, type RetryEnvironment } from '../retry.ts';
import { taskInstance, type Frame } from '../execution.ts';
import type { Executor, ListOutcome, TaskContext } from './types.ts';

/**
 * `try`: runs the `try` tasks; an error that passes the catch filter (`errors.with`, `when`,
 * `exceptWhen`) is retried per the retry policy (delay, backoff, jitter, limits) or handled by
 * `catch.do`, with the error bound to `catch.as` (default `error`), then flows to `catch.then` if
 * set. Other errors propagate. `when`/`exceptWhen` read the task input as `.` and the error as
 * `$error`; an exhausted retry policy handles the error (docs/semantics.md).
 */
export const runTry: Executor<'try'> = async (task, input, context) => {
  const { execution, pointer, frame, variables } = context;
  const caught = task.catch;
  const errorName = caught.as ?? 'error';
  const policy = retryPolicyOf(caught, context);
  const startedAt = execution.host.now();
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await runAttempt(task.try, input, context, { ...frame, attempt: frame.attempt + attempt }, policy);
    } catch (error) {
      if (!isWorkflowError(error)) throw error;
      const errorVariables = { ...variables, [errorName]: problemToJson(error.problem) as Json };
      if (!catches(caught, error.problem, input, errorVariables, context)) throw error;
      if (policy) {
        const env: RetryEnvironment = { evaluator: execution.evaluator, input, variables: errorVariables, pointer, random: () => execution.host.random() };
        const delay = retryDelayMs(policy, attempt, env);
        if (mayRetry(policy, attempt + 1, execution.host.now() - startedAt, delay, env)) {
          execution.progress.emit(
            EVENT_TYPES.taskRetried,
            { workflow: execution.instanceName, task: pointer, retriedAt: new Date(execution.host.now()).toISOString(), retryDelayMs: delay, error: problemToJson(error.problem) },
            taskInstance(pointer, { ...frame, attempt: frame.attempt + attempt + 1 }),
          );
          await execution.host.sleep(delay, frame.scope);
          continue;
        }
      }
      const then = caught.then === undefined ? {} : { then: caught.then };
      if (!caught.do) return { output: input, ...then };
      const handlerFrame: Frame = { ...frame, variables: { ...frame.variables, [errorName]: problemToJson(error.problem) } };
      const handled = await context.runList(caught.do, childPointer(pointer, 'catch', 'do'), input, handlerFrame);
      return handled.ended ? handled : { ...handled, ...then };
    }
  }
};

/** One attempt of the `try` list, bounded by `limit.attempt.duration` when the policy sets it. */
function runAttempt(list: Parameters<TaskContext['runList']>[0], input: Json, context: TaskContext, frame: Frame, policy: RetryPolicy | undefined): Promise<ListOutcome> {
  const listPointer = childPointer(context.pointer, 'try');
  const limit = policy?.limit?.attempt?.duration;
  if (limit === undefined) return context.runList(list, listPointer, input, frame);
  const { execution, variables, pointer } = context;
  const ms = resolveDuration(limit, execution.evaluator, input, variables, pointer);
  return withDeadline(execution.host, frame.scope, ms, (scope) => context.runList(list, listPointer, input, { ...frame, scope }), () =>
    workflowError('timeout', `attempt ${frame.attempt + 1} exceeded its duration limit`, { instance: pointer }));
}

function retryPolicyOf(caught: CatchSpec, { execution, pointer }: TaskContext): RetryPolicy | undefined {
  if (caught.retry === undefined) return undefined;
  if (typeof caught.retry !== 'string') return caught.retry;
  const named = execution.document.use?.retries?.[caught.retry];
  if (!named) throw workflowError('configuration', `retry policy '${caught.retry}' is not defined in use.retries`, { instance: pointer });
  return named;
}

function catches(caught: CatchSpec, problem: ProblemDetails, input: Json, variables: Record<string, unknown>, { execution, pointer }: TaskContext): boolean {
  const filter = caught.errors?.with ?? {};
  for (const [field, expected] of Object.entries(filter)) {
    if (expected === undefined || expected === null) continue;
    // v1.0.3's schema names the filter `details`; errors are RFC 7807 problems, whose field is `detail`.
    const actual = field === 'details' ? (problem.detail ?? problem['details']) : problem[field];
    if (field === 'type') {
      if (actual !== expected && errorTypeName(String(actual)) !== errorTypeName(String(expected))) return false;
    } else if (String(actual) !== String(expected)) {
      return false;
    }
  }
  const vars = variables as Parameters<typeof execution.evaluator.condition>[2];
  if (caught.when !== undefined && !execution.evaluator.condition(caught.when, input, vars, pointer)) return false;
  if (caught.exceptWhen !== undefined && execution.evaluator.condition(caught.exceptWhen, input, vars, pointer)) return false;
  return true;
}
