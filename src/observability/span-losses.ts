/**
 * Why tracing lost spans: `queue_full` when more than OTEL_BSP_MAX_QUEUE_SIZE were waiting for
 * export, `export_failed` when the request carrying them failed (after the transport's retries
 * and timeout). No OpenTelemetry import, so the service's metrics name them without loading it.
 */
export const SPAN_LOSS_REASONS = ['queue_full', 'export_failed'] as const;
export type SpanLossReason = (typeof SPAN_LOSS_REASONS)[number];

export type SpanLossListener = (reason: SpanLossReason, count: number) => void;

/** The counter the service's metrics keep of them (warnings name it so an operator finds it). */
export const SPANS_DROPPED_METRIC = 'cairn_trace_spans_dropped_total';

/** Why spans were lost, as both span paths' warnings say it. */
export function spanLossCause(reason: SpanLossReason, maxQueueSize: number): string {
  return reason === 'queue_full' ? `more than ${maxQueueSize} (OTEL_BSP_MAX_QUEUE_SIZE) were waiting for export` : 'their export request failed';
}

/** The series of SPANS_DROPPED_METRIC a warning about `reason` points to. */
export function spanLossSeries(reason: SpanLossReason): string {
  return `${SPANS_DROPPED_METRIC}{reason="${reason}"}`;
}

/** Where every span path reports the spans it lost, and who listens (the service's metrics). */
export class SpanLosses {
  readonly #listeners = new Set<SpanLossListener>();

  /** Calls `listener` with each loss from now on; returns what stops it. */
  subscribe(listener: SpanLossListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  readonly report: SpanLossListener = (reason, count) => {
    for (const listener of this.#listeners) listener(reason, count);
  };
}

/**
 * A count of something that can happen continually (spans dropped under a sustained overload),
 * said through `say` at most once per `intervalMs` and when flushed (a run's end), not per event.
 */
export class ThrottledCount {
  #unsaid = 0;
  #total = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly say: (count: number, total: number) => void,
    private readonly intervalMs = 5000,
  ) {}

  /** How many in all since this count was made. */
  get total(): number {
    return this.#total;
  }

  add(count: number): void {
    this.#unsaid += count;
    this.#total += count;
    this.#timer ??= setTimeout(() => this.flush(), this.intervalMs).unref();
  }

  /** Says what was not said yet, if anything. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#unsaid === 0) return;
    const count = this.#unsaid;
    this.#unsaid = 0;
    this.say(count, this.#total);
  }
}
