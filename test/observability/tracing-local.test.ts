import type { Server } from 'node:http';
import { context, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessEventBus } from '../../src/bus/in-process-bus.ts';
import { EVENT_TYPES } from '../../src/core/events.ts';
import { runOnHost } from '../../src/hosts/index.ts';
import { loadTracing } from '../../src/observability/tracing.ts';
import { startJaeger, traceSpans, type JaegerServer } from '../support/jaeger.ts';
import { expectTracedTree, flakyServer, tracedWorkflow } from './traced-workflow.ts';

let jaeger: JaegerServer;
let fixture: { server: Server; port: number; traceparents: string[] };

beforeAll(async () => {
  jaeger = await startJaeger();
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = jaeger.otlpHttp;
  process.env.OTEL_SERVICE_NAME = 'cairn-test';
  fixture = await flakyServer();
}, 60_000);
afterAll(async () => {
  delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  fixture?.server.close();
  await jaeger?.stop();
});

describe('tracing on the local host, exported over OTLP to Jaeger', () => {
  it('a fork, a retried HTTP call and a listen woken by a traced CloudEvent make one trace under the caller', async () => {
    const { tracer, flush } = await loadTracing();
    const caller = tracer.startSpan('test caller');
    const { traceId, spanId } = caller.spanContext();
    const producer = tracer.startSpan('test producer', {}, trace.setSpan(context.active(), caller));
    const producerContext = producer.spanContext();
    producer.end();
    const bus = new InProcessEventBus();
    const result = await runOnHost('local', tracedWorkflow(fixture.port), {}, {
      bus,
      traceparent: `00-${traceId}-${spanId}-01`,
      onEvent: (event) => {
        if (event.type !== EVENT_TYPES.workflowCorrelationStarted) return;
        void bus.publish({ specversion: '1.0', id: 'ready-1', source: 'test', type: 'com.example.ready', traceparent: `00-${traceId}-${producerContext.spanId}-01`, data: {} });
      },
    });
    caller.end();
    await flush();

    expect(result.status).toBe('completed');
    const spans = await traceSpans(jaeger, traceId, 11);
    expectTracedTree(spans, { traceId, spanId }, producerContext.spanId, fixture.traceparents);
    expect(spans.find((span) => span.operationName === 'workflow otel/traced')?.processID).toBeDefined();
  });
});
