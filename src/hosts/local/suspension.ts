import { CancelledError } from '../../core/errors.ts';
import type { LocalCancelScope } from './local-scope.ts';

/**
 * Suspend/resume for an in-process execution: while suspended, tasks about to start wait at the
 * host's checkpoint; running tasks go on. Each suspension is reported once, however many
 * branches wait at the checkpoint.
 */
export class LocalSuspension {
  private suspendedNow = false;
  private waiters: Array<() => void> = [];
  private suspensions = 0;
  private notifiedSuspension = 0;
  private notifiedResume = 0;

  get suspended(): boolean {
    return this.suspendedNow;
  }

  suspend(): void {
    if (this.suspendedNow) return;
    this.suspendedNow = true;
    this.suspensions += 1;
  }

  resume(): void {
    if (!this.suspendedNow) return;
    this.suspendedNow = false;
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((wake) => wake());
  }

  async checkpoint(scope: LocalCancelScope, notify: (change: 'suspended' | 'resumed') => void): Promise<void> {
    if (scope.cancelled) throw new CancelledError();
    if (!this.suspendedNow) return;
    const suspension = this.suspensions;
    if (this.notifiedSuspension < suspension) {
      this.notifiedSuspension = suspension;
      notify('suspended');
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(new CancelledError('cancelled while suspended'));
      scope.signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(() => {
        scope.signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
    if (this.notifiedResume < suspension) {
      this.notifiedResume = suspension;
      notify('resumed');
    }
  }
}
