import { CancellationScope, condition, log } from '@temporalio/workflow';
import type { LocalActivityLane } from './local-activity-lane.ts';
import type { ProgressEvent } from '../../core/events.ts';
import { TaskStateFolder, type TaskState } from '../../core/task-states.ts';

/** A batch is an activity input: well under Temporal's 2 MB payload limit. */
const MAX_BATCH_BYTES = 512 * 1024;

/** Ships one batch of events out of the workflow (the `reportProgress` local activity). */
export type ShipBatch = (events: ProgressEvent[]) => Promise<void>;

/**
 * How events leave the workflow: handed to the worker's sink as they happen (`sink`), or, in
 * executions started before that (patches.ts), in batches through a local activity (`batches`).
 */
export type ProgressOutlet =
  | { kind: 'sink'; report: (events: ProgressEvent[]) => void; drain: () => void }
  | { kind: 'batches'; ship: ShipBatch; lane: LocalActivityLane };

/** What a run hands to the run that continues it (Temporal's continue-as-new). */
export interface CarriedProgress {
  /** `seq` of the execution's last event so far. */
  lastSeq: number;
  /** Events the next run ships (or serves) again: those not known to have been delivered. */
  events: ProgressEvent[];
  /** Task instances still open (the `for` or `do` the run paused in): the next run's tree goes on from them. */
  tasks?: TaskState[];
  /** The events were handed to the worker's sink already: the next run serves them to the query only. */
  reported?: true;
}

export interface TaskTreePage {
  /** The most recently changed task instances, oldest first (at most `limit`, and about 1 MB). */
  tasks: TaskState[];
  /** Task instances this run knows (those of earlier runs that ended are in the service's store). */
  total: number;
}

/** The carried events ride in the continue-as-new input: well under Temporal's 2 MB payload limit. */
const MAX_CARRIED_BYTES = 1024 * 1024;

export interface ProgressPage {
  events: ProgressEvent[];
  /** Highest `seq` recorded so far (0 before the first event). */
  lastSeq: number;
}

/**
 * Progress events kept in workflow state. Workflow code may not do I/O, so events are appended
 * here (replay rebuilds the same list), read by the progress query, and, given an outlet, handed
 * out of the workflow without the task path ever waiting. A run that continues an execution
 * starts from what the previous run carried over: events not known to be delivered are shipped
 * (and served) again, so a batch dropped during an outage is not lost with its run.
 */
export class ProgressLog {
  readonly #events: ProgressEvent[];
  readonly #baseSeq: number;
  /** Batches that failed every attempt: carried to the next run, which tries them again. */
  readonly #undelivered: ProgressEvent[] = [];
  readonly #tasks: TaskStateFolder;
  #shipped = 0;
  #inFlight = false;

