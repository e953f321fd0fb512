import type { Executor } from './types.ts';

/** `set`: the output is the `set` value with every runtime expression evaluated against the input. */
export const set: Executor<'set'> = async (task, input, { execution, variables, pointer }) => ({
  output: typeof task.set === 'string'
    ? execution.evaluator.value(task.set, input, variables, pointer)
    : execution.evaluator.template(task.set, input, variables, pointer),
});
