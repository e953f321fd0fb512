import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one service instance (its own registry, so tests can build many apps). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const counter = (name: string, help: string) => new Counter({ name, help, registers: [registry] });
  return {
    registry,
    eventsIngested: counter('cairn_progress_events_stored_total', 'Progress events stored'),
    eventsDuplicate: counter('cairn_progress_events_duplicate_total', 'Progress events received again and ignored (same id)'),
    sequenceGaps: counter('cairn_progress_sequence_gaps_total', 'Report batches that left a sequence gap'),
    executionsStarted: counter('cairn_executions_started_total', 'Executions started by this service'),
    cloudEventsAccepted: counter('cairn_cloudevents_accepted_total', 'CloudEvents accepted for listen tasks'),
    streamClients: new Gauge({ name: 'cairn_stream_clients', help: 'Open SSE and WebSocket subscriptions', registers: [registry] }),
  };
}

export type ServiceMetrics = ReturnType<typeof createMetrics>;
