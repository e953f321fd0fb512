import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionService } from '../../src/service/gen/cairn/v1/execution_service_pb.ts';
import { loadTracing } from '../../src/observability/tracing.ts';
import { parentOf, startJaeger, tag, traceSpans, type JaegerServer } from '../support/jaeger.ts';
import { API_TOKEN, auth, startTestService, waitForEnd, type TestService } from '../service/service-fixture.ts';

let jaeger: JaegerServer;
let service: TestService;
let listening: Promise<string> | undefined;
/** The service's URL on loopback, listening from the first test that needs a socket. */
const serviceUrl = () => (listening ??= service.app.listen({ port: 0, host: '127.0.0.1' }));

beforeAll(async () => {
  jaeger = await startJaeger();
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = jaeger.otlpHttp;
  // Traces only: this test has no metrics receiver.
  process.env.OTEL_METRICS_EXPORTER = 'none';
  service = await startTestService();
}, 60_000);
afterAll(async () => {
  await service?.close();
  delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  delete process.env.OTEL_METRICS_EXPORTER;
  await jaeger?.stop();
});

describe('the service traces its API requests', () => {
  it('a start request gets a server span below its traceparent, and the execution goes below that span', async () => {
    const caller = { traceId: '5bf92f3577b34da6a3ce929d0e0e4736', spanId: '10f067aa0ba902b7' };
    const response = await service.app.inject({
      method: 'POST',
      url: '/v1/executions',
      headers: { ...auth, traceparent: `00-${caller.traceId}-${caller.spanId}-01` },
      payload: { document: `document: { dsl: '1.0.0', namespace: api, name: traced, version: '1.0.0' }\ndo:\n  - one: { set: { a: 1 } }` },
    });
    expect(response.statusCode).toBe(201);
    await waitForEnd(service.store, response.json().id);
    await (await loadTracing()).flush();

    const spans = await traceSpans(jaeger, caller.traceId, 3);
    const parentOf = (name: string) => spans.find((span) => span.operationName === name)?.references.find((reference) => reference.refType === 'CHILD_OF')?.spanID;
    const server = spans.find((span) => span.operationName === 'POST /v1/executions');
    expect(server).toBeDefined();
    expect(tag(server!, 'http.response.status_code')).toBe(201);
    expect(parentOf('POST /v1/executions')).toBe(caller.spanId);
    expect(parentOf('workflow api/traced')).toBe(server!.spanID);
    expect(parentOf('set one')).toBe(spans.find((span) => span.operationName === 'workflow api/traced')?.spanID);
  });

  it('a gRPC StartExecution goes below its traceparent metadata the same way', async () => {
    const caller = { traceId: '7bf92f3577b34da6a3ce929d0e0e4736', spanId: '30f067aa0ba902b7' };
    const client = createClient(ExecutionService, createGrpcTransport({ baseUrl: await serviceUrl() }));
    const started = await client.startExecution(
      { document: `document: { dsl: '1.0.0', namespace: api, name: grpc-traced, version: '1.0.0' }\ndo:\n  - one: { set: { a: 1 } }` },
      { headers: { ...auth, traceparent: `00-${caller.traceId}-${caller.spanId}-01` } },
    );
    await waitForEnd(service.store, started.execution!.id);
    await (await loadTracing()).flush();

    const spans = await traceSpans(jaeger, caller.traceId, 3);
    const named = (name: string) => spans.find((span) => span.operationName === name);
    const server = named('POST /cairn.v1.ExecutionService/StartExecution');
    expect(parentOf(server!)).toBe(caller.spanId);
    expect(named('workflow api/grpc-traced'), 'the execution in the caller\'s trace').toBeDefined();
    expect(parentOf(named('workflow api/grpc-traced')!)).toBe(server!.spanID);
  });

  it('`cairn executions start` continues the TRACEPARENT of its environment, as `cairn run` does', async () => {
    const caller = { traceId: '9bf92f3577b34da6a3ce929d0e0e4736', spanId: '50f067aa0ba902b7' };
    const file = join(mkdtempSync(join(tmpdir(), 'cairn-cli-trace-')), 'cli-traced.yaml');
    writeFileSync(file, `document: { dsl: '1.0.0', namespace: api, name: cli-traced, version: '1.0.0' }\ndo:\n  - one: { set: { a: 1 } }\n`);
    const { stdout } = await promisify(execFile)(process.execPath, ['bin/cairn.js', 'executions', 'start', file, '--service', await serviceUrl(), '--token', API_TOKEN], {
      cwd: join(import.meta.dirname, '../..'),
      env: { ...process.env, TRACEPARENT: `00-${caller.traceId}-${caller.spanId}-01`, OTEL_EXPORTER_OTLP_ENDPOINT: '' },
    });
    await waitForEnd(service.store, stdout.trim());
    await (await loadTracing()).flush();

    const spans = await traceSpans(jaeger, caller.traceId, 3);
    const named = (name: string) => spans.find((span) => span.operationName === name);
    const server = named('POST /v1/executions');
    expect(server, "the start request in the caller's trace").toBeDefined();
    expect(parentOf(server!)).toBe(caller.spanId);
    expect(parentOf(named('workflow api/cli-traced')!)).toBe(server!.spanID);
  });
});
