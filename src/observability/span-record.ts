import { SpanStatusCode, type Attributes, type HrTime, type Link, type SpanContext, type SpanKind, type SpanStatus } from '@opentelemetry/api';
import { hrTimeDuration, millisToHrTime, type InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';

/** Where span records come from: the process's resource and instrumentation scope. */
export interface SpanOrigin {
  resource: Resource;
  scope: InstrumentationScope;
}

/**
 * A span built directly as the record an exporter reads, for spans whose ids, times and parent
 * are already known (a task instance's, from its progress events). The tracer would add a
 * context, a sampler call and attribute validation per span, which a 10,000-task loop pays
 * 10,000 times for nothing: these attributes are always valid and the execution span's
 * sampling decision covers its tasks.
 */
export class SpanRecord implements ReadableSpan {
  readonly kind: SpanKind = 0;
  endTime: HrTime = [0, 0];
  duration: HrTime = [0, 0];
  ended = false;
  status: SpanStatus = { code: SpanStatusCode.UNSET };
  readonly links: Link[] = [];
  readonly events: TimedEvent[] = [];
  readonly droppedAttributesCount = 0;
  readonly droppedEventsCount = 0;
  readonly droppedLinksCount = 0;
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope;
  readonly startTime: HrTime;
  readonly #context: SpanContext;

  constructor(
    origin: SpanOrigin,
    context: SpanContext,
    readonly parentSpanContext: SpanContext,
    readonly name: string,
    startMillis: number,
    readonly attributes: Attributes,
  ) {
    this.resource = origin.resource;
    this.instrumentationScope = origin.scope;
    this.#context = context;
    this.startTime = millisToHrTime(startMillis);
  }

  spanContext(): SpanContext {
    return this.#context;
  }

  addEvent(name: string, attributes: Attributes, millis: number): void {
    this.events.push({ name, attributes, time: millisToHrTime(millis), droppedAttributesCount: 0 });
  }

  end(millis: number): void {
    this.endTime = millisToHrTime(millis);
    this.duration = hrTimeDuration(this.startTime, this.endTime);
    this.ended = true;
  }
}

