import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { WorkflowInfo } from '@temporalio/workflow';
import { context, trace } from '@opentelemetry/api';
import { parse as parseYaml } from 'yaml';
import type { WorkflowDocument } from '../../src/core/model.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../src/core/events.ts';
import { followExecution, startExecution } from '../../src/hosts/temporal/client.ts';
import { eventSignal, progressQuery } from '../../src/hosts/temporal/messages.ts';
import { connectWorker, createCairnWorker } from '../../src/hosts/temporal/worker.ts';
import { executionTraceparent } from '../../src/core/trace-context.ts';
import { clientInterceptors, underSpan, workerTracing } from '../../src/observability/temporal-tracing.ts';
import { traceRun } from '../../src/observability/trace-run.ts';
import { loadTracing } from '../../src/observability/tracing.ts';
import { parentOf, repeatedSpans, startJaeger, tag, traceSpans, type JaegerServer, type JaegerSpan } from '../support/jaeger.ts';
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
    const client = new Client({ connection, interceptors: await clientInterceptors() });
    const document = tracedWorkflow(fixture.port);
    let owned = await startWorker();

    const result = await traceRun(document, { executionId: 'otel-temporal-restart', traceparent: `00-${traceId}-${spanId}-01` }, async (traced) => {
      const executionId = traced.executionId!;
      const handle = await underSpan(executionTraceparent(traced.trace!, executionId), () =>
        startExecution(client, document, {}, { executionId, taskQueue: TASK_QUEUE, options: { trace: traced.trace! } }),
      );
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
      // Sent as the service sends a CloudEvent: below the span that produced it.
      const producerTraceparent = `00-${traceId}-${producer.spanContext().spanId}-01`;
      await underSpan(producerTraceparent, () => handle.signal(eventSignal, { specversion: '1.0', id: 'ready-1', source: 'test', type: 'com.example.ready', traceparent: producerTraceparent, data: {} }));
      return followed;
    });
    owned.worker.shutdown();
    await owned.running;
    caller.end();
    await flush();

    expect(result.status).toBe('completed');
    // Cairn's 11 spans, and Temporal's: the start and the run, StartActivity per HTTP attempt (no RunActivity: the HTTP span is the activity's run), the signal sent and handled.
    const spans = await traceSpans(jaeger, traceId, 17);
    expectTracedTree(spans, { traceId, spanId }, producer.spanContext().spanId, fixture.traceparents);
    const named = (name: string) => spans.filter((span) => span.operationName === name);
    const [execution] = named('workflow otel/traced');
    const [start] = named('StartWorkflow:ExecuteServerlessWorkflow');
    expect(parentOf(start!)).toBe(execution!.spanID);
    expect(named('RunWorkflow:ExecuteServerlessWorkflow').map(parentOf)).toEqual([start!.spanID]);
    const attempts = named('call fetch').map((span) => span.spanID);
    const scheduled = named('StartActivity:performEffect');
    expect(scheduled.map(parentOf).sort()).toEqual([...attempts].sort());
    expect(named('RunActivity:performEffect')).toEqual([]);
    // The failed attempt's activity span carries the failure, the retried one does not.
    const attemptOf = (span: JaegerSpan) => tag(spans.find((candidate) => candidate.spanID === parentOf(span))!, 'cairn.task.attempt');
    expect(scheduled.map((span) => [attemptOf(span), tag(span, 'otel.status_code')]).sort()).toEqual([
      [0, 'ERROR'],
      [1, 'OK'],
    ]);
    const requests = spans.filter((span) => tag(span, 'cairn.effect.kind') === 'http');
    expect(requests.map(parentOf).sort()).toEqual(scheduled.map((span) => span.spanID).sort());
    expect(scheduled.every((span) => tag(span, 'temporalWorkflowId') === 'otel-temporal-restart')).toBe(true);
    const [signal] = named('SignalWorkflow:cairn.event');
    expect(parentOf(signal!)).toBe(producer.spanContext().spanId);
    expect(named('HandleSignal:cairn.event').map(parentOf)).toEqual([signal!.spanID]);
    // Nothing else, and nothing twice: the replay after the restart exported no span again.
    expect(spans).toHaveLength(17);
  }, 120_000);

  it('exports a sandbox span once when Temporal calls the span sink again for a workflow task that runs twice', async () => {
    // Temporal calls sinks even for a workflow task whose completion then fails; the task runs again
    // live and hands out the same spans. The second call is made here by hand, as Temporal would.
    const { sinks } = await workerTracing();
    const { tracer, flush } = await loadTracing();
    const traceId = tracer.startSpan('test trace').spanContext().traceId;
    const info = { workflowId: 'otel-task-twice', runId: 'run-twice' } as WorkflowInfo;
    // The task's second run starts later: its spans differ in time only.
    const spans = (startMillis: number) => ['00000000000000a1', '00000000000000a2'].map((spanId) => ({ name: 'StartActivity:performEffect', traceId, spanId, startMillis, endMillis: startMillis + 5 }));
    await sinks.cairnSpans.export.fn(info, spans(1_000));
    await flush();
    await sinks.cairnSpans.export.fn(info, spans(9_000));
    await flush();
    expect((await traceSpans(jaeger, traceId, 2)).map((span) => span.spanID).sort()).toEqual(['00000000000000a1', '00000000000000a2']);
    // Whatever arrives late arrives within a second of a flush on loopback.
    await new Promise((done) => setTimeout(done, 1_000));
    expect(await traceSpans(jaeger, traceId, 2)).toHaveLength(2);
  }, 60_000);

  it('keeps one trace with each span once across continue-as-new: every run is a child of the ContinueAsNew span that started it', async () => {
    const { tracer, flush } = await loadTracing();
    const caller = tracer.startSpan('test caller');
    const { traceId, spanId } = caller.spanContext();
    const client = new Client({ connection, interceptors: await clientInterceptors() });
    const document = parseYaml(`
document: { dsl: '1.0.0', namespace: otel, name: continued, version: '1.0.0' }
do:
  - steps:
      for: { each: item, in: '\${ [range(0; 4)] }' }
      do:
        - nap: { wait: { milliseconds: 5 } }
`) as WorkflowDocument;
    const owned = await startWorker();
    const result = await traceRun(document, { executionId: 'otel-continued', traceparent: `00-${traceId}-${spanId}-01` }, async (traced) => {
      const executionId = traced.executionId!;
      const handle = await underSpan(executionTraceparent(traced.trace!, executionId), () =>
        startExecution(client, document, {}, { executionId, taskQueue: TASK_QUEUE, options: { trace: traced.trace!, continueAsNew: { historyEvents: 1 } } }),
      );
      return followExecution(handle, { onEvent: traced.onEvent!, pollIntervalMs: 20 });
    });
    owned.worker.shutdown();
    await owned.running;
    caller.end();
    await flush();

    expect(result.status).toBe('completed');
    const spans = await traceSpans(jaeger, traceId, 12);
    const named = (name: string) => spans.filter((span) => span.operationName === name);
    expect(repeatedSpans(spans)).toEqual([]);
    expect(named('workflow otel/continued')).toHaveLength(1);
    expect(named('for steps')).toHaveLength(1);
    expect(named('wait nap').map((span) => tag(span, 'cairn.task.iteration')).sort()).toEqual(['0', '1', '2', '3']);
    const runs = named('RunWorkflow:ExecuteServerlessWorkflow');
    const continued = named('ContinueAsNew:ExecuteServerlessWorkflow');
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(continued).toHaveLength(runs.length - 1);
    const [start] = named('StartWorkflow:ExecuteServerlessWorkflow');
    const continuedIds = continued.map((span) => span.spanID);
    expect(runs.filter((run) => parentOf(run) === start!.spanID)).toHaveLength(1);
    expect(runs.filter((run) => parentOf(run) !== start!.spanID).map(parentOf).sort()).toEqual([...continuedIds].sort());
    // A run that continued as new ended well: continuing is not an error.
    expect(runs.map((run) => tag(run, 'otel.status_code'))).toEqual(runs.map(() => 'OK'));
  }, 120_000);
});
