import { CancellationScope } from '@temporalio/workflow';
import type { CancelScope } from '../../core/host.ts';

/**
 * The core's `CancelScope` on a Temporal `CancellationScope`: cancelling it cancels the timers
 * and activities started inside it (and in its children), so a fork branch that lost the race
 * leaves nothing running and the history records the cancellations.
 */
export class TemporalCancelScope implements CancelScope {
  constructor(readonly inner: CancellationScope) {}

  /** The workflow's root scope: cancelled when the client cancels the execution. */
  static root(): TemporalCancelScope {
    return new TemporalCancelScope(CancellationScope.current());
  }

  get cancelled(): boolean {
    return this.inner.consideredCancelled;
  }

  cancel(): void {
    this.inner.cancel();
  }

  child(): TemporalCancelScope {
    return new TemporalCancelScope(new CancellationScope({ cancellable: true, parent: this.inner }));
  }

  /** Whether workflow code started now belongs to this scope without `run`. */
  isCurrent(): boolean {
    return CancellationScope.current() === this.inner;
  }

  /** Runs workflow code (a timer, an activity) so that it belongs to this scope. */
  run<T>(work: () => Promise<T>): Promise<T> {
    return this.inner.run(work);
  }
}

/** Scopes come from `Host.rootScope`/`child()`, so every scope the core passes back is ours. */
export function asTemporalScope(scope: CancelScope): TemporalCancelScope {
  if (scope instanceof TemporalCancelScope) return scope;
  throw new TypeError('the Temporal host was given a cancellation scope it did not create');
}
