import type { InstrumentationScope } from '@opentelemetry/core';
import { ProtobufTraceSerializer, type IExportTraceServiceResponse, type ISerializer } from '@opentelemetry/otlp-transformer';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { varintLength } from './protobuf-writer.ts';
import { RecordShape, SpanRecord } from './span-record.ts';

/**
 * OTLP/protobuf requests (ExportTraceServiceRequest) for the exporter. Span records encoded when
 * they ended (span-record.ts: nearly every task span) are copied into the request, between the
 * resource and scope parts the library encodes (once per resource and scope); every other span
 * goes through the library. The two parts are each a request, and concatenated requests are one
 * request (repeated fields append).
 */
export const recordSerializer: ISerializer<ReadableSpan[], IExportTraceServiceResponse> = {
  serializeRequest(spans) {
    const records: SpanRecord[] = [];
    const others: ReadableSpan[] = [];
    for (const span of spans) (span instanceof SpanRecord && span.encodedBytes ? records : others).push(span);
    if (records.length === 0) return ProtobufTraceSerializer.serializeRequest(others);
    const encoded = requestOf(records);
    return others.length === 0 ? encoded : Buffer.concat([ProtobufTraceSerializer.serializeRequest(others) ?? new Uint8Array(), encoded]);
  },
  deserializeResponse: (data) => ProtobufTraceSerializer.deserializeResponse(data),
};

/** One request of encoded records: sizes first, then one exact buffer, the records copied in runs of adjacent bytes. */
function requestOf(records: SpanRecord[]): Buffer {
  const groups = new Map<Resource, Map<InstrumentationScope, SpanRecord[]>>();
  for (const record of records) {
    const { resource, scope } = record.shape.origin;
    let scopes = groups.get(resource);
    if (!scopes) groups.set(resource, (scopes = new Map()));
    const group = scopes.get(scope);
    if (group) group.push(record);
    else scopes.set(scope, [record]);
  }
  const parts: { resourceLength: number; envelope: Envelope; scopes: { envelope: Envelope; spansLength: number; scopeLength: number; group: SpanRecord[] }[] }[] = [];
  let total = 0;
  for (const [resource, scopes] of groups) {
    const envelope = envelopeOf(resource, scopes.keys().next().value!);
    let resourceLength = envelope.resource.length + envelope.resourceTail.length;
    const scopeParts = [];
    for (const [scope, group] of scopes) {
      const scopeEnvelope = envelopeOf(resource, scope);
      let spansLength = 0;
      for (const record of group) spansLength += record.encodedTo - record.encodedFrom;
      const scopeLength = scopeEnvelope.scope.length + spansLength + scopeEnvelope.scopeTail.length;
      resourceLength += 1 + varintLength(scopeLength) + scopeLength;
      scopeParts.push({ envelope: scopeEnvelope, spansLength, scopeLength, group });
    }
    total += 1 + varintLength(resourceLength) + resourceLength;
    parts.push({ resourceLength, envelope, scopes: scopeParts });
  }
  const request = Buffer.allocUnsafe(total);
  let pos = 0;
  const varint = (value: number) => {
    while (value > 0x7f) {
      request[pos++] = (value % 128) | 0x80;
      value = Math.floor(value / 128);
    }
    request[pos++] = value;
  };
  const raw = (bytes: Buffer, from = 0, to = bytes.length) => {
    pos += bytes.copy(request, pos, from, to);
  };
  for (const { resourceLength, envelope, scopes } of parts) {
    request[pos++] = 0x0a;
    varint(resourceLength);
    raw(envelope.resource);
    for (const { envelope: scopeEnvelope, scopeLength, group } of scopes) {
      request[pos++] = 0x12;
      varint(scopeLength);
      raw(scopeEnvelope.scope);
      let run = group[0]!;
      let runTo = run.encodedTo;
      for (let index = 1; index < group.length; index++) {
        const record = group[index]!;
        if (record.encodedBytes === run.encodedBytes && record.encodedFrom === runTo) runTo = record.encodedTo;
        else {
          raw(run.encodedBytes!, run.encodedFrom, runTo);
          run = record;
          runTo = record.encodedTo;
        }
      }
      raw(run.encodedBytes!, run.encodedFrom, runTo);
      raw(scopeEnvelope.scopeTail);
    }
    raw(envelope.resourceTail);
  }
  return request;
}

/** The parts of a request around its spans for one resource and scope, as the library encodes them. */
interface Envelope {
  /** ResourceSpans.resource, tag and length included. */
  resource: Buffer;
  /** ResourceSpans fields after scope_spans (schema_url). */
  resourceTail: Buffer;
  /** ScopeSpans.scope, tag and length included. */
  scope: Buffer;
  /** ScopeSpans fields after spans (schema_url). */
  scopeTail: Buffer;
}

const envelopes = new WeakMap<Resource, Map<InstrumentationScope, Envelope>>();

/** Cut from the library's encoding of one probe span with this resource and scope. */
function envelopeOf(resource: Resource, scope: InstrumentationScope): Envelope {
  let byScope = envelopes.get(resource);
  const cached = byScope?.get(scope);
  if (cached) return cached;
  const probe = new SpanRecord(new RecordShape({ resource, scope }, '1'.repeat(32), 'probe', {}), 1, 1, undefined, '', 0, 0);
  const [resourceSpans] = fieldsOf(Buffer.from(ProtobufTraceSerializer.serializeRequest([probe])!));
  const outer = fieldsOf(resourceSpans!.body);
  const inner = fieldsOf(outer.find((field) => field.number === 2)!.body);
  const envelope: Envelope = {
    resource: Buffer.concat(outer.filter((field) => field.number === 1).map((field) => field.raw)),
    resourceTail: Buffer.concat(outer.filter((field) => field.number > 2).map((field) => field.raw)),
    scope: Buffer.concat(inner.filter((field) => field.number === 1).map((field) => field.raw)),
    scopeTail: Buffer.concat(inner.filter((field) => field.number > 2).map((field) => field.raw)),
  };
  if (!byScope) envelopes.set(resource, (byScope = new Map()));
  byScope.set(scope, envelope);
  return envelope;
}

/** The length-delimited fields of a message (all the envelope levels hold). */
function fieldsOf(message: Buffer): { number: number; raw: Buffer; body: Buffer }[] {
  const fields: { number: number; raw: Buffer; body: Buffer }[] = [];
  let pos = 0;
  const varint = (): number => {
    let value = 0;
    for (let shift = 1; ; shift *= 128) {
      const byte = message[pos++]!;
      value += (byte & 0x7f) * shift;
      if (byte < 0x80) return value;
    }
  };
  while (pos < message.length) {
    const start = pos;
    const tag = varint();
    if ((tag & 7) !== 2) throw new Error(`unexpected wire type ${tag & 7} in an OTLP envelope`);
    const length = varint();
    fields.push({ number: tag >>> 3, raw: message.subarray(start, pos + length), body: message.subarray(pos, pos + length) });
    pos += length;
  }
  return fields;
}
