import type { HrTime } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import { ProtobufTraceSerializer, type IExportTraceServiceResponse, type ISerializer } from '@opentelemetry/otlp-transformer';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SpanRecord } from './span-record.ts';

/**
 * OTLP/protobuf requests (ExportTraceServiceRequest) for the exporter. Span records without
 * events or links — nearly every task span — are encoded here, field for field as the OTLP
 * library encodes them, but from pieces encoded once (a task's attribute pairs repeat across a
 * loop's iterations) and in one pass; every other span goes through the library. The two
 * parts are each a request, and concatenated requests are one request (repeated fields append).
 */
export const recordSerializer: ISerializer<ReadableSpan[], IExportTraceServiceResponse> = {
  serializeRequest(spans) {
    const records: SpanRecord[] = [];
    const others: ReadableSpan[] = [];
    for (const span of spans) (span instanceof SpanRecord && span.events.length === 0 && span.links.length === 0 ? records : others).push(span);
    if (records.length === 0) return ProtobufTraceSerializer.serializeRequest(others);
    const encoded = encodeRecords(records);
    return others.length === 0 ? encoded : Buffer.concat([ProtobufTraceSerializer.serializeRequest(others) ?? new Uint8Array(), encoded]);
  },
  deserializeResponse: (data) => ProtobufTraceSerializer.deserializeResponse(data),
};

/** A growable buffer with the few protobuf writes a span needs. */
class Writer {
  bytes = Buffer.allocUnsafe(16 * 1024);
  pos = 0;

  reserve(length: number): void {
    if (this.pos + length <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.pos + length));
    this.bytes.copy(grown, 0, 0, this.pos);
    this.bytes = grown;
  }

  varint(value: number): void {
    this.reserve(10);
    while (value > 0x7f) {
      this.bytes[this.pos++] = (value % 128) | 0x80;
      value = Math.floor(value / 128);
    }
    this.bytes[this.pos++] = value;
  }

  raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.bytes.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** A length-delimited field of bytes given in hex (trace and span ids). */
  hex(tag: number, hex: string): void {
    const length = hex.length >> 1;
    this.reserve(2 + length);
    this.bytes[this.pos++] = tag;
    this.bytes[this.pos++] = length;
    for (let index = 0; index < hex.length; index += 2) this.bytes[this.pos++] = (nibble(hex.charCodeAt(index)) << 4) | nibble(hex.charCodeAt(index + 1));
  }

  string(tag: number, text: string): void {
    const length = utf8Length(text);
    this.varint(tag);
    this.varint(length);
    this.reserve(length);
    if (length === text.length) for (let index = 0; index < length; index++) this.bytes[this.pos++] = text.charCodeAt(index);
    else this.pos += this.bytes.write(text, this.pos);
  }

  /** An HrTime as fixed64 nanoseconds, in 32-bit halves (seconds × 10⁹ is past 2⁵³: split so every product stays exact). */
  time(tag: number, [seconds, nanos]: HrTime): void {
    this.reserve(9);
    this.bytes[this.pos++] = tag;
    const upper = Math.floor(seconds / 0x10000) * 1e9;
    const lower = (seconds % 0x10000) * 1e9 + nanos;
    const low = (upper % 0x10000) * 0x10000 + (lower % 0x100000000);
    const high = Math.floor(upper / 0x10000) + Math.floor(lower / 0x100000000) + Math.floor(low / 0x100000000);
    this.pos = this.bytes.writeUInt32LE(low % 0x100000000, this.pos);
    this.pos = this.bytes.writeUInt32LE(high >>> 0, this.pos);
  }

  fixed32(tag: number, value: number): void {
    this.varint(tag);
    this.reserve(4);
    this.pos = this.bytes.writeUInt32LE(value >>> 0, this.pos);
  }

  /** What was written since `from`, copied out; the writer is rewound to `from`. */
  take(from = 0): Buffer {
    const taken = Buffer.from(this.bytes.subarray(from, this.pos));
    this.pos = from;
    return taken;
  }
}

/** UTF-8 length; ASCII (nearly every attribute) is counted here, not by a call into the runtime. */
function utf8Length(text: string): number {
  for (let index = 0; index < text.length; index++) if (text.charCodeAt(index) >= 0x80) return Buffer.byteLength(text);
  return text.length;
}

function nibble(code: number): number {
  return code <= 0x39 ? code - 0x30 : (code | 0x20) - 0x57;
}

const SPAN_FLAGS_HAS_IS_REMOTE = 0x100;
const SPAN_FLAGS_IS_REMOTE = 0x200;
const DROPPED_ATTRIBUTES = Buffer.from([0x50, 0]);
const DROPPED_EVENTS_AND_LINKS = Buffer.from([0x60, 0, 0x70, 0]);

const spanWriter = new Writer();
const scratch = new Writer();
const requestWriter = new Writer();

