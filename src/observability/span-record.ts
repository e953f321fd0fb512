import { SpanStatusCode, type HrTime, type Link, type SpanContext, type SpanKind, type SpanStatus } from '@opentelemetry/api';
import { hrTimeDuration, millisToHrTime, type InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';

/** Where span records come from: the process's resource and instrumentation scope. */
export interface SpanOrigin {
  resource: Resource;
  scope: InstrumentationScope;
}

/** What records carry (and record-serializer.ts encodes): strings, booleans and non-negative integers. */
export type RecordAttributes = Record<string, string | number | boolean>;

/**
 * A span built directly as the record an exporter reads, for spans whose ids, times and parent
 * are already known (a task instance's, from its progress events). The tracer would add a
 * context, a sampler call and attribute validation per span, which a 10,000-task loop pays
 * 10,000 times for nothing: these attributes are always valid and the execution span's
 * sampling decision covers its tasks.
 */
export class SpanRecord implements ReadableSpan {
  readonly kind: SpanKind = 0;
  ended = false;
  status: SpanStatus = UNSET;
  links: Link[] = NONE;
  events: TimedEvent[] = NONE;
  readonly droppedAttributesCount = 0;
  readonly droppedEventsCount = 0;
  readonly droppedLinksCount = 0;
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope;
  readonly #context: SpanContext;
  // Times stay numbers until an exporter asks: a loop's thousands of waiting records hold less.
  readonly #startMillis: number;
  #endMillis = 0;

  constructor(
    origin: SpanOrigin,
    context: SpanContext,
    readonly parentSpanContext: SpanContext | undefined,
    readonly name: string,
    startMillis: number,
    readonly attributes: RecordAttributes,
  ) {
    this.resource = origin.resource;
    this.instrumentationScope = origin.scope;
    this.#context = context;
    this.#startMillis = startMillis;
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
    return this.#context;
  }

  addEvent(name: string, attributes: RecordAttributes, millis: number): void {
    this.events = [...this.events, { name, attributes, time: millisToHrTime(millis), droppedAttributesCount: 0 }];
  }

  addLinks(links: Link[]): void {
    this.links = [...this.links, ...links];
  }

  end(millis: number): void {
    this.#endMillis = millis;
    this.ended = true;
  }
}

const UNSET: SpanStatus = Object.freeze({ code: SpanStatusCode.UNSET });
/** The links and events of a record that has none (most): shared, never written. */
const NONE: never[] = Object.freeze([]) as never[];
