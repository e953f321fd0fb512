import { SpanStatusCode } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { recordSerializer } from '../../src/observability/record-serializer.ts';
import { SpanRecord } from '../../src/observability/span-record.ts';

const resource = defaultResource().merge(resourceFromAttributes({ 'service.name': 'cairn-test', 'deployment.environment': 'ünïcode' }));
const origin = { resource, scope: { name: 'cairn' } };
const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';

function taskRecord(index: number, options: { faulted?: boolean; parent?: boolean } = {}): SpanRecord {
  const record = new SpanRecord(
    origin,
    { traceId, spanId: (0x1000 + index).toString(16).padStart(16, '0'), traceFlags: 1 },
    options.parent === false ? undefined : { traceId, spanId: '00f067aa0ba902b7', traceFlags: 1, isRemote: true },
    `set keep-${index} ✓`,
    1_764_860_000_123 + index,
    { 'cairn.execution.id': 'e-1', 'cairn.task.pointer': '/do/0/loop/for/do/0/keep', 'cairn.task.iteration': index % 3 ? `${index}.1` : '', 'cairn.task.attempt': index % 2, 'cairn.sampled': true },
  );
  record.attributes['cairn.status'] = options.faulted ? 'faulted' : 'completed';
  if (options.faulted) record.status = { code: SpanStatusCode.ERROR, message: 'Bad request: ☂' };
  record.end(1_764_860_000_456 + index * 1_000_003);
  return record;
}

describe('the OTLP serializer of span records', () => {
  it('encodes records exactly as the OTLP library does', () => {
    const records = [taskRecord(0), taskRecord(1, { faulted: true }), taskRecord(2, { parent: false }), ...Array.from({ length: 200 }, (_, index) => taskRecord(3 + index))];
    expect(Buffer.from(recordSerializer.serializeRequest(records)!)).toEqual(Buffer.from(ProtobufTraceSerializer.serializeRequest(records)!));
  });

  it('leaves tracer spans and records with events or links to the library, in the same request', () => {
    const provider = new BasicTracerProvider({ resource });
    const span = provider.getTracer('cairn').startSpan('GET 127.0.0.1');
    span.end();
    const sdkSpan = span as unknown as ReadableSpan;
    const retried = taskRecord(7);
    retried.addEvent('retry', { 'cairn.task.attempt': 1 }, 1_764_860_000_200);
    const plain = [taskRecord(8), taskRecord(9, { faulted: true })];
    const request = recordSerializer.serializeRequest([plain[0]!, sdkSpan, retried, plain[1]!]);
    expect(Buffer.from(request!)).toEqual(Buffer.concat([ProtobufTraceSerializer.serializeRequest([sdkSpan, retried])!, ProtobufTraceSerializer.serializeRequest(plain)!]));
  });
});
