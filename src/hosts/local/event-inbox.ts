import type { JsonObject } from '../../core/json.ts';
import { CancelledError } from '../../core/errors.ts';
import type { EventBus } from '../../bus/event-bus.ts';
import type { LocalCancelScope } from './local-scope.ts';

interface Subscription {
  queue: JsonObject[];
  /** The pending `next` call, if any: at most one per scope (a listen reads its events in order). */
  waiter?: (event: JsonObject) => void;
}

/**
 * `Host.nextEvent` on the local host: one bus subscription per cancel scope, opened by the scope's
 * first call and closed when the scope is cancelled; events published meanwhile wait in a FIFO queue.
 */
export class EventInbox {
  readonly #subscriptions = new WeakMap<LocalCancelScope, Subscription>();

  constructor(private readonly bus: EventBus) {}

  next(scope: LocalCancelScope, timeoutMs?: number): Promise<JsonObject | undefined> {
    if (scope.cancelled) return Promise.reject(new CancelledError('listen cancelled'));
    const subscription = this.#subscriptions.get(scope) ?? this.#subscribe(scope);
    const queued = subscription.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => settle(() => resolve(undefined)), timeoutMs);
      const onAbort = () => settle(() => reject(new CancelledError('listen cancelled')));
      const settle = (finish: () => void) => {
        if (timer) clearTimeout(timer);
        scope.signal.removeEventListener('abort', onAbort);
        delete subscription.waiter;
        finish();
      };
      subscription.waiter = (event) => settle(() => resolve(event));
      scope.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  #subscribe(scope: LocalCancelScope): Subscription {
    const subscription: Subscription = { queue: [] };
    const unsubscribe = this.bus.subscribe((event) => {
      if (subscription.waiter) subscription.waiter(event);
      else subscription.queue.push(event);
    });
    scope.signal.addEventListener('abort', () => {
      unsubscribe();
      subscription.queue.length = 0;
    }, { once: true });
    this.#subscriptions.set(scope, subscription);
    return subscription;
  }
}
