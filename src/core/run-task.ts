import type { Json } from './json.ts';
import type { TaskDefinition, TaskKind, TimeoutSpec } from './model.ts';
import { baseVariables, taskInstance, timestampDescriptor, type Execution, type Frame } from './execution.ts';
import type { ExecutorResult, TaskContext } from './executors/types.ts';
import { executors } from './executors/index.ts';
import { taskKindOf } from './task-kind.ts';
import { EVENT_TYPES } from './events.ts';
import { inMainErrorDomain, isCancelledError, isWorkflowError, problemToJson, workflowError, type WorkflowError } from './errors.ts';
import { dslLine } from './dsl-version.ts';
import { throwIfCancelled, withDeadline } from './cancellation.ts';
import { resolveDuration } from './resolve-duration.ts';
import { validateWithSchema } from './validate-data.ts';
import { runTaskList } from './run-task-list.ts';
import { msToIsoDuration } from './duration.ts';
import { ContinuationSignal, isContinuationSignal } from './continuation.ts';
import { extendedTaskVariable, runWithExtensions } from './extensions.ts';
import type { JsonObject } from './json.ts';
import { isoTime } from './iso-time.ts';

/** Kinds whose body can pause and resume in a new run (see continuation.ts). */
const RESUMABLE_KINDS: ReadonlySet<TaskKind> = new Set(['do', 'for']);

/**
 * The lifecycle of one task instance, the same for every kind:
 * `if` → input schema → `input.from` → executor (under its timeout) → `output.as` → output schema
 * → `export.as` → export schema. Emits created/started then completed, faulted, cancelled or
 * skipped exactly once. Executors return raw output only.
 */
export async function runTask(
  execution: Execution,
  name: string,
  task: TaskDefinition,
  pointer: string,
  rawInput: Json,
  frame: Frame,
): Promise<ExecutorResult> {
  throwIfCancelled(frame.scope);
  const { evaluator, progress, host } = execution;
  // A task whose body paused in a previous run goes on from its recorded start.
  const resumed = execution.resume.take('task', pointer);
  if (!resumed) {
    // Awaited only when the host holds the task: an await per task is the loop's largest cost.
    const holding = host.checkpoint?.(frame.scope, (change) => reportSuspension(execution, change));
    if (holding) await holding;
    if (frame.resumable && execution.shouldContinue?.()) throw new ContinuationSignal();
  }
  const instance = taskInstance(pointer, frame);
  const workflow = execution.instanceName;
  const startedAt = resumed ? resumed.startedAt : host.now();
  const descriptor = (input: Json, output?: Json): Json => ({
    name,
    reference: pointer,
    definition: task as unknown as Json,
    input,
    ...(output === undefined ? {} : { output }),
    startedAt: timestampDescriptor(startedAt),
  });
  // Tasks of an extension's lists see the task they extend as `$task`.
  const taskVariable = (output?: Json) => () => frame.extendedTask ?? descriptor(rawInput, output);
  const variables = { ...baseVariables(execution, frame), input: rawInput, task: taskVariable() };

  try {
    if (!resumed && task.if !== undefined && !evaluator.condition(task.if, rawInput, variables, pointer)) {
      progress.emit(EVENT_TYPES.taskSkipped, { workflow, task: pointer, skippedAt: isoTime(host.now()) }, instance);
      // A task that did not run does not direct the flow: its own `then` is ignored.
      return { output: rawInput, then: 'continue' };
    }
  } catch (error) {
    throw fault(execution, error, pointer, instance);
  }

  if (!resumed) {
    progress.emit(EVENT_TYPES.taskCreated, { workflow, task: pointer, createdAt: isoTime(startedAt) }, instance);
    progress.emit(EVENT_TYPES.taskStarted, { workflow, task: pointer, startedAt: isoTime(startedAt) }, instance);
  }
  let input = rawInput;
  try {
    if (resumed) input = resumed.input;
    else {
      validateWithSchema(execution, task.input?.schema, rawInput, 'input', pointer);
      if (task.input?.from !== undefined) input = evaluator.transform(task.input.from, rawInput, variables, pointer);
    }
    const inputVariables = input === rawInput ? variables : { ...variables, input };

    const kind = taskKindOf(task);
    if (!kind) throw workflowError('configuration', `task '${name}' has no known kind`, { instance: pointer });
    const timeoutMs = taskTimeoutMs(execution, task.timeout, input, inputVariables, pointer);
    const resumable = frame.resumable && timeoutMs === undefined && RESUMABLE_KINDS.has(kind);
    const execute = (scope: typeof frame.scope) => {
      const context: TaskContext = {
        execution,
        name,
        pointer,
        frame: scope === frame.scope && resumable === frame.resumable ? frame : { ...frame, scope, resumable },
        variables: inputVariables,
        runList: (list, listPointer, listInput, listFrame) => runTaskList(execution, list, listPointer, listInput, listFrame),
        runTask: (childName, child, childPointer, childInput, childFrame) => runTask(execution, childName, child, childPointer, childInput, childFrame),
      };
      // Without extensions that could apply, the executor runs directly: no wrapper's promises per task.
      if (!execution.legacyTaskPromises && (execution.document.use?.extensions === undefined || frame.extendedTask !== undefined)) {
        return runExecutor(kind, task, input, context);
      }
      const extended = () => extendedTaskVariable(descriptor(rawInput), task as unknown as JsonObject);
      return runWithExtensions(kind, input, context, extended, () => runExecutor(kind, task, input, context));
    };
    const result = timeoutMs === undefined
      ? await execute(frame.scope)
      : await withDeadline(host, frame.scope, timeoutMs, execute, () =>
          workflowError('timeout', `task '${name}' timed out after ${msToIsoDuration(timeoutMs)}`, { instance: pointer }));

    const outputVariables = () => ({ ...inputVariables, ...result.variables, task: taskVariable(result.output) });
    const output = task.output?.as !== undefined ? evaluator.transform(task.output.as, result.output, outputVariables(), pointer) : result.output;
    validateWithSchema(execution, task.output?.schema, output, 'output', pointer);
    if (task.export?.as !== undefined) {
      const context = evaluator.transform(task.export.as, output, { ...outputVariables(), output }, pointer);
      validateWithSchema(execution, task.export.schema, context, 'export', pointer);
      execution.context = context;
    }
    const consumedEvents = result.consumedEvents ? { consumedEvents: result.consumedEvents } : {};
    progress.emit(EVENT_TYPES.taskState, { workflow, task: pointer, input, output, ...consumedEvents }, instance);
    progress.emit(EVENT_TYPES.taskCompleted, { workflow, task: pointer, completedAt: isoTime(host.now()) }, instance);
    return { output, then: result.ended ? 'end' : (result.then ?? task.then ?? 'continue'), ended: result.ended ?? false };
  } catch (error) {
    if (isContinuationSignal(error)) throw error.enclosedBy({ kind: 'task', pointer, rawInput, input, startedAt });
    throw fault(execution, error, pointer, instance);
  }
}

