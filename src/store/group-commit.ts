/** Requests per shared transaction: a synchronous driver (SQLite) holds the event loop for a whole transaction. */
const MAX_GROUP = 64;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs concurrent write requests in shared transactions: while one transaction commits, new
 * requests queue, and the next transaction takes them (up to MAX_GROUP). Under many concurrent
 * reporters this turns N commits into one (the commit dominates ingest cost). Between
 * transactions it yields to the event loop, so streams, timers and API calls run while writes
 * pile up. When a shared transaction fails, its requests are retried one by one, so one bad
 * request fails alone.
 */
export class GroupCommit<Request, Result> {
  private queue: Array<{ request: Request; resolve: (result: Result) => void; reject: (error: unknown) => void }> = [];
  private running = false;

  constructor(
    private readonly transaction: <T>(work: (run: (request: Request) => Promise<Result>) => Promise<T>) => Promise<T>,
  ) {}

  submit(request: Request): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.queue.length > 0) {
      const group = this.queue.splice(0, MAX_GROUP);
      try {
        const results = await this.transaction(async (run) => {
          const out: Result[] = [];
          for (const entry of group) out.push(await run(entry.request));
          return out;
        });
        group.forEach((entry, index) => entry.resolve(results[index]!));
      } catch (error) {
        if (group.length === 1) {
          group[0]!.reject(error);
          continue;
        }
        for (const entry of group) {
          await this.transaction((run) => run(entry.request)).then(entry.resolve, entry.reject);
        }
      }
      if (this.queue.length > 0) await yieldToEventLoop();
    }
    this.running = false;
  }
}
