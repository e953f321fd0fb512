import { condition } from '@temporalio/workflow';
import { CancelledError } from '../../core/errors.ts';
import type { JsonObject } from '../../core/json.ts';
import type { TemporalCancelScope } from './cancel-scope.ts';
import { isCancellation } from './failures.ts';

/**
 * `Host.nextEvent` inside the workflow: CloudEvents arrive by signal (and from the execution's own
 * `emit` tasks); each cancel scope that listens has a FIFO queue, opened by its first call and
 * closed when the scope is cancelled, so no event is lost while the listener is busy.
 */
export class EventInbox {
  readonly #queues = new Map<TemporalCancelScope, JsonObject[]>();

  deliver(event: JsonObject): void {
    for (const queue of this.#queues.values()) queue.push(event);
  }

  async next(scope: TemporalCancelScope, timeoutMs?: number): Promise<JsonObject | undefined> {
    if (scope.cancelled) throw new CancelledError('listen cancelled');
    const queue = this.#queues.get(scope) ?? this.#open(scope);
    if (queue.length === 0) {
      try {
        const arrived = await scope.run(async () => (timeoutMs === undefined ? (await condition(() => queue.length > 0), true) : condition(() => queue.length > 0, timeoutMs)));
        if (!arrived) return undefined;
      } catch (error) {
        throw isCancellation(error) ? new CancelledError('listen cancelled') : error;
      }
    }
    return queue.shift();
  }

  #open(scope: TemporalCancelScope): JsonObject[] {
    const queue: JsonObject[] = [];
    this.#queues.set(scope, queue);
    scope.inner.cancelRequested.catch(() => this.#queues.delete(scope));
    return queue;
  }
}
