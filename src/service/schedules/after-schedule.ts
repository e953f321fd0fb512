import type { JsonObject } from '../../core/json.ts';
import type { ExecutionRecord, ExecutionStore, WorkflowRef } from '../../store/execution-store.ts';
import { isTerminal } from '../../store/workflow-transition.ts';
import { isoOrUndefined, type ArmedSchedule, type ScheduleDeps, type ScheduleView } from './armed-schedule.ts';

/** How long to wait before trying again when a start failed (the store was unavailable, for example). */
const RETRY_MS = 5_000;
/** How many of the workflow's newest executions to look through for the last `after` run when armed. */
const LOOKBACK = 100;

/**
 * `after`: the workflow runs continuously. Armed, it starts a run (or follows the last one a
 * previous service process started); when a run ends, however it ends, the next one starts
 * `delayMs` after that end. The input is empty (`{}`).
 */
export class AfterSchedule implements ArmedSchedule {
  private waitingFor: string | undefined;
  private next: number | undefined;
  private cancel: (() => void) | undefined;
  private stopped = false;

  constructor(
    readonly workflow: WorkflowRef,
    private readonly schedule: JsonObject,
    private readonly delayMs: number,
    private readonly store: Pick<ExecutionStore, 'listExecutions' | 'getExecution'>,
    private readonly deps: ScheduleDeps,
  ) {}

  /** Picks the chain up where the last run left it. */
  async begin(): Promise<void> {
    if (this.stopped) return;
    const { namespace, name, version } = this.workflow;
    const page = await this.store.listExecutions({ namespace, name, version, limit: LOOKBACK }).catch(() => undefined);
    if (!page) {
      // The store is unavailable: look again later rather than leave the schedule armed but idle.
      this.cancel = this.deps.clock.at(this.deps.clock.now() + RETRY_MS, () => void this.begin());
      return;
    }
    const last = page.items.find((execution) => execution.trigger === 'schedule.after');
    if (!last) this.fire('first');
    else if (!isTerminal(last.status)) await this.follow(last.id);
    else this.ended(last);
  }

  view(): ScheduleView {
    const view: ScheduleView = { workflow: this.workflow, kind: 'after', schedule: this.schedule };
    const next = isoOrUndefined(this.next);
    if (next) view.nextFireAt = next;
    if (this.waitingFor) view.waitingFor = this.waitingFor;
    return view;
  }

  stop(): void {
    this.stopped = true;
    this.cancel?.();
    this.cancel = undefined;
    this.next = undefined;
  }

  executionChanged(record: ExecutionRecord): void {
    if (record.id === this.waitingFor && isTerminal(record.status)) this.ended(record);
  }

  private ended(record: ExecutionRecord): void {
    this.waitingFor = undefined;
    const endedAt = Date.parse(record.endedAt ?? record.updatedAt);
    this.plan(Number.isNaN(endedAt) ? this.deps.clock.now() + this.delayMs : endedAt + this.delayMs, `after:${record.id}`);
  }

  private plan(at: number, key: string): void {
    if (this.stopped) return;
    this.next = at;
    this.cancel = this.deps.clock.at(at, () => {
      this.next = undefined;
      this.fire(key);
    });
  }

  private fire(key: string): void {
    if (this.stopped) return;
    void this.deps.start(this.workflow, 'after', key, {}).then((id) => {
      if (id === undefined) this.plan(this.deps.clock.now() + Math.max(this.delayMs, RETRY_MS), key);
      else return this.follow(id);
    });
  }

  /** Waits for the run's end (hub notices), checking once in case it ended before we listened. */
  private async follow(id: string): Promise<void> {
    if (this.stopped) return;
    this.waitingFor = id;
    const record = await this.store.getExecution(id).catch(() => undefined);
    if (record) this.executionChanged(record);
  }
}
