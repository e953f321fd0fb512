import type { ExecutionStore } from '../store/execution-store.ts';

export interface RetentionOptions {
  /** How long an execution is kept after it ended (its record, events and stored values). */
  maxAgeMs: number;
  /** How often the store is swept (default: a tenth of `maxAgeMs`, between 1 s and 10 min). */
  sweepEveryMs?: number;
}

/** Executions (and then unreferenced values) deleted per store call: each call is a short transaction. */
const BATCH = 100;

/**
 * Deletes what ended longer ago than the retention age, on a timer. Every instance sharing a
 * database may sweep: deletes are idempotent, and a value a start or report links meanwhile is
 * kept (the store checks references again as it deletes).
 */
export class RetentionSweeper {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly store: ExecutionStore,
    private readonly options: RetentionOptions,
    private readonly log: { info(message: string): void; warn(message: string): void },
  ) {}

  start(): void {
    const every = this.options.sweepEveryMs ?? Math.min(Math.max(this.options.maxAgeMs / 10, 1_000), 10 * 60_000);
    this.timer = setInterval(() => this.sweepInBackground(), every);
    this.timer.unref();
    this.sweepInBackground();
  }

  /** One full sweep: every expired execution, then every value no execution refers to any more. */
  async sweep(): Promise<{ executions: number; values: number }> {
    const cutoff = new Date(Date.now() - this.options.maxAgeMs).toISOString();
    const executions = await this.inBatches(() => this.store.deleteEndedExecutions(cutoff, BATCH));
    const values = await this.inBatches(() => this.store.deleteUnreferencedValues(BATCH));
    return { executions, values };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.sweeping;
  }

  private async inBatches(deleteBatch: () => Promise<number>): Promise<number> {
    let total = 0;
    while (!this.closed) {
      const deleted = await deleteBatch();
      total += deleted;
      if (deleted < BATCH) break;
    }
    return total;
  }

  private sweepInBackground(): void {
    if (this.sweeping || this.closed) return;
    this.sweeping = this.sweep()
      .then(({ executions, values }) => {
        if (executions + values > 0) this.log.info(`retention: deleted ${executions} execution(s) that ended before the retention age and ${values} stored value(s) no execution refers to`);
      })
      // A value linked during the delete makes the store refuse it; the next sweep tries again.
      .catch((error: unknown) => this.log.warn(`retention: sweep failed, retrying at the next one: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => (this.sweeping = undefined));
  }
}
