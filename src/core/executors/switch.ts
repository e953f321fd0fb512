import type { Executor } from './types.ts';

/**
 * `switch`: the first case whose `when` holds (a case without `when` is the default) decides the
 * flow directive; with no match the task's own `then` applies. The output is the input.
 */
export const runSwitch: Executor<'switch'> = async (task, input, { execution, variables, pointer }) => {
  for (const entry of task.switch) {
    const switchCase = Object.values(entry)[0]!;
    if (switchCase.when === undefined || execution.evaluator.condition(switchCase.when, input, variables, pointer)) {
      return { output: input, then: switchCase.then };
    }
  }
  return { output: input };
};
