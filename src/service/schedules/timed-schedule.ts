import type { JsonObject } from '../../core/json.ts';
import type { WorkflowRef } from '../../store/execution-store.ts';
import { isoOrUndefined, type ArmedSchedule, type ScheduleDeps, type ScheduleView } from './armed-schedule.ts';

/**
 * `every` and `cron`: starts an execution at each fire time, whether or not earlier runs have
 * ended. Fire times are computed from the clock when armed and after each fire, so ticks missed
 * while the service was down or busy are skipped, not replayed. The input is empty (`{}`).
 */
export class TimedSchedule implements ArmedSchedule {
  private next: number | undefined;
  private cancel: (() => void) | undefined;
  private stopped = false;

  constructor(
    readonly workflow: WorkflowRef,
    private readonly kind: 'every' | 'cron',
    private readonly schedule: JsonObject,
    /** The first fire time strictly after an instant (epoch ms); undefined: never again. */
    private readonly nextAfter: (epochMs: number) => number | undefined,
    private readonly deps: ScheduleDeps,
  ) {
    this.plan(deps.clock.now());
  }

  view(): ScheduleView {
    const view: ScheduleView = { workflow: this.workflow, kind: this.kind, schedule: this.schedule };
    const next = isoOrUndefined(this.next);
    return next ? { ...view, nextFireAt: next } : view;
  }

  stop(): void {
    this.stopped = true;
    this.cancel?.();
    this.cancel = undefined;
    this.next = undefined;
  }

  private plan(after: number): void {
    const at = this.nextAfter(after);
    this.next = at;
    if (at === undefined || this.stopped) return;
    this.cancel = this.deps.clock.at(at, () => {
      if (this.stopped) return;
      void this.deps.start(this.workflow, this.kind, `${this.kind}@${new Date(at).toISOString()}`, {});
      this.plan(Math.max(this.deps.clock.now(), at));
    });
  }
}

/** `every`: fire times are multiples of the interval since the Unix epoch, so every service sharing a store computes the same ones. */
export function intervalFireTimes(intervalMs: number): (epochMs: number) => number {
  return (epochMs) => (Math.floor(epochMs / intervalMs) + 1) * intervalMs;
}
