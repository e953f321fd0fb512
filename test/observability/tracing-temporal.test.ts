import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { context, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../src/core/events.ts';
import { followExecution, startExecution } from '../../src/hosts/temporal/client.ts';
import { eventSignal, progressQuery } from '../../src/hosts/temporal/messages.ts';
import { connectWorker, createCairnWorker } from '../../src/hosts/temporal/worker.ts';
import { traceRun } from '../../src/observability/trace-run.ts';
import { loadTracing } from '../../src/observability/tracing.ts';
import { startJaeger, traceSpans, type JaegerServer } from '../support/jaeger.ts';
import { startTemporalServer, type DevServer } from '../support/temporal-server.ts';
import { expectTracedTree, flakyServer, tracedWorkflow } from './traced-workflow.ts';

const TASK_QUEUE = 'otel-test';
let jaeger: JaegerServer;
let temporal: DevServer;
let fixture: { server: Server; port: number; traceparents: string[] };
let connection: Connection;
let workerConnection: NativeConnection;

beforeAll(async () => {
  [jaeger, temporal, fixture] = await Promise.all([startJaeger(), startTemporalServer(), flakyServer()]);
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = jaeger.otlpHttp;
  connection = await Connection.connect({ address: temporal.address });
  workerConnection = await connectWorker(temporal.address);
}, 120_000);
afterAll(async () => {
  delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  await connection?.close();
  await workerConnection?.close();
  fixture?.server.close();
  await Promise.all([jaeger?.stop(), temporal?.stop()]);
});

async function startWorker(): Promise<{ worker: Worker; running: Promise<void> }> {
  const worker = await createCairnWorker({ connection: workerConnection, taskQueue: TASK_QUEUE });
  return { worker, running: worker.run() };
}

describe('tracing on Temporal, exported over OTLP to Jaeger', () => {
  it('gives the same span tree as the local host, also when the worker restarts mid-run and replays the history', async () => {
    const { tracer, flush } = await loadTracing();
    const caller = tracer.startSpan('test caller');
    const { traceId, spanId } = caller.spanContext();
    const producer = tracer.startSpan('test producer', {}, trace.setSpan(context.active(), caller));
    producer.end();
    const client = new Client({ connection });
    const document = tracedWorkflow(fixture.port);
    let owned = await startWorker();

    const result = await traceRun(document, { executionId: 'otel-temporal-restart', traceparent: `00-${traceId}-${spanId}-01` }, async (traced) => {
      const handle = await startExecution(client, document, {}, { executionId: traced.executionId!, taskQueue: TASK_QUEUE, options: { trace: traced.trace! } });
      const followed = followExecution(handle, { onEvent: traced.onEvent! });
      for (let attempt = 0; attempt < 300; attempt++) {
        const page = await handle.query(progressQuery, 0, 10_000);
        if (page.events.some((event) => event.type === EVENT_TYPES.workflowCorrelationStarted)) break;
        await new Promise((done) => setTimeout(done, 100));
      }
      // A new worker has no cached workflow: the signal's workflow task replays the whole history.
      await owned.worker.shutdown();
      await owned.running;
      owned = await startWorker();
      await handle.signal(eventSignal, { specversion: '1.0', id: 'ready-1', source: 'test', type: 'com.example.ready', traceparent: `00-${traceId}-${producer.spanContext().spanId}-01`, data: {} });
      return followed;
    });
    owned.worker.shutdown();
    await owned.running;
    caller.end();
    await flush();

    expect(result.status).toBe('completed');
    const spans = await traceSpans(jaeger, traceId, 11);
    expectTracedTree(spans, { traceId, spanId }, producer.spanContext().spanId, fixture.traceparents);
  });
});
