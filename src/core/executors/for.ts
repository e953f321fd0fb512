import type { Json } from '../json.ts';
import { isJsonObject } from '../json.ts';
import { childPointer } from '../pointer.ts';
import { workflowError } from '../errors.ts';
import { isContinuationSignal } from '../continuation.ts';
import { EVENT_TYPES } from '../events.ts';
import { taskInstance } from '../execution.ts';
import type { Executor } from './types.ts';

/**
 * `for`: runs `do` once per item of `for.in`, with the item and its index bound to `each`
 * (default `item`) and `at` (default `index`). Each iteration's output feeds the next; `while`
 * is checked before each iteration. An object is enumerated by its values. A loop resumed in a
 * new run goes on in the iteration it paused in, over the items evaluated when it started.
 */
export const runFor: Executor<'for'> = async (task, input, context) => {
  const { execution, variables, pointer, frame } = context;
  const resumed = execution.resume.take('for', pointer);
  const collection = typeof task.for.in === 'string' ? execution.evaluator.value(task.for.in, input, variables, pointer) : execution.evaluator.template(task.for.in, input, variables, pointer);
  const items = resumed ? resumed.items : enumerable(collection, pointer);
  const itemName = task.for.each ?? 'item';
  const indexName = task.for.at ?? 'index';
  const bodyPointer = childPointer(pointer, 'do');
  // The item count lets views show progress ("41/50") while the loop runs.
  if (!resumed) execution.progress.emit(EVENT_TYPES.taskState, { workflow: execution.instanceName, task: pointer, items: items.length }, taskInstance(pointer, frame));
  let data = input;
  for (let index = resumed ? resumed.index : 0; index < items.length; index += 1) {
    const loopVariables = { [itemName]: items[index]!, [indexName]: index };
    const resuming = resumed !== undefined && index === resumed.index;
    // The paused iteration's `while` passed before the pause; its body list holds the data since.
    if (!resuming && task.while !== undefined && !execution.evaluator.condition(task.while, data, { ...variables, ...loopVariables }, pointer)) break;
    let outcome;
    try {
      outcome = await context.runList(task.do, bodyPointer, data, {
        ...frame,
        iteration: [...frame.iteration, index],
        variables: { ...frame.variables, ...loopVariables },
      });
    } catch (error) {
      throw isContinuationSignal(error) ? error.enclosedBy({ kind: 'for', pointer, index, items }) : error;
    }
    data = outcome.output;
    if (outcome.ended) return { output: data, ended: true };
  }
  return { output: data };
};

function enumerable(collection: Json, pointer: string): Json[] {
  if (collection === null) return [];
  if (Array.isArray(collection)) return collection;
  if (isJsonObject(collection)) return Object.values(collection);
  throw workflowError('expression', `for.in must evaluate to an array, got ${typeof collection}`, { instance: pointer });
}
