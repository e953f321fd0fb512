import type { Json } from '../json.ts';
import { isJsonObject } from '../json.ts';
import { childPointer } from '../pointer.ts';
import { workflowError } from '../errors.ts';
import type { Executor } from './types.ts';

/**
 * `for`: runs `do` once per item of `for.in`, with the item and its index bound to `each`
 * (default `item`) and `at` (default `index`). Each iteration's output feeds the next; `while`
 * is checked before each iteration. An object is enumerated by its values.
 */
export const runFor: Executor<'for'> = async (task, input, context) => {
  const { execution, variables, pointer, frame } = context;
  const collection = execution.evaluator.value(task.for.in, input, variables, pointer);
  const items = enumerable(collection, pointer);
  const itemName = task.for.each ?? 'item';
  const indexName = task.for.at ?? 'index';
  const bodyPointer = childPointer(pointer, 'do');
  let data = input;
  for (let index = 0; index < items.length; index += 1) {
    const loopVariables = { [itemName]: items[index]!, [indexName]: index };
    if (task.while !== undefined && !execution.evaluator.condition(task.while, data, { ...variables, ...loopVariables }, pointer)) break;
    const outcome = await context.runList(task.do, bodyPointer, data, {
      ...frame,
      iteration: [...frame.iteration, index],
      variables: { ...frame.variables, ...loopVariables },
    });
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
