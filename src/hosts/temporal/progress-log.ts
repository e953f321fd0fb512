import { CancellationScope, condition, log } from '@temporalio/workflow';
import type { ProgressEvent } from '../../core/events.ts';

/** A batch is an activity input: well under Temporal's 2 MB payload limit. */
const MAX_BATCH_BYTES = 512 * 1024;

/** Ships one batch of events out of the workflow (the `reportProgress` activity). */
export type ShipBatch = (events: ProgressEvent[]) => Promise<void>;

export interface ProgressPage {
  events: ProgressEvent[];
  /** Highest `seq` recorded so far (0 before the first event). */
  lastSeq: number;
}

/**
 * Progress events kept in workflow state. Workflow code may not do I/O, so events are appended
 * here (replay rebuilds the same list), read by the progress query, and, when a shipper is
 * given, handed to an activity in batches that the task path never waits for.
 */
export class ProgressLog {
  readonly #events: ProgressEvent[] = [];
  #shipped = 0;
  #inFlight = false;

  constructor(
    private readonly ship: ShipBatch | undefined,
    private readonly batchSize = 2_000,
  ) {}

  append(event: ProgressEvent): void {
    this.#events.push(event);
    this.#shipNext();
  }

  /**
   * Events with `seq` greater than `afterSeq`: at most `limit` of them, and about `maxBytes` of
   * JSON (a query answer must stay well under Temporal's 2 MB payload limit), at least one.
   */
  after(afterSeq: number, limit: number, maxBytes = 1_000_000): ProgressPage {
    // seq is contiguous, so it indexes the list directly.
    const firstSeq = this.#events[0]?.seq ?? 1;
    const start = Math.max(0, afterSeq - firstSeq + 1);
    const events: ProgressEvent[] = [];
    let bytes = 0;
    for (let index = start; index < this.#events.length && events.length < limit; index++) {
      const event = this.#events[index]!;
      bytes += JSON.stringify(event).length;
      if (events.length > 0 && bytes > maxBytes) break;
      events.push(event);
    }
    return { events, lastSeq: this.#events.at(-1)?.seq ?? 0 };
  }

  /** Events recorded but not yet handed to a shipped batch. */
  get backlog(): number {
    return this.ship ? this.#events.length - this.#shipped : 0;
  }

  /** Waits (bounded) until every event was handed over; the query still serves any that were not. */
  async flush(timeoutMs: number): Promise<void> {
    if (!this.ship) return;
    await CancellationScope.nonCancellable(() => condition(() => !this.#inFlight && this.#shipped === this.#events.length, timeoutMs));
  }

  /** Resolves when the batch in flight (if any) is over: lets long runs yield between activations. */
  async settle(): Promise<void> {
    if (!this.ship) return;
    await CancellationScope.nonCancellable(() => condition(() => !this.#inFlight));
  }

  #shipNext(): void {
    if (!this.ship || this.#inFlight || this.#shipped === this.#events.length) return;
    const batch: ProgressEvent[] = [];
    let bytes = 0;
    for (let index = this.#shipped; index < this.#events.length && batch.length < this.batchSize; index++) {
      bytes += JSON.stringify(this.#events[index]).length;
      if (batch.length > 0 && bytes > MAX_BATCH_BYTES) break;
      batch.push(this.#events[index]!);
    }
    this.#inFlight = true;
    const ship = this.ship;
    // Started outside the task's scope: a cancelled task must not cancel the report of its own events.
    void CancellationScope.nonCancellable(() => ship(batch))
      .catch((error: unknown) => log.warn('progress batch dropped; the progress query still serves it', { error: String(error), firstSeq: batch[0]?.seq }))
      .finally(() => {
        this.#shipped += batch.length;
        this.#inFlight = false;
        this.#shipNext();
      });
  }
}
