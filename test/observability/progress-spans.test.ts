import type { Server } from 'node:http';
import { defaultResource } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessEventBus } from '../../src/bus/in-process-bus.ts';
import { EVENT_TYPES } from '../../src/core/events.ts';
import { traceRoot } from '../../src/core/trace-context.ts';
import { runLocal } from '../../src/hosts/local/run-local.ts';
import { ProgressSpans } from '../../src/observability/progress-spans.ts';
import { createTracing } from '../../src/observability/tracing.ts';
import { flakyServer, tracedWorkflow } from './traced-workflow.ts';

let fixture: { server: Server; port: number; traceparents: string[] };
beforeAll(async () => {
  fixture = await flakyServer();
});
afterAll(() => {
  fixture?.server.close();
});

describe('spans derived from progress events', () => {
  it('build the task tree under the caller once, even when every event is delivered twice', async () => {
    const exporter = new InMemorySpanExporter();
    const { tracing } = createTracing(defaultResource(), new SimpleSpanProcessor(exporter));
    const caller = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
    const root = traceRoot('spans-1', `00-${caller.traceId}-${caller.spanId}-01`);
    const document = tracedWorkflow(fixture.port);
    const spans = new ProgressSpans(tracing, root, 'spans-1', document);
    const bus = new InProcessEventBus();
    const producer = `00-${caller.traceId}-1111111111111111-01`;

    const result = await runLocal(document, {}, {
      executionId: 'spans-1',
      bus,
      onEvent: (event) => {
        spans.observe(event);
        spans.observe(event);
        if (event.type === EVENT_TYPES.workflowCorrelationStarted) void bus.publish({ specversion: '1.0', id: 'r', source: 'test', type: 'com.example.ready', traceparent: producer, data: {} });
      },
    });

    expect(result.status).toBe('completed');
    const finished = exporter.getFinishedSpans();
    const tree = finished.map((span) => ({
      name: span.name,
      parent: finished.find((candidate) => candidate.spanContext().spanId === span.parentSpanContext?.spanId)?.name ?? span.parentSpanContext?.spanId,
      attempt: span.attributes['cairn.task.attempt'],
      status: span.attributes['cairn.status'],
    }));
    expect(tree).toEqual(
      expect.arrayContaining([
        { name: 'workflow otel/traced', parent: caller.spanId, attempt: undefined, status: 'completed' },
        { name: 'fork both', parent: 'workflow otel/traced', attempt: 0, status: 'completed' },
        { name: 'set left', parent: 'fork both', attempt: 0, status: 'completed' },
        { name: 'try right', parent: 'fork both', attempt: 0, status: 'completed' },
        { name: 'call fetch', parent: 'try right', attempt: 0, status: 'faulted' },
        { name: 'call fetch', parent: 'try right', attempt: 1, status: 'completed' },
        { name: 'listen awaitReady', parent: 'workflow otel/traced', attempt: 0, status: 'completed' },
      ]),
    );
    expect(finished).toHaveLength(7);
    expect(new Set(finished.map((span) => span.spanContext().traceId))).toEqual(new Set([caller.traceId]));
    const left = finished.find((span) => span.name === 'set left')!;
    expect(left.attributes).toMatchObject({
      'cairn.workflow.namespace': 'otel',
      'cairn.workflow.name': 'traced',
      'cairn.workflow.version': expect.any(String),
      'cairn.execution.id': 'spans-1',
      'cairn.task.pointer': expect.stringMatching(/\/left$/),
      'cairn.task.kind': 'set',
    });
    const listen = finished.find((span) => span.name === 'listen awaitReady')!;
    expect(listen.links.map((link) => link.context.spanId)).toEqual(['1111111111111111']);
  });
});
