import type { ProgressEvent } from '../core/events.ts';

/**
 * The most events one write takes. A store on this thread (SQLite) writes synchronously, and a
 * worker thread's messages arrive in bursts: each write waits for the next turn of the event loop
 * and takes at most this many events, so requests and streams run between writes.
 */
const MAX_BATCH = 200;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Collects an in-process run's events (handed over synchronously, one by one) and writes them
 * in batches: everything produced while the previous write was in flight goes in the next one.
 * A batch whose write failed is reported and written again with the next batch (or at `flush`):
 * nothing else keeps a run's events.
 */
export class EventWriter {
  private pending: ProgressEvent[] = [];
  private failed: ProgressEvent[] = [];
  private writing: Promise<void> = Promise.resolve();
  private scheduled = false;

  constructor(
    private readonly write: (events: ProgressEvent[]) => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  push(event: ProgressEvent): void {
    this.pending.push(event);
    this.schedule();
  }

  /** Resolves when every event pushed so far was written, or its write failed twice and was reported. */
  async flush(): Promise<void> {
    // A write that leaves events behind schedules the next one: wait until the chain ends.
    let writing: Promise<void>;
    do {
      writing = this.writing;
      await writing;
    } while (writing !== this.writing);
    if (this.failed.length === 0) return;
    this.schedule();
    await this.writing;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.writing = this.writing.then(async () => {
      await nextTurn();
      this.scheduled = false;
      const batch = this.failed.concat(this.pending.splice(0, MAX_BATCH));
      this.failed = [];
      await this.write(batch).catch((error: unknown) => {
        this.failed = batch;
        this.onError(error);
      });
      if (this.pending.length > 0) this.schedule();
    });
  }
}
