import { CancellationScope } from '@temporalio/workflow';

/**
 * Runs the workflow's local activities one at a time, in the order they were asked for. A live run
 * resolves concurrent local activities in completion order, a replay in schedule order: two in
 * flight at once (a progress batch and a yield, say) can make the history fail to replay with a
 * nondeterminism error. One lane keeps every history replayable. Local activities run outside the
 * caller's cancellation scope: they are short, and a cancelled task must not cancel its own report.
 */
export class LocalActivityLane {
  #tail: Promise<void> = Promise.resolve();
  #queued = 0;

  run<T>(start: () => Promise<T>): Promise<T> {
    // An idle lane starts at once: the activity takes its sequence number (its id) where it was asked for.
    const begin = () => CancellationScope.nonCancellable(start);
    const result = this.#queued === 0 ? begin() : this.#tail.then(begin);
    this.#queued += 1;
    this.#tail = result.then(
      () => this.#settled(),
      () => this.#settled(),
    );
    return result;
  }

  /**
   * Ends the current activation: by waiting for the local activities in the lane when there are
   * any, otherwise by running `idle` (a no-op local activity).
   */
  async yield(idle: () => Promise<void>): Promise<void> {
    if (this.#queued > 0) await this.#tail;
    else await this.run(idle);
  }

  #settled(): void {
    this.#queued -= 1;
  }
}
