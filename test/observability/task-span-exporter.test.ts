import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { describe, expect, it, vi } from 'vitest';
import type { SpanLossReason } from '../../src/observability/span-losses.ts';
import { RecordShape, recordParent, SpanRecord } from '../../src/observability/span-record.ts';
import { DEFAULT_BATCHING, TaskSpanExporter, type EncodedRequest } from '../../src/observability/task-span-exporter.ts';

const resource = defaultResource().merge(resourceFromAttributes({ 'service.name': 'cairn-test', 'deployment.environment': 'ünïcode' }));
const origin = { resource, scope: { name: 'cairn' } };
const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const parent = recordParent({ traceId, spanId: '00f067aa0ba902b7', traceFlags: 1, isRemote: true });
const attributes = { 'cairn.execution.id': 'e-1', 'cairn.task.pointer': '/do/0/loop/for/do/0/keep', 'cairn.sampled': true };
const shapes = [new RecordShape(origin, traceId, 'set keep ✓', attributes), new RecordShape(origin, traceId, 'set other', { ...attributes, 'cairn.task.pointer': '/do/1/other' })];

function taskRecord(index: number, options: { faulted?: boolean | string; parent?: boolean; cancelled?: boolean; iteration?: string; attempt?: number } = {}): SpanRecord {
  const iteration = options.iteration ?? (index % 3 ? `${index}.1` : '');
  const record = new SpanRecord(shapes[index % 7 === 0 ? 1 : 0]!, 0x9000_0000 + index, 0x1000 + index, options.parent === false ? undefined : parent, iteration, options.attempt ?? index % 2, 1_764_860_000_123 + index);
  const title = typeof options.faulted === 'string' ? options.faulted : 'Bad request: ☂';
  if (options.faulted) record.end(1_764_860_000_456 + index * 1_000_003, 'faulted', { type: 'https://serverlessworkflow.io/spec/1.0.0/errors/communication', title });
  else record.end(1_764_860_000_456 + index * 1_000_003, options.cancelled ? 'cancelled' : 'completed');
  return record;
}

/** An exporter whose requests, losses (summed by reason) and warnings are kept; requests are answered at once unless `answer` is given. */
function capturing(batching: Partial<typeof DEFAULT_BATCHING>, answer?: () => Promise<void>) {
  const requests: EncodedRequest[] = [];
  const losses: Partial<Record<SpanLossReason, number>> = {};
  const warnings: string[] = [];
  const exporter = new TaskSpanExporter(
    origin,
    { ...DEFAULT_BATCHING, ...batching },
    (request) => {
      requests.push({ bytes: Buffer.from(request.bytes), spans: request.spans });
      return answer ? answer() : Promise.resolve();
    },
    (reason, count) => {
      losses[reason] = (losses[reason] ?? 0) + count;
    },
    (message) => warnings.push(message),
  );
  return { exporter, requests, losses, warnings };
}

describe('the task span exporter', () => {
  it('writes each request byte for byte as the OTLP library encodes its spans', async () => {
    const records = [
      taskRecord(0),
      taskRecord(1, { faulted: true }),
      taskRecord(2, { parent: false }),
      taskRecord(3, { cancelled: true }),
      taskRecord(4, { faulted: 'long ☂'.repeat(4_000) }),
      taskRecord(5, { iteration: 'ïteration ☂' }),
      taskRecord(6, { iteration: '1.'.repeat(80), attempt: 300 }),
      ...Array.from({ length: 1_200 }, (_, index) => taskRecord(7 + index, { faulted: index % 500 === 0 })),
    ];
    const { exporter, requests } = capturing({ maxExportBatchSize: 512, maxQueueSize: 5_000 });
    for (const record of records) exporter.add(record);
    await exporter.flush();

    expect(requests.map((request) => request.spans)).toEqual([512, 512, 183]);
    // As hex: comparing ~100 KB buffers element by element takes the matcher seconds.
    expect(requests.map((request) => Buffer.from(request.bytes).toString('hex'))).toEqual(
      [records.slice(0, 512), records.slice(512, 1_024), records.slice(1_024)].map((batch) => Buffer.from(ProtobufTraceSerializer.serializeRequest(batch)!).toString('hex')),
    );
  });

  it('sends one request at a time and drops spans beyond the queue while the endpoint has not answered, and says how many', async () => {
    let answer = () => {};
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    const { exporter, requests, losses, warnings } = capturing({ maxExportBatchSize: 5, maxQueueSize: 10 }, () => answered);
    // 5 in flight, 10 queued (the queue bound does not count the request in flight, as in the batch span processor), 5 dropped.
    for (let index = 0; index < 20; index++) exporter.add(taskRecord(index));
    expect(requests.map((request) => request.spans)).toEqual([5]);
    expect(exporter.dropped).toBe(5);
    // Told as they happen, not when the warning is written.
    expect(losses).toEqual({ queue_full: 5 });
    expect(warnings).toEqual([]);

    answer();
    await exporter.flush();
    expect(requests.map((request) => request.spans)).toEqual([5, 5, 5]);
    exporter.add(taskRecord(20));
    await exporter.flush();
    expect(requests.map((request) => request.spans)).toEqual([5, 5, 5, 1]);
    expect(losses).toEqual({ queue_full: 5 });
    expect(warnings).toEqual(['task spans: 5 dropped (5 in all): more than 10 (OTEL_BSP_MAX_QUEUE_SIZE) were waiting for export (cairn_trace_spans_dropped_total{reason="queue_full"})']);
  });

  it('sends a request that is not full once the schedule delay has passed', async () => {
    const { exporter, requests } = capturing({ scheduledDelayMillis: 10 });
    exporter.add(taskRecord(0));
    exporter.add(taskRecord(1));
    await vi.waitFor(() => expect(requests.map((request) => request.spans)).toEqual([2]));
  });

  it('reports a failed request, its spans as lost, and frees its place in the queue', async () => {
    const { exporter, requests, losses, warnings } = capturing({ maxExportBatchSize: 2, maxQueueSize: 2 }, () => Promise.reject(new Error('connection refused')));
    for (let index = 0; index < 4; index++) {
      exporter.add(taskRecord(index));
      await exporter.flush();
    }
    exporter.add(taskRecord(4));
    exporter.add(taskRecord(5));
    await exporter.flush();
    expect(requests.map((request) => request.spans)).toEqual([1, 1, 1, 1, 2]);
    expect(exporter.dropped).toBe(0);
    expect(losses).toEqual({ export_failed: 6 });
    expect(warnings).toEqual([
      ...Array.from({ length: 4 }, () => 'task spans: a request of 1 spans failed, they are lost (cairn_trace_spans_dropped_total{reason="export_failed"}): connection refused'),
      'task spans: a request of 2 spans failed, they are lost (cairn_trace_spans_dropped_total{reason="export_failed"}): connection refused',
    ]);
  });

  it('counts the spans of a request the endpoint does not answer within the export timeout as lost', async () => {
    const { exporter, losses, warnings } = capturing({ maxExportBatchSize: 3, exportTimeoutMillis: 20 }, () => new Promise<void>(() => {}));
    for (let index = 0; index < 3; index++) exporter.add(taskRecord(index));
    await exporter.flush();
    expect(losses).toEqual({ export_failed: 3 });
    expect(warnings).toEqual(['task spans: a request of 3 spans failed, they are lost (cairn_trace_spans_dropped_total{reason="export_failed"}): no answer within 20 ms']);
  });
});
