import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one service instance (its own registry, so tests can build many apps). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const counter = <L extends string = never>(name: string, help: string, labelNames: readonly L[] = []) => new Counter<L>({ name, help, labelNames, registers: [registry] });
  const histogram = <L extends string = never>(name: string, help: string, buckets: number[], labelNames: readonly L[] = []) =>
    new Histogram<L>({ name, help, buckets, labelNames, registers: [registry] });
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
    streamClients: new Gauge({ name: 'cairn_stream_clients', help: 'Open SSE and WebSocket subscriptions', registers: [registry] }),
  };
}

export type ServiceMetrics = ReturnType<typeof createMetrics>;
