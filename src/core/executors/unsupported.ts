import { workflowError } from '../errors.ts';
import type { Executor } from './types.ts';

/** `listen` and `run` come with the whole-DSL work; until then they fault with a clear configuration error. */
export const listen: Executor<'listen'> = async (_task, _input, { pointer }) => {
  throw workflowError('configuration', 'listen tasks are not supported by this runtime yet', { instance: pointer });
};

export const run: Executor<'run'> = async (_task, _input, { pointer }) => {
  throw workflowError('configuration', 'run tasks are not supported by this runtime yet', { instance: pointer });
};
