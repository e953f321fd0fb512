import { childPointer } from '../pointer.ts';
import type { Executor } from './types.ts';

/** `do`: runs the subtasks in sequence; the output is the last subtask's output. */
export const runDo: Executor<'do'> = async (task, input, context) =>
  context.runList(task.do, childPointer(context.pointer, 'do'), input, context.frame);
