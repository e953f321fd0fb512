import { SpanStatusCode, TraceFlags, type HrTime, type Link, type SpanContext, type SpanKind, type SpanStatus } from '@opentelemetry/api';
import { hrTimeDuration, millisToHrTime, type InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { utf8Length, varintLength, Writer } from './protobuf-writer.ts';

/** Where span records come from: the process's resource and instrumentation scope. */
export interface SpanOrigin {
  resource: Resource;
  scope: InstrumentationScope;
}

/** What records carry (and are encoded here): strings, booleans and non-negative integers. */
export type RecordAttributes = Record<string, string | number | boolean>;

export type RecordOutcome = 'completed' | 'faulted' | 'cancelled';

/**
 * What every instance of one task shares in an execution (trace, name, the attributes before the
 * instance's own), encoded once: a loop's thousands of records copy these bytes.
 */
export class RecordShape {
  /** Span.trace_id, tag and length included. */
  readonly encodedTraceId: Buffer;
  /** Span.name and Span.kind. */
  readonly encodedNameAndKind: Buffer;
  /** The shared attributes (Span.attributes), in order. */
  readonly encodedAttributes: Buffer;

  constructor(
    readonly origin: SpanOrigin,
    readonly traceId: string,
    readonly name: string,
    readonly attributes: RecordAttributes,
  ) {
    const w = new Writer(Buffer.allocUnsafe(256));
    w.hex(0x0a, traceId);
    this.encodedTraceId = w.take();
    w.string(0x2a, name);
    w.byte(0x30);
    w.byte(INTERNAL + 1);
    this.encodedNameAndKind = w.take();
    for (const key in attributes) writeAttribute(w, key, attributes[key]!);
    this.encodedAttributes = w.take();
  }
}

/** A record's parent: its context, and its id as two 32-bit halves (as encoded). */
export interface RecordParent {
  context: SpanContext;
  high: number;
  low: number;
}

export function recordParent(context: SpanContext): RecordParent {
  return { context, high: parseInt(context.spanId.slice(0, 8), 16), low: parseInt(context.spanId.slice(8), 16) };
}

/**
 * The span of one task instance, built directly as the record an exporter reads (its ids, times
 * and parent are already known from progress events). The tracer would add a context, a sampler
 * call and attribute validation per span, which a 10,000-task loop pays 10,000 times for
 * nothing: these attributes are always valid and the execution span's sampling decision covers
 * its tasks.
 *
 * A record without events or links (nearly every one) is encoded by its exporter
 * (task-span-exporter.ts) as an OTLP Span message straight into a request buffer when it ends;
 * the fields other exporters read (attributes, context, times) are made only when asked, for
 * them and for records with events or links, which the library encodes.
 */
export class SpanRecord implements ReadableSpan {
  readonly kind: SpanKind = INTERNAL;
  ended = false;
  status: SpanStatus = UNSET;
  links: Link[] = NONE;
  events: TimedEvent[] = NONE;
  readonly droppedAttributesCount = 0;
  readonly droppedEventsCount = 0;
  readonly droppedLinksCount = 0;
  #context: SpanContext | undefined;
  #asParent: RecordParent | undefined;
  // Times stay numbers until an exporter asks: a loop's thousands of waiting records hold less.
  readonly #startMillis: number;
  #endMillis = 0;
  #outcome: RecordOutcome | undefined;
  #errorType: string | undefined;

  constructor(
    readonly shape: RecordShape,
    /** The span id's upper and lower 32 bits. */
    readonly high: number,
    readonly low: number,
    readonly parent: RecordParent | undefined,
    readonly iteration: string,
    readonly attempt: number,
    startMillis: number,
  ) {
    this.#startMillis = startMillis;
  }

  get name(): string {
    return this.shape.name;
  }

  get resource(): Resource {
    return this.shape.origin.resource;
  }

  get instrumentationScope(): InstrumentationScope {
    return this.shape.origin.scope;
  }

  get parentSpanContext(): SpanContext | undefined {
    return this.parent?.context;
  }

  get attributes(): RecordAttributes {
    const attributes: RecordAttributes = { ...this.shape.attributes, [ITERATION]: this.iteration, [ATTEMPT]: this.attempt };
    if (this.#outcome) attributes[STATUS] = this.#outcome;
    if (this.#errorType !== undefined) attributes[ERROR_TYPE] = this.#errorType;
    return attributes;
  }

  get startTime(): HrTime {
    return millisToHrTime(this.#startMillis);
  }

  get endTime(): HrTime {
    return millisToHrTime(this.#endMillis);
  }

  get duration(): HrTime {
    return hrTimeDuration(this.startTime, this.endTime);
  }

  spanContext(): SpanContext {
    return (this.#context ??= new RecordContext(this.shape.traceId, this.high, this.low));
  }

  /** The record as its children's parent. */
  asParent(): RecordParent {
    return (this.#asParent ??= { context: { traceId: this.shape.traceId, spanId: this.spanContext().spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true }, high: this.high, low: this.low });
  }

  addEvent(name: string, attributes: RecordAttributes, millis: number): void {
    this.events = [...this.events, { name, attributes, time: millisToHrTime(millis), droppedAttributesCount: 0 }];
  }

  addLinks(links: Link[]): void {
    this.links = [...this.links, ...links];
  }

  end(millis: number, outcome: RecordOutcome, error?: { type: string; title: string }): void {
    this.#endMillis = millis;
    this.#outcome = outcome;
    if (error) {
      this.#errorType = error.type;
      this.status = { code: SpanStatusCode.ERROR, message: error.title };
    }
    this.ended = true;
  }

  /** Whether encodeInto writes this record: it has no events or links (which the library encodes). */
  get encodable(): boolean {
    return this.events.length === 0 && this.links.length === 0;
  }

  /** One Span message, fields in the OTLP library's order (its trace-serializer), with its ScopeSpans.spans tag and length in front. */
  encodeInto(w: Writer): void {
    const { shape, status } = this;
    const message = status.message;
    w.reserve(MAX_PREFIX + shape.encodedTraceId.length + 20 + shape.encodedNameAndKind.length + 18 + shape.encodedAttributes.length + 3 * this.iteration.length + 80 + 3 * ((this.#errorType?.length ?? 0) + (message?.length ?? 0)) + 40);
    const start = w.pos;
    w.pos += USUAL_PREFIX;
    const bodyStart = w.pos;
    w.raw(shape.encodedTraceId);
    w.id(0x12, this.high, this.low);
    if (this.parent) w.id(0x22, this.parent.high, this.parent.low);
    w.raw(shape.encodedNameAndKind);
    writeMillis(w, 0x39, this.#startMillis);
    writeMillis(w, 0x41, this.#endMillis);
    w.raw(shape.encodedAttributes);
    writeIteration(w, this.iteration);
    writeAttempt(w, this.attempt);
    if (this.#outcome) w.raw(OUTCOME_ATTRIBUTES[this.#outcome]);
    if (this.#errorType !== undefined) writeAttribute(w, ERROR_TYPE, this.#errorType);
    if (!message && status.code === SpanStatusCode.UNSET && this.parent?.context.isRemote) w.raw(USUAL_TAIL);
    else this.#writeTail(w);
    // The length goes in front of the body, which was written after room for the usual prefix
    // (moved in the rare other case): the body is written once, its length known only after.
    const length = w.pos - bodyStart;
    const prefix = 1 + varintLength(length);
    if (prefix !== USUAL_PREFIX) w.bytes.copyWithin(start + prefix, bodyStart, bodyStart + length);
    w.pos = start;
    w.byte(0x12);
    w.varint(length);
    w.pos = start + prefix + length;
  }

  /** The Span fields after its attributes: dropped counts, status, flags. */
  #writeTail(w: Writer): void {
    const { message, code } = this.status;
    const messageLength = message ? utf8Length(message) : 0;
    w.raw(DROPPED_COUNTS);
    w.byte(0x7a);
    w.varint((message ? 1 + varintLength(messageLength) + messageLength : 0) + 1 + varintLength(code));
    if (message) w.string(0x12, message);
    w.byte(0x18);
    w.varint(code);
    w.fixed32(0x85, TraceFlags.SAMPLED | SPAN_FLAGS_HAS_IS_REMOTE | (this.parent?.context.isRemote ? SPAN_FLAGS_IS_REMOTE : 0));
  }
}

/** A record's context; its hex span id is made only if someone reads it (the batch processor reads the flags only). */
class RecordContext implements SpanContext {
  readonly traceFlags = TraceFlags.SAMPLED;
  #spanId: string | undefined;

  constructor(
    readonly traceId: string,
    private readonly high: number,
    private readonly low: number,
  ) {}

  get spanId(): string {
    return (this.#spanId ??= (this.high >>> 0).toString(16).padStart(8, '0') + (this.low >>> 0).toString(16).padStart(8, '0'));
  }
}

const INTERNAL = 0;
const ITERATION = 'cairn.task.iteration';
const ATTEMPT = 'cairn.task.attempt';
const STATUS = 'cairn.status';
const ERROR_TYPE = 'error.type';
const UNSET: SpanStatus = Object.freeze({ code: SpanStatusCode.UNSET });
/** The links and events of a record that has none (most): shared, never written. */
const NONE: never[] = Object.freeze([]) as never[];
const SPAN_FLAGS_HAS_IS_REMOTE = 0x100;
const SPAN_FLAGS_IS_REMOTE = 0x200;
/** dropped_attributes_count, dropped_events_count, dropped_links_count: all 0. */
const DROPPED_COUNTS = Buffer.from([0x50, 0, 0x60, 0, 0x70, 0]);
/** Tag and a length of up to 2²⁸ bytes. */
const MAX_PREFIX = 5;
/** Tag and a length of 128 to 16,383 bytes: a task span's. */
const USUAL_PREFIX = 3;

/**
 * Epoch milliseconds as the library encodes them (millisToHrTime, then fixed64 nanoseconds).
 * Whole milliseconds (every event time's) are multiplied by 10⁶ in parts that stay exact below
 * 2⁵³ (millis = high · 2¹⁶ + low), with divisions by powers of two rather than `%` on doubles.
 */
function writeMillis(w: Writer, tag: number, millis: number): void {
  if (!(millis >= 0 && millis < MAX_WHOLE_MILLIS && Number.isInteger(millis))) return w.time(tag, Math.trunc(millis / 1000), Math.round((millis % 1000) * 1e6));
  const high = Math.floor(millis / 0x10000);
  const highNanos = high * 1e6;
  const highNanosUpper = Math.floor(highNanos / 0x10000);
  const low = (highNanos - highNanosUpper * 0x10000) * 0x10000 + (millis - high * 0x10000) * 1e6;
  const carry = Math.floor(low / 0x100000000);
  w.fixed64(tag, low - carry * 0x100000000, highNanosUpper + carry);
}

/** 2⁴⁴ ms (the year 2527): writeMillis's parts stay exact and its nanoseconds below 2⁶⁴. */
const MAX_WHOLE_MILLIS = 2 ** 44;

/** Encoded keys of attributes (KeyValue.key, tag and length included): records repeat a few keys. */
const encodedKeys = new Map<string, Buffer>();

/** One attribute (a KeyValue in Span.attributes). */
function writeAttribute(w: Writer, key: string, value: string | number | boolean): void {
  let encodedKey = encodedKeys.get(key);
  if (!encodedKey) {
    const scratch = new Writer(Buffer.allocUnsafe(key.length * 3 + 8));
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
  w.byte(0x4a);
  w.varint(encodedKey.length + 1 + varintLength(valueLength) + valueLength);
  w.raw(encodedKey);
  w.byte(0x12);
  w.varint(valueLength);
  if (typeof value === 'string') w.string(0x0a, value);
  else {
    w.byte(typeof value === 'boolean' ? 0x10 : 0x18);
    w.varint(Number(value));
  }
}

/** KeyValue tag and key of the iteration attribute; its value and lengths vary. */
const ITERATION_KEY = (() => {
  const w = new Writer(Buffer.allocUnsafe(64));
  w.string(0x0a, ITERATION);
  return w.take();
})();

/** writeAttribute(w, ITERATION, iteration) without its key lookup: an ASCII iteration (every one) is written here. */
function writeIteration(w: Writer, iteration: string): void {
  const length = utf8Length(iteration);
  if (length !== iteration.length || length > 100) return writeAttribute(w, ITERATION, iteration);
  const valueLength = 2 + length;
  // Room reserved by encodeInto; written through locals, not a call per byte.
  const bytes = w.bytes;
  let pos = w.pos;
  bytes[pos++] = 0x4a;
  bytes[pos++] = ITERATION_KEY.length + 2 + valueLength;
  bytes.set(ITERATION_KEY, pos);
  pos += ITERATION_KEY.length;
  bytes[pos++] = 0x12;
  bytes[pos++] = valueLength;
  bytes[pos++] = 0x0a;
  bytes[pos++] = length;
  for (let index = 0; index < length; index++) bytes[pos++] = iteration.charCodeAt(index);
  w.pos = pos;
}

/** The attempt attribute of attempts 0 to 127 (one varint byte), encoded; writeAttribute for others. */
const ATTEMPTS = Array.from({ length: 128 }, (_, attempt) => {
  const w = new Writer(Buffer.allocUnsafe(64));
  writeAttribute(w, ATTEMPT, attempt);
  return w.take();
});

function writeAttempt(w: Writer, attempt: number): void {
  const encoded = ATTEMPTS[attempt];
  if (encoded) w.raw(encoded);
  else writeAttribute(w, ATTEMPT, attempt);
}

/** The `cairn.status` attribute of each outcome, encoded. */
const OUTCOME_ATTRIBUTES = Object.fromEntries(
  (['completed', 'faulted', 'cancelled'] as const).map((outcome) => {
    const w = new Writer(Buffer.allocUnsafe(64));
    writeAttribute(w, STATUS, outcome);
    return [outcome, w.take()];
  }),
) as Record<RecordOutcome, Buffer>;

/** #writeTail of a record without a status under a remote parent: every task record but a faulted one. */
const USUAL_TAIL = (() => {
  const w = new Writer(Buffer.allocUnsafe(64));
  w.raw(DROPPED_COUNTS);
  w.byte(0x7a);
  w.byte(2);
  w.byte(0x18);
  w.byte(SpanStatusCode.UNSET);
  w.fixed32(0x85, TraceFlags.SAMPLED | SPAN_FLAGS_HAS_IS_REMOTE | SPAN_FLAGS_IS_REMOTE);
  return w.take();
})();
