import type { CancelScope, Host } from './host.ts';
import { CancelledError } from './errors.ts';

/** Throws when the scope was cancelled: checked before each task so pure-CPU subtrees stop too. */
export function throwIfCancelled(scope: CancelScope): void {
  if (scope.cancelled) throw new CancelledError();
}

/**
 * Runs `work` in a child scope with a deadline. When the deadline passes first, the work's scope is
 * cancelled, the work is awaited until it has wound down (so its cancellation events come first),
 * and `onTimeout()` is thrown. A plain `Promise.race` would leave the loser running.
 */
export async function withDeadline<T>(
  host: Host,
  parent: CancelScope,
  ms: number,
  work: (scope: CancelScope) => Promise<T>,
  onTimeout: () => Error,
): Promise<T> {
  const workScope = parent.child();
  const timerScope = parent.child();
  let timedOut = false;
  const running = work(workScope);
  const deadline = host.sleep(ms, timerScope).then(() => {
    timedOut = true;
    workScope.cancel('deadline exceeded');
  });
  deadline.catch(() => undefined);
  try {
    return await Promise.race([running, deadline.then(() => running)]);
  } catch (error) {
    if (timedOut) throw onTimeout();
    throw error;
  } finally {
    timerScope.cancel('work finished');
  }
}
