import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTracing } from '../../src/observability/tracing.ts';
import type { ExecutionStore } from '../../src/store/execution-store.ts';
import { startJaeger, traceSpans, type JaegerServer, type JaegerSpan } from '../support/jaeger.ts';
import { startTemporalServer, type DevServer } from '../support/temporal-server.ts';
import { waitForEnd } from '../service/service-fixture.ts';
import { startTemporalService, type TemporalService } from '../service/temporal-service-fixture.ts';

// The service on its Temporal engine, a real worker, a real Temporal dev server and a real Jaeger.
const TASK_QUEUE = 'service-traces';
const auth = { authorization: 'Bearer service-traces-token' };
let jaeger: JaegerServer;
let temporal: DevServer;
let service: TemporalService;
let store: ExecutionStore;
let app: FastifyInstance;

beforeAll(async () => {
  [jaeger, temporal] = await Promise.all([startJaeger(), startTemporalServer()]);
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = jaeger.otlpHttp;
  process.env.OTEL_METRICS_EXPORTER = 'none';
  service = await startTemporalService({ address: temporal.address, taskQueue: TASK_QUEUE, apiToken: 'service-traces-token' });
  ({ store, app } = service);
}, 120_000);
afterAll(async () => {
  await service?.close();
  delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  delete process.env.OTEL_METRICS_EXPORTER;
  await Promise.all([temporal?.stop(), jaeger?.stop()]);
});

describe('the service on Temporal, traced', () => {
  it('puts the request, the execution and its tasks (derived from the stored events) and Temporal\'s start and run spans in one trace', async () => {
    const caller = { traceId: '6bf92f3577b34da6a3ce929d0e0e4736', spanId: '20f067aa0ba902b7' };
    const response = await app.inject({
      method: 'POST',
      url: '/v1/executions',
      headers: { ...auth, traceparent: `00-${caller.traceId}-${caller.spanId}-01` },
      payload: { document: `document: { dsl: '1.0.0', namespace: svc, name: temporal, version: '1.0.0' }\ndo:\n  - one: { set: { a: 1 } }\n  - two: { set: { b: 2 } }` },
    });
    expect(response.statusCode).toBe(201);
    await waitForEnd(store, response.json().id);
    // The spans derived from the stored events are exported once the end is recorded.
    let spans: JaegerSpan[] = [];
    for (let attempt = 0; attempt < 50 && !spans.some((span) => span.operationName === 'set two'); attempt++) {
      await (await loadTracing()).flush();
      spans = await traceSpans(jaeger, caller.traceId, 6);
    }
    const byName = (name: string) => spans.filter((span) => span.operationName === name);
    const parentOf = (name: string) => byName(name)[0]?.references.find((reference) => reference.refType === 'CHILD_OF')?.spanID;
    const idOf = (name: string) => byName(name)[0]?.spanID;
    expect(parentOf('POST /v1/executions')).toBe(caller.spanId);
    expect(parentOf('workflow svc/temporal')).toBe(idOf('POST /v1/executions'));
    expect(parentOf('set one')).toBe(idOf('workflow svc/temporal'));
    expect(parentOf('set two')).toBe(idOf('workflow svc/temporal'));
    expect(parentOf('StartWorkflow:ExecuteServerlessWorkflow')).toBe(idOf('workflow svc/temporal'));
    expect(parentOf('RunWorkflow:ExecuteServerlessWorkflow')).toBe(idOf('StartWorkflow:ExecuteServerlessWorkflow'));
    for (const name of ['workflow svc/temporal', 'set one', 'set two', 'StartWorkflow:ExecuteServerlessWorkflow', 'RunWorkflow:ExecuteServerlessWorkflow']) expect(byName(name), name).toHaveLength(1);
  }, 120_000);
});
