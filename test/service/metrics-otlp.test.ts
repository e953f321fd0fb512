import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpMetricsReceiver, type OtlpMetricsReceiver, type ReceivedPoint } from '../support/otlp-metrics-receiver.ts';
import { auth, failingFirstAppend, startTestService, waitForEnd, type TestService } from './service-fixture.ts';

let receiver: OtlpMetricsReceiver;
let service: TestService;
let base: string;

beforeAll(async () => {
  receiver = await startOtlpMetricsReceiver();
  process.env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT = receiver.endpoint;
  process.env.OTEL_METRIC_EXPORT_INTERVAL = '200';
  process.env.OTEL_SERVICE_NAME = 'cairn-metrics-test';
  // The store fails its first event write (a database blip), so a failed batch is counted too.
  service = await startTestService({ wrapStore: failingFirstAppend });
  base = await service.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await service?.close();
  await receiver?.close();
  delete process.env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT;
  delete process.env.OTEL_METRIC_EXPORT_INTERVAL;
  delete process.env.OTEL_SERVICE_NAME;
});

const COMPLETES = `
document: { dsl: '1.0.0', namespace: otlp, name: completes, version: '1.0.0' }
do:
  - one: { set: { a: 1 } }`;
const FAULTS = `
document: { dsl: '1.0.0', namespace: otlp, name: faults, version: '1.0.0' }
do:
  - boom: { raise: { error: { type: https://example.com/boom, status: 500 } } }`;
const RETRIES = `
document: { dsl: '1.0.0', namespace: otlp, name: retries, version: '1.0.0' }
do:
  - guarded:
      try:
        - boom: { raise: { error: { type: https://example.com/boom, status: 503 } } }
      catch:
        errors: { with: { type: https://example.com/boom } }
        retry: { delay: { milliseconds: 1 }, limit: { attempt: { count: 3 } } }`;
const WAITS = `
document: { dsl: '1.0.0', namespace: otlp, name: waits, version: '1.0.0' }
do:
  - nap: { wait: { seconds: 30 } }`;

async function start(document: string): Promise<string> {
  const response = await service.app.inject({ method: 'POST', url: '/v1/executions', headers: auth, payload: { document } });
  expect(response.statusCode).toBe(201);
  return response.json().id;
}

/** The newest exported value of a series (cumulative, so the latest export holds the total), or undefined. */
function latest(name: string, attributes: Record<string, string> = {}): ReceivedPoint | undefined {
  const matches = (point: ReceivedPoint) => point.name === name && Object.entries(attributes).every(([key, value]) => point.attributes[key] === value);
  return receiver.points.findLast(matches);
}

async function exported(name: string, attributes: Record<string, string>, value: number): Promise<void> {
  for (let attempt = 0; attempt < 100 && latest(name, attributes)?.value !== value; attempt++) await new Promise((done) => setTimeout(done, 100));
  expect(latest(name, attributes)?.value, `${name} ${JSON.stringify(attributes)}`).toBe(value);
}

describe('OpenTelemetry metrics over OTLP/HTTP to a loopback receiver (a mock of a collector)', () => {
  it('exports the series /metrics serves, from the same instruments, as executions run', async () => {
    await waitForEnd(service.store, await start(COMPLETES));
    await waitForEnd(service.store, await start(FAULTS));
    await waitForEnd(service.store, await start(RETRIES));
    const waiting = await start(WAITS);
    await service.app.inject({ method: 'POST', url: `/v1/executions/${waiting}/cancel`, headers: auth });
    await waitForEnd(service.store, waiting);
    const stream = await fetch(`${base}/v1/executions/stream`, { headers: auth });

    await exported('cairn.executions.started', { workflow: 'otlp/completes' }, 1);
    await exported('cairn.executions.completed', { workflow: 'otlp/completes' }, 1);
    await exported('cairn.executions.faulted', { workflow: 'otlp/faults' }, 1);
    await exported('cairn.task.duration', { kind: 'set', status: 'completed' }, 1);
    await exported('cairn.executions.cancelled', { workflow: 'otlp/waits' }, 1);
    await exported('cairn.task.retries', { workflow: 'otlp/retries' }, 2);
    await exported('cairn.progress.batches.failed', {}, 1);
    await exported('cairn.task.duration', { kind: 'raise', status: 'faulted' }, 4);
    await exported('cairn.task.duration', { kind: 'wait', status: 'cancelled' }, 1);
    await exported('cairn.stream.clients', {}, 1);
    await stream.body?.cancel();
    expect(latest('cairn.task.duration')?.unit).toBe('s');
    expect(latest('cairn.progress.report.lag')?.value).toBeGreaterThan(0);
    const writes = latest('cairn.store.write')?.value ?? 0;
    expect(writes).toBeGreaterThan(0);
    expect(latest('cairn.executions.started')?.resource['service.name']).toBe('cairn-metrics-test');

    // /metrics serves the same instruments' values in Prometheus format.
    const prometheus = (await service.app.inject({ url: '/metrics' })).body;
    expect(prometheus).toMatch(/^cairn_executions_started_total\{workflow="otlp\/completes"\} 1$/m);
    expect(prometheus).toMatch(/^cairn_executions_faulted_total\{workflow="otlp\/faults"\} 1$/m);
    expect(prometheus).toMatch(/^cairn_task_duration_seconds_count\{kind="set",status="completed"\} 1$/m);
    expect(prometheus).toMatch(/^cairn_executions_cancelled_total\{workflow="otlp\/waits"\} 1$/m);
    expect(prometheus).toMatch(/^cairn_task_retries_total\{workflow="otlp\/retries"\} 2$/m);
    expect(prometheus).toMatch(/^cairn_progress_batches_failed_total 1$/m);
  });
});
