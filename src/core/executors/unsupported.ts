import { workflowError } from '../errors.ts';
import type { Executor } from './types.ts';

/** `listen` comes with the events work; until then it faults with a clear configuration error. */
export const listen: Executor<'listen'> = async (_task, _input, { pointer }) => {
  throw workflowError('configuration', 'listen tasks are not supported by this runtime yet', { instance: pointer });
};
