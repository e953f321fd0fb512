import type { Json } from '../../json.ts';
import type { CallTask, TaskDefinition } from '../../model.ts';
import { workflowError } from '../../errors.ts';
import { childPointer } from '../../pointer.ts';
import type { ExecutorResult, TaskContext } from '../types.ts';

/** A function calling itself (directly or through others) nests no deeper than this. */
const MAX_FUNCTION_NESTING = 32;

/**
 * A custom function call: `call` names a task in `use.functions`, or a catalog function
 * `name:version@catalog` that the loader resolved into `use.functions` under that same name
 * before the run. The function's task runs like any task (its own input/output schemas, timeout,
 * events), under `<call pointer>/<function name>`, with the call's evaluated `with` as its input.
 */
export async function runFunctionCall(task: CallTask, input: Json, context: TaskContext): Promise<ExecutorResult> {
  const { execution, variables, pointer, frame } = context;
  const functions = execution.document.use?.functions ?? {};
  const definition: TaskDefinition | undefined = Object.hasOwn(functions, task.call) ? functions[task.call] : undefined;
  if (definition === undefined) {
    const catalog = /^[^:@\s]+:[^:@\s]+@([^:@\s]+)$/.exec(task.call)?.[1];
    const detail = catalog === undefined
      ? `call '${task.call}' is neither a built-in call nor a function defined in use.functions`
      : `catalog function '${task.call}' was not resolved before the run (is catalog '${catalog}' declared in use.catalogs?)`;
    throw workflowError('configuration', detail, { instance: pointer });
  }
  const functionPointer = childPointer(pointer, task.call);
  const token = functionPointer.slice(pointer.length + 1);
  if (pointer.split('/').filter((segment) => segment === token).length >= MAX_FUNCTION_NESTING) {
    throw workflowError('configuration', `function '${task.call}' nests more than ${MAX_FUNCTION_NESTING} calls deep (recursive function?)`, { instance: pointer });
  }
  const functionInput = execution.evaluator.template(task.with ?? {}, input, variables, pointer);
  const result = await context.runTask(task.call, definition, functionPointer, functionInput, frame);
  return { output: result.output };
}
