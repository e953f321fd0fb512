import type { Attributes, Counter as OtelCounter, Histogram as OtelHistogram, Meter } from '@opentelemetry/api';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type LabelValues } from 'prom-client';
import { SPANS_DROPPED_METRIC } from '../observability/span-losses.ts';

/**
 * The service's metrics, one set of instruments: each records into the Prometheus registry that
 * `/metrics` serves and, when OTEL_* asks for metrics (a meter is given), into the OpenTelemetry
 * instrument of the same series (name without `_total`, `_seconds` as unit `s`, dots for underscores).
 */
export function createMetrics(meter?: Meter) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const counter = <L extends string = never>(name: string, help: string, labelNames: readonly L[] = []) =>
    new ServiceCounter(new Counter<L>({ name, help, labelNames, registers: [registry] }), meter?.createCounter(otelName(name), { description: help }));
  const histogram = <L extends string = never>(name: string, help: string, buckets: number[], labelNames: readonly L[] = []) =>
    new ServiceHistogram(
      new Histogram<L>({ name, help, buckets, labelNames, registers: [registry] }),
      meter?.createHistogram(otelName(name), { description: help, unit: 's', advice: { explicitBucketBoundaries: buckets } }),
    );
  return {
    registry,
    eventsIngested: counter('cairn_progress_events_stored_total', 'Progress events stored'),
    eventsDuplicate: counter('cairn_progress_events_duplicate_total', 'Progress events received again and ignored (same id)'),
    sequenceGaps: counter('cairn_progress_sequence_gaps_total', 'Report batches that left a sequence gap'),
    executionsStarted: counter('cairn_executions_started_total', 'Executions started, by workflow (namespace/name)', ['workflow']),
    executionsCompleted: counter('cairn_executions_completed_total', 'Executions completed, by workflow', ['workflow']),
    executionsFaulted: counter('cairn_executions_faulted_total', 'Executions faulted, by workflow', ['workflow']),
    executionsCancelled: counter('cairn_executions_cancelled_total', 'Executions cancelled, by workflow', ['workflow']),
    taskDuration: histogram('cairn_task_duration_seconds', 'Task instance durations, by task kind and end status', [0.001, 0.005, 0.025, 0.1, 0.5, 1, 5, 30, 120, 600], ['kind', 'status']),
    taskRetries: counter('cairn_task_retries_total', 'Retries of `try` tasks, by workflow', ['workflow']),
    reportLag: histogram('cairn_progress_report_lag_seconds', 'Time from a progress event to its storing in the service', [0.005, 0.025, 0.1, 0.5, 1, 5, 30, 120]),
    failedBatches: counter('cairn_progress_batches_failed_total', 'Progress batches the service could not store'),
    storeWrite: histogram('cairn_store_write_seconds', 'Latency of storing one batch of progress events', [0.001, 0.005, 0.025, 0.1, 0.5, 1, 5]),
    cloudEventsAccepted: counter('cairn_cloudevents_accepted_total', 'CloudEvents accepted for listen tasks'),
    spansDropped: counter(
      SPANS_DROPPED_METRIC,
      'Spans tracing lost: queue_full (more than OTEL_BSP_MAX_QUEUE_SIZE waiting for export), export_failed (their export request failed)',
      ['reason'],
    ),
    /** Open SSE and WebSocket subscriptions, read from `count` whenever either side collects. */
    streamClients(count: () => number): void {
      const help = 'Open SSE and WebSocket subscriptions';
      new Gauge({ name: 'cairn_stream_clients', help, registers: [registry], collect() { this.set(count()); } });
      meter?.createObservableGauge(otelName('cairn_stream_clients'), { description: help }).addCallback((result) => result.observe(count()));
    },
  };
}

export type ServiceMetrics = ReturnType<typeof createMetrics>;

class ServiceCounter<L extends string> {
  constructor(
    private readonly prometheus: Counter<L>,
    private readonly otel: OtelCounter | undefined,
  ) {}

  /** `labels` is an object (a bare number would pass as an empty label set). */
  inc(labels: LabelValues<L> & object = {}, value = 1): void {
    this.prometheus.inc(labels, value);
    this.otel?.add(value, labels as Attributes);
  }
}

class ServiceHistogram<L extends string> {
  constructor(
    private readonly prometheus: Histogram<L>,
    private readonly otel: OtelHistogram | undefined,
  ) {}

  observe(labels: LabelValues<L>, seconds: number): void {
    this.prometheus.observe(labels, seconds);
    this.otel?.record(seconds, labels as Attributes);
  }

  /** Call the returned function when the timed work ends. */
  startTimer(labels: LabelValues<L> = {}): () => void {
    const started = performance.now();
    return () => this.observe(labels, (performance.now() - started) / 1000);
  }
}

function otelName(prometheusName: string): string {
  return prometheusName.replace(/_total$/, '').replace(/_seconds$/, '').replaceAll('_', '.');
}
