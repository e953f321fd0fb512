import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadTracing } from '../../src/observability/tracing.ts';
import { startOtlpMetricsReceiver, type OtlpMetricsReceiver } from '../support/otlp-metrics-receiver.ts';
import type { OtlpReceiver } from '../support/otlp-receiver.ts';
import { startOtlpTracesReceiver, type ReceivedSpan } from '../support/otlp-traces-receiver.ts';
import { auth, metricSeries, startTestService, waitForEnd, type TestService } from '../service/service-fixture.ts';

/** A traces endpoint that refuses every request (HTTP 400, not retried), keeping the spans it refused. */
let refusing: OtlpReceiver<ReceivedSpan>;
let metrics: OtlpMetricsReceiver;
let service: TestService;

const VARIABLES = {
  OTEL_EXPORTER_OTLP_TIMEOUT: '2000',
  // Spans go out only when the run or the test flushes: every request (a read of /metrics too) makes a server span.
  OTEL_BSP_SCHEDULE_DELAY: '600000',
  OTEL_METRIC_EXPORT_INTERVAL: '200',
};

beforeAll(async () => {
  refusing = await startOtlpTracesReceiver(400);
  metrics = await startOtlpMetricsReceiver();
  Object.assign(process.env, VARIABLES, { OTEL_EXPORTER_OTLP_ENDPOINT: refusing.base, OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: metrics.endpoint });
  service = await startTestService();
}, 60_000);
afterAll(async () => {
  await service?.close();
  for (const name of [...Object.keys(VARIABLES), 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT']) delete process.env[name];
  await metrics?.close();
  await refusing?.close();
});

const EXPORT_FAILED = 'cairn_trace_spans_dropped_total{reason="export_failed"}';

/** Starts `drops/<name>` (two `set` tasks) on `on` and waits for its end. */
async function runTwoSets(on: TestService, name: string): Promise<void> {
  const response = await on.app.inject({
    method: 'POST',
    url: '/v1/executions',
    headers: auth,
    payload: { document: `document: { dsl: '1.0.0', namespace: drops, name: ${name}, version: '1.0.0' }\ndo:\n  - one: { set: { a: 1 } }\n  - two: { set: { b: 2 } }` },
  });
  expect(response.statusCode).toBe(201);
  await waitForEnd(on.store, response.json().id);
}

describe('spans the OTLP endpoint refuses are counted on /metrics', () => {
  it('cairn_trace_spans_dropped_total{reason="export_failed"} counts every span of every refused request, task spans and the others', async () => {
    const before = (await service.app.inject({ url: '/metrics' })).body;
    // Both reasons are there before any loss, so a rate has a series to start from.
    expect(before).toMatch(/^cairn_trace_spans_dropped_total\{reason="queue_full"\} 0$/m);
    expect(before).toMatch(/^cairn_trace_spans_dropped_total\{reason="export_failed"\} 0$/m);

    await runTwoSets(service, 'refused');
    // Sends what waits; an export the run's own flush started may still be out, so the counts are awaited.
    await (await loadTracing()).flush().catch(() => {});

    // The task spans' request and the batch span processor's (the workflow span, the two requests' server spans).
    await vi.waitFor(async () => {
      expect(refusing.items.map((span) => span.name).sort()).toEqual(['GET /metrics', 'POST /v1/executions', 'set one', 'set two', 'workflow drops/refused']);
      expect((await metricSeries(service.app))(EXPORT_FAILED)).toBe(5);
    });
    expect((await metricSeries(service.app))('cairn_trace_spans_dropped_total{reason="queue_full"}')).toBe(0);

    // The same instrument, over OTLP metrics.
    await vi.waitFor(() => expect(metrics.points.findLast((point) => point.name === 'cairn.trace.spans.dropped' && point.attributes.reason === 'export_failed')?.value).toBe(5), {
      timeout: 10_000,
    });
  });

  it('counts the spans an execution thread loses too (the embedded engine as `cairn serve` runs it)', async () => {
    const threaded = await startTestService({ threads: true });
    try {
      await runTwoSets(threaded, 'threaded');
      // The thread's run flushed its three spans (the execution's and two tasks') to the refusing endpoint; this
      // process's own spans (the requests') wait for a flush the test does not make.
      await vi.waitFor(async () => {
        const execution = refusing.items.find((span) => span.name === 'workflow drops/threaded');
        expect(refusing.items.filter((span) => span.traceId === execution?.traceId).map((span) => span.name).sort()).toEqual(['set one', 'set two', 'workflow drops/threaded']);
        expect((await metricSeries(threaded.app))(EXPORT_FAILED)).toBe(3);
      });
    } finally {
      await threaded.close();
    }
  }, 60_000);
});
