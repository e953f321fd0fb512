import type { ProgressEvent } from '../core/events.ts';

/**
 * Collects an in-process run's events (handed over synchronously, one by one) and writes them
 * in batches: everything produced while the previous write was in flight goes in the next one.
 */
export class EventWriter {
  private pending: ProgressEvent[] = [];
  private writing: Promise<void> = Promise.resolve();
  private scheduled = false;

  constructor(
    private readonly write: (events: ProgressEvent[]) => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  push(event: ProgressEvent): void {
    this.pending.push(event);
    if (this.scheduled) return;
    this.scheduled = true;
    this.writing = this.writing.then(() => {
      this.scheduled = false;
      const batch = this.pending;
      this.pending = [];
      return this.write(batch).catch(this.onError);
    });
  }

  /** Resolves when every event pushed so far was written (or its write failed and was reported). */
  async flush(): Promise<void> {
    await this.writing;
  }
}
