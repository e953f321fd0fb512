import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { recordSerializer } from '../../src/observability/record-serializer.ts';
import { RecordShape, recordParent, SpanRecord } from '../../src/observability/span-record.ts';

const resource = defaultResource().merge(resourceFromAttributes({ 'service.name': 'cairn-test', 'deployment.environment': 'ünïcode' }));
const origin = { resource, scope: { name: 'cairn' } };
const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const parent = recordParent({ traceId, spanId: '00f067aa0ba902b7', traceFlags: 1, isRemote: true });
const attributes = { 'cairn.execution.id': 'e-1', 'cairn.task.pointer': '/do/0/loop/for/do/0/keep', 'cairn.sampled': true };
const shapes = [new RecordShape(origin, traceId, 'set keep ✓', attributes), new RecordShape(origin, traceId, 'set other', { ...attributes, 'cairn.task.pointer': '/do/1/other' })];

function taskRecord(index: number, options: { faulted?: boolean | string; parent?: boolean; cancelled?: boolean } = {}): SpanRecord {
  const record = new SpanRecord(shapes[index % 7 === 0 ? 1 : 0]!, 0x9000_0000 + index, 0x1000 + index, options.parent === false ? undefined : parent, index % 3 ? `${index}.1` : '', index % 2, 1_764_860_000_123 + index);
  const title = typeof options.faulted === 'string' ? options.faulted : 'Bad request: ☂';
  if (options.faulted) record.end(1_764_860_000_456 + index * 1_000_003, 'faulted', { type: 'https://serverlessworkflow.io/spec/1.0.0/errors/communication', title });
  else record.end(1_764_860_000_456 + index * 1_000_003, options.cancelled ? 'cancelled' : 'completed');
  return record;
}

describe('the OTLP serializer of span records', () => {
  it('encodes records exactly as the OTLP library does', () => {
    const records = [taskRecord(0), taskRecord(1, { faulted: true }), taskRecord(2, { parent: false }), taskRecord(3, { cancelled: true }), taskRecord(4, { faulted: 'long ☂'.repeat(4_000) }), ...Array.from({ length: 200 }, (_, index) => taskRecord(5 + index))];
    expect(Buffer.from(recordSerializer.serializeRequest(records)!)).toEqual(Buffer.from(ProtobufTraceSerializer.serializeRequest(records)!));
  });

  it('encodes records spread over several of its encoding buffers, in the order given', () => {
    const records = Array.from({ length: 3_000 }, (_, index) => taskRecord(index, { faulted: index % 500 === 0 }));
    const shuffled = [...records.slice(1_500), ...records.slice(0, 1_500).reverse()];
    // As hex: comparing ~700 KB buffers element by element takes the matcher seconds.
    expect(Buffer.from(recordSerializer.serializeRequest(shuffled)!).toString('hex')).toBe(Buffer.from(ProtobufTraceSerializer.serializeRequest(shuffled)!).toString('hex'));
  });

  it('leaves tracer spans and records with events or links to the library, in the same request', () => {
    const provider = new BasicTracerProvider({ resource });
    const span = provider.getTracer('cairn').startSpan('GET 127.0.0.1');
    span.end();
    const sdkSpan = span as unknown as ReadableSpan;
    const retried = new SpanRecord(shapes[0]!, 1, 7, parent, '', 1, 1_764_860_000_100);
    retried.addEvent('retry', { 'cairn.task.attempt': 1 }, 1_764_860_000_200);
    retried.end(1_764_860_000_300, 'completed');
    const plain = [taskRecord(8), taskRecord(9, { faulted: true })];
    const request = recordSerializer.serializeRequest([plain[0]!, sdkSpan, retried, plain[1]!]);
    expect(Buffer.from(request!)).toEqual(Buffer.concat([ProtobufTraceSerializer.serializeRequest([sdkSpan, retried])!, ProtobufTraceSerializer.serializeRequest(plain)!]));
  });
});
