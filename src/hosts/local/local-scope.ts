import type { CancelScope } from '../../core/host.ts';

/** A cancellation scope backed by an AbortController; cancelling a scope cancels its children. */
export class LocalCancelScope implements CancelScope {
  private readonly controller = new AbortController();

  constructor(parent?: LocalCancelScope) {
    if (parent) {
      if (parent.cancelled) this.controller.abort(parent.signal.reason);
      else parent.signal.addEventListener('abort', () => this.cancel(String(parent.signal.reason)), { once: true });
    }
  }

  get cancelled(): boolean {
    return this.controller.signal.aborted;
  }

  /** Aborted when the scope is cancelled: effects and timers listen to it. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  cancel(reason = 'cancelled'): void {
    if (!this.cancelled) this.controller.abort(reason);
  }

  child(): LocalCancelScope {
    return new LocalCancelScope(this);
  }
}