  constructor(
    private readonly outlet: ProgressOutlet | undefined,
    carried?: CarriedProgress,
    private readonly batchSize = 2_000,
  ) {
    this.#events = [...(carried?.events ?? [])];
    this.#baseSeq = carried?.lastSeq ?? 0;
    this.#tasks = new TaskStateFolder(carried?.tasks);
    if (outlet?.kind === 'sink' && !carried?.reported && this.#events.length > 0) outlet.report(this.#events.slice());
    this.#shipped = outlet?.kind === 'sink' ? this.#events.length : 0;
    this.#shipNext();
  }

  append(event: ProgressEvent): void {
    this.#events.push(event);
    this.#tasks.apply(event);
    if (this.outlet?.kind === 'sink') {
      this.outlet.report([event]);
      this.#shipped += 1;
    } else this.#shipNext();
  }

  /**
   * Events with `seq` greater than `afterSeq`: at most `limit` of them, and about `maxBytes` of
   * JSON (a query answer must stay well under Temporal's 2 MB payload limit), at least one.
   */
  after(afterSeq: number, limit: number, maxBytes = 1_000_000): ProgressPage {
    const start = this.#firstIndexAfter(afterSeq);
    const events: ProgressEvent[] = [];
    let bytes = 0;
    for (let index = start; index < this.#events.length && events.length < limit; index++) {
      const event = this.#events[index]!;
      bytes += JSON.stringify(event).length;
      if (events.length > 0 && bytes > maxBytes) break;
      events.push(event);
    }
    return { events, lastSeq: this.#events.at(-1)?.seq ?? this.#baseSeq };
  }

  /** The task tree: the most recently changed instances (a query answer stays well under 2 MB). */
  taskTree(limit: number, maxBytes = 1_000_000): TaskTreePage {
    const states = this.#tasks.states().sort((a, b) => a.seq - b.seq);
    return { tasks: newestWithin(states, limit, maxBytes, 1), total: states.length };
  }

  /** Events held in workflow memory (the run continues as new before they grow unbounded). */
  get size(): number {
    return this.#events.length;
  }

  /**
   * What the next run needs: the last `seq`, and the events not known to be delivered (dropped
   * batches, and those not shipped yet); without a shipper, the newest events for query followers.
   * Bounded by size: the oldest beyond it stay queryable on this closed run only.
   */
  handOver(): CarriedProgress {
    const pending = this.outlet?.kind === 'batches' ? [...this.#undelivered, ...this.#events.slice(this.#shipped)] : this.#events;
    const carried = newestWithin(pending, pending.length, MAX_CARRIED_BYTES, 0);
    if (carried.length < pending.length && this.outlet?.kind === 'batches') {
      log.warn('progress events not carried to the next run; query the previous run for them', { throughSeq: pending[pending.length - carried.length - 1]!.seq });
    }
    return {
      lastSeq: this.#events.at(-1)?.seq ?? this.#baseSeq,
      events: carried,
      tasks: this.#tasks.open(),
      ...(this.outlet?.kind === 'sink' ? { reported: true as const } : {}),
    };
  }

  /** Index of the first event with `seq` > `afterSeq` (carried events may leave gaps in seq). */
  #firstIndexAfter(afterSeq: number): number {
    let low = 0;
    let high = this.#events.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#events[middle]!.seq <= afterSeq) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Events recorded but not yet handed to a shipped batch. */
  get backlog(): number {
    return this.outlet ? this.#events.length - this.#shipped : 0;
  }

  /** Waits (bounded) until every event was handed over; the query still serves any that were not. */
  async flush(timeoutMs: number): Promise<void> {
    if (this.outlet?.kind === 'sink') return this.outlet.drain();
    if (!this.outlet) return;
    await CancellationScope.nonCancellable(() => condition(() => !this.#inFlight && this.#shipped === this.#events.length, timeoutMs));
  }

  /** Resolves when the batch in flight (if any) is over: lets long runs yield between activations. */
  async settle(): Promise<void> {
    if (this.outlet?.kind !== 'batches') return;
    await CancellationScope.nonCancellable(() => condition(() => !this.#inFlight));
  }

  #shipNext(): void {
    if (this.outlet?.kind !== 'batches' || this.#inFlight || this.#shipped === this.#events.length) return;
    const batch: ProgressEvent[] = [];
    let bytes = 0;
    for (let index = this.#shipped; index < this.#events.length && batch.length < this.batchSize; index++) {
      bytes += JSON.stringify(this.#events[index]).length;
      if (batch.length > 0 && bytes > MAX_BATCH_BYTES) break;
      batch.push(this.#events[index]!);
    }
    this.#inFlight = true;
    const { ship, lane } = this.outlet;
    void lane
      .run(() => ship(batch))
      .catch((error: unknown) => {
        this.#undelivered.push(...batch);
        log.warn('progress batch dropped; the progress query still serves it', { error: String(error), firstSeq: batch[0]?.seq });
      })
      .finally(() => {
        this.#shipped += batch.length;
        this.#inFlight = false;
        this.#shipNext();
      });
  }
}

/** The newest items (at most `limit`) whose JSON fits in `maxBytes`, oldest first; at least `minimum` of them whatever their size. */
function newestWithin<T>(items: readonly T[], limit: number, maxBytes: number, minimum: 0 | 1): T[] {
  let bytes = 0;
  let first = items.length;
  while (first > 0 && items.length - first < limit) {
    bytes += JSON.stringify(items[first - 1]).length;
    if (bytes > maxBytes && items.length - first >= minimum) break;
    first -= 1;
  }
  return items.slice(first);
}
