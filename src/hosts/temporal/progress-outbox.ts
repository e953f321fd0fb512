import type { InjectedSinks } from '@temporalio/worker';
import { ApplicationFailure } from '@temporalio/common';
import type { ProgressEvent } from '../../core/events.ts';
import type { ProgressReportTarget, ProgressSinks } from './messages.ts';
import type { DeliverProgress } from './progress-delivery.ts';

/** Events per delivered batch: one ReportProgress call stays well under the service's request limits. */
const MAX_BATCH_EVENTS = 1_000;
/** Attempts per batch unless the execution's input says otherwise. */
const DEFAULT_ATTEMPTS = 3;
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 10_000;
/** How long a run's last activation waits for its events to be delivered (below the 10 s workflow task timeout). */
const DRAIN_TIMEOUT_MS = 5_000;

interface Pending {
  events: ProgressEvent[];
  target: ProgressReportTarget | undefined;
  sending: Promise<void>;
}

/**
 * The worker side of the `cairnProgress` sink: the workflow hands each event over as it happens
 * (no history, no activity); here they queue per execution and leave in order, as few, large
 * batches as the delivery's pace allows. A batch that fails every attempt is dropped with a
 * warning: the workflow's progress query still serves it, and followers fill gaps from there.
 */
export class ProgressOutbox {
  readonly #pending = new Map<string, Pending>();

  constructor(
    private readonly deliver: DeliverProgress,
    private readonly warn: (message: string, meta: Record<string, unknown>) => void = (message, meta) => console.warn(message, meta),
  ) {}

  enqueue(events: readonly ProgressEvent[], target: ProgressReportTarget | undefined): void {
    const executionId = events[0]?.executionid;
    if (executionId === undefined) return;
    const pending = this.#pending.get(executionId);
    if (pending) {
      pending.events.push(...events);
      pending.target = target;
      return;
    }
    const started: Pending = { events: [...events], target, sending: Promise.resolve() };
    this.#pending.set(executionId, started);
    started.sending = this.#send(executionId, started);
  }

  /** Resolves once the execution's queued events were handed over (or dropped), or after `timeoutMs`. */
  async drain(executionId: string, timeoutMs = DRAIN_TIMEOUT_MS): Promise<void> {
    const pending = this.#pending.get(executionId);
    if (!pending) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([pending.sending, new Promise<void>((done) => (timer = setTimeout(done, timeoutMs)))]);
    clearTimeout(timer);
  }

  /** The sinks to register on the worker (replayed activations call none of them). */
  sinks(): InjectedSinks<ProgressSinks> {
    return {
      cairnProgress: {
        report: { fn: (_info, events, target) => this.enqueue(events, target), callDuringReplay: false },
        drain: { fn: (_info, executionId) => this.drain(executionId), callDuringReplay: false },
      },
    };
  }

  async #send(executionId: string, pending: Pending): Promise<void> {
    // Yields first, so the events of one activation (one sink call each) leave as one batch.
    await Promise.resolve();
    while (pending.events.length > 0) {
      const batch = pending.events.splice(0, MAX_BATCH_EVENTS);
      await this.#deliverWithRetries(batch, pending.target);
    }
    this.#pending.delete(executionId);
  }

  async #deliverWithRetries(batch: ProgressEvent[], target: ProgressReportTarget | undefined): Promise<void> {
    const attempts = Math.max(1, target?.attempts ?? DEFAULT_ATTEMPTS);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.deliver(batch, target);
      } catch (error) {
        const final = error instanceof ApplicationFailure && error.nonRetryable;
        if (final || attempt >= attempts) {
          this.warn('progress batch dropped; the progress query still serves it', { error: String(error), firstSeq: batch[0]?.seq, executionId: batch[0]?.executionid });
          return;
        }
        await new Promise((done) => setTimeout(done, Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (attempt - 1))));
      }
    }
  }
}