function runExecutor(kind: TaskKind, task: TaskDefinition, input: Json, context: TaskContext): Promise<ExecutorResult> {
  const executor = executors[kind] as (task: TaskDefinition, input: Json, context: TaskContext) => Promise<ExecutorResult>;
  return executor(task, input, context);
}

function taskTimeoutMs(execution: Execution, timeout: TimeoutSpec | string | undefined, input: Json, variables: Parameters<typeof resolveDuration>[3], pointer: string): number | undefined {
  if (timeout === undefined) return undefined;
  const spec = typeof timeout === 'string' ? execution.document.use?.timeouts?.[timeout] : timeout;
  if (!spec) throw workflowError('configuration', `timeout '${String(timeout)}' is not defined in use.timeouts`, { instance: pointer });
  return resolveDuration(spec.after, execution.evaluator, input, variables, pointer);
}

/** Reports how the task ended and returns the error to rethrow (with `instance` set). */
function fault(execution: Execution, error: unknown, pointer: string, instance: ReturnType<typeof taskInstance>): Error {
  const { progress, host } = execution;
  const workflow = execution.instanceName;
  if (isCancelledError(error)) {
    progress.emit(EVENT_TYPES.taskCancelled, { workflow, task: pointer, cancelledAt: isoTime(host.now()) }, instance);
    return error;
  }
  const located: WorkflowError = isWorkflowError(error)
    ? error.withInstance(pointer)
    : workflowError('runtime', `unexpected failure: ${(error as Error)?.message ?? String(error)}`, { instance: pointer });
  const workflowFault = inDocumentErrorDomain(execution, located);
  progress.emit(EVENT_TYPES.taskFaulted, { workflow, task: pointer, faultedAt: isoTime(host.now()), error: problemToJson(workflowFault.problem) }, instance);
  return workflowFault;
}

/** Standard errors Cairn raises carry main's type domain in documents that opt into main. */
export function inDocumentErrorDomain(execution: Execution, error: WorkflowError): WorkflowError {
  return dslLine(execution.document.document.dsl) === 'main' ? inMainErrorDomain(error) : error;
}

function reportSuspension(execution: Execution, change: 'suspended' | 'resumed'): void {
  const at = isoTime(execution.host.now());
  const name = execution.instanceName;
  if (change === 'suspended') execution.progress.emit(EVENT_TYPES.workflowSuspended, { name, suspendedAt: at });
  else execution.progress.emit(EVENT_TYPES.workflowResumed, { name, resumedAt: at });
  execution.progress.emit(EVENT_TYPES.workflowStatusChanged, { name, status: change === 'suspended' ? 'suspended' : 'running', updatedAt: at });
}