function encodeRecords(records: SpanRecord[]): Buffer {
  const groups = new Map<Resource, Map<InstrumentationScope, SpanRecord[]>>();
  for (const record of records) {
    let scopes = groups.get(record.resource);
    if (!scopes) groups.set(record.resource, (scopes = new Map()));
    const group = scopes.get(record.instrumentationScope);
    if (group) group.push(record);
    else scopes.set(record.instrumentationScope, [record]);
  }
  const w = requestWriter;
  for (const [resource, scopes] of groups) {
    const resourceSpans = startField(w, 1);
    const resourceEnvelope = envelopeOf(resource, scopes.keys().next().value!);
    w.raw(resourceEnvelope.resource);
    for (const [scope, group] of scopes) {
      const envelope = envelopeOf(resource, scope);
      const scopeSpans = startField(w, 2);
      w.raw(envelope.scope);
      for (const record of group) {
        writeSpan(spanWriter, record);
        w.varint(0x12);
        w.varint(spanWriter.pos);
        w.raw(spanWriter.bytes.subarray(0, spanWriter.pos));
        spanWriter.pos = 0;
      }
      w.raw(envelope.scopeTail);
      endField(w, scopeSpans);
    }
    w.raw(resourceEnvelope.resourceTail);
    endField(w, resourceSpans);
  }
  return w.take();
}

/** Starts a length-delimited field whose length is known once its body is written (endField). */
function startField(w: Writer, number: number): number {
  w.varint((number << 3) | 2);
  return w.pos;
}

/** Puts the length of the body written since `bodyStart` in front of it. */
function endField(w: Writer, bodyStart: number): void {
  const body = w.take(bodyStart);
  w.varint(body.length);
  w.raw(body);
}

/** One Span message, fields in the OTLP library's order (trace-serializer.js). */
function writeSpan(w: Writer, record: SpanRecord): void {
  const context = record.spanContext();
  writeRecent(w, TRACE_ID, context.traceId, writeTraceId);
  w.hex(0x12, context.spanId);
  if (record.parentSpanContext?.spanId) w.hex(0x22, record.parentSpanContext.spanId);
  writeRecent(w, NAME, record.name, writeName);
  w.varint(0x30);
  w.varint(record.kind + 1);
  w.time(0x39, record.startTime);
  w.time(0x41, record.endTime);
  for (const key in record.attributes) {
    const value = record.attributes[key]!;
    if (typeof value === 'string') writeRecent(w, key, value, writeAttribute);
    else writeAttribute(w, key, value);
  }
  w.raw(DROPPED_ATTRIBUTES);
  w.raw(DROPPED_EVENTS_AND_LINKS);
  const message = record.status.message;
  const messageLength = message ? utf8Length(message) : 0;
  w.varint(0x7a);
  w.varint((message ? 1 + varintLength(messageLength) + messageLength : 0) + 1 + varintLength(record.status.code));
  if (message) w.string(0x12, message);
  w.varint(0x18);
  w.varint(record.status.code);
  w.fixed32(0x85, (context.traceFlags & 0xff) | SPAN_FLAGS_HAS_IS_REMOTE | (record.parentSpanContext?.isRemote ? SPAN_FLAGS_IS_REMOTE : 0));
}

function varintLength(value: number): number {
  let length = 1;
  while (value > 0x7f) {
    value = Math.floor(value / 128);
    length++;
  }
  return length;
}

/**
 * The last encoding of each field, by slot (an attribute's key, or TRACE_ID, NAME): a loop's
 * spans follow each other in a batch and repeat most of their fields, so most are copied.
 */
const recent = new Map<string, { value: string; field: Buffer }>();
const TRACE_ID = '\0trace id';
const NAME = '\0name';

function writeRecent(w: Writer, slot: string, value: string, encode: (w: Writer, slot: string, value: string) => void): void {
  const last = recent.get(slot);
  if (last?.value === value) return w.raw(last.field);
  const start = w.pos;
  encode(w, slot, value);
  const field = Buffer.from(w.bytes.subarray(start, w.pos));
  if (!last) recent.set(slot, { value, field });
  else {
    last.value = value;
    last.field = field;
  }
}

function writeTraceId(w: Writer, _slot: string, traceId: string): void {
  w.hex(0x0a, traceId);
}

function writeName(w: Writer, _slot: string, name: string): void {
  w.string(0x2a, name);
}

/** Encoded keys of attributes (KeyValue.key, tag and length included): records repeat a few keys. */
const encodedKeys = new Map<string, Buffer>();

/** One attribute (a KeyValue in Span.attributes). */
function writeAttribute(w: Writer, key: string, value: string | number | boolean): void {
  let encodedKey = encodedKeys.get(key);
  if (!encodedKey) {
    scratch.string(0x0a, key);
    encodedKey = scratch.take();
    encodedKeys.set(key, encodedKey);
  }
  let valueLength: number;
  if (typeof value === 'string') {
    const length = utf8Length(value);
    valueLength = 1 + varintLength(length) + length;
  } else if (typeof value === 'boolean') valueLength = 2;
  else if (Number.isSafeInteger(value) && value >= 0) valueLength = 1 + varintLength(value);
  else throw new TypeError(`span record attribute ${key}: only strings, booleans and non-negative integers are encoded`);
  w.varint(0x4a);
  w.varint(encodedKey.length + 1 + varintLength(valueLength) + valueLength);
  w.raw(encodedKey);
  w.varint(0x12);
  w.varint(valueLength);
  if (typeof value === 'string') w.string(0x0a, value);
  else {
    w.varint(typeof value === 'boolean' ? 0x10 : 0x18);
    w.varint(Number(value));
  }
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
  const probe = new SpanRecord({ resource, scope }, { traceId: '1'.repeat(32), spanId: '1'.repeat(16), traceFlags: 1 }, undefined, 'probe', 0, {});
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
