import { resolveDuration } from '../resolve-duration.ts';
import type { Executor } from './types.ts';

/** `wait`: sleeps through the host (a real timer locally, a durable timer on Temporal); output = input. */
export const wait: Executor<'wait'> = async (task, input, { execution, variables, pointer, frame }) => {
  const ms = resolveDuration(task.wait, execution.evaluator, input, variables, pointer);
  await execution.host.sleep(ms, frame.scope);
  return { output: input };
};
