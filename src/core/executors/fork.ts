import type { Json } from '../json.ts';
import type { CancelScope } from '../host.ts';
import { childPointer } from '../pointer.ts';
import type { ExecutorResult, Executor } from './types.ts';

type Settled = { index: number; ok: true; result: ExecutorResult } | { index: number; ok: false; error: unknown };

/**
 * `fork`: runs the branches concurrently, each in its own cancellation scope.
 * Without `compete` the output is every branch's output in declaration order, and the first
 * fault cancels the other branches. With `compete` the first branch to complete wins and the
 * others are cancelled; the fork faults only if every branch faults.
 * Cancelled branches are awaited until they have wound down, so no work outlives the fork.
 */
export const runFork: Executor<'fork'> = async (task, input, context) => {
  const { pointer, frame } = context;
  const branches = task.fork.branches.map((entry) => Object.entries(entry)[0]!);
  const scopes: CancelScope[] = branches.map(() => frame.scope.child());
  const pending = new Map<number, Promise<Settled>>();
  branches.forEach(([name, branch], index) => {
    const settled = context
      .runTask(name, branch, childPointer(pointer, 'fork', 'branches', index, name), input, { ...frame, scope: scopes[index]! })
      .then(
        (result): Settled => ({ index, ok: true, result }),
        (error: unknown): Settled => ({ index, ok: false, error }),
      );
    pending.set(index, settled);
  });
  const all = [...pending.values()];
  const cancelOthers = async (): Promise<void> => {
    scopes.forEach((scope) => scope.cancel('fork sibling settled'));
    await Promise.all(all);
  };

  const outputs: Json[] = new Array<Json>(branches.length).fill(null);
  let firstError: unknown;
  while (pending.size > 0) {
    const settled = await Promise.race(pending.values());
    pending.delete(settled.index);
    if (settled.ok) {
      if (task.fork.compete) {
        await cancelOthers();
        return { output: settled.result.output };
      }
      outputs[settled.index] = settled.result.output;
    } else if (!task.fork.compete) {
      await cancelOthers();
      throw settled.error;
    } else {
      firstError ??= settled.error;
    }
  }
  if (task.fork.compete) throw firstError;
  return { output: outputs };
};
