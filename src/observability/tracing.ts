import { randomBytes } from 'node:crypto';
import { context, trace, TraceFlags, type Context, type Tracer } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { getNumberFromEnv } from '@opentelemetry/core';
import { BasicTracerProvider, BatchSpanProcessor, type BufferConfig, type IdGenerator, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { parseTraceparent } from '../core/trace-context.ts';
import type { SpanOrigin } from './span-record.ts';

/** The process's tracer, with the id generator that lets progress spans carry computed ids. */
export interface Tracing {
  tracer: Tracer;
  ids: ComputedIds;
  /** The resource and scope of spans built as records (span-record.ts), the tracer's own. */
  origin: SpanOrigin;
  /** Hands a span record that has ended to the span processor, as the tracer does with its spans. */
  export(span: ReadableSpan): void;
  /** Hands every ended span to the exporter (the end of a run, a test's query). */
  flush(): Promise<void>;
}

/** The process's tracing, plus where spans made outside its provider go (those Temporal's workflow sandbox hands out). */
export interface LoadedTracing extends Tracing {
  spanProcessor: SpanProcessor;
  resource: Resource;
}

/**
 * Span ids are normally random; a progress span's id is computed (trace-context.ts), so it is
 * named just before the span starts. `startSpan` is synchronous, so nothing else can take it.
 */
export class ComputedIds implements IdGenerator {
  #nextSpanId: string | undefined;
  #nextTraceId: string | undefined;

  /** Runs `start` (which starts one span) with the given ids. */
  naming<T>(spanId: string, traceId: string | undefined, start: () => T): T {
    this.#nextSpanId = spanId;
    this.#nextTraceId = traceId;
    try {
      return start();
    } finally {
      this.#nextSpanId = undefined;
      this.#nextTraceId = undefined;
    }
  }

  generateSpanId(): string {
    const id = this.#nextSpanId ?? randomBytes(8).toString('hex');
    this.#nextSpanId = undefined;
    return id;
  }

  generateTraceId(): string {
    const id = this.#nextTraceId ?? randomBytes(16).toString('hex');
    this.#nextTraceId = undefined;
    return id;
  }
}

let loading: Promise<LoadedTracing> | undefined;

/**
 * Loads the OpenTelemetry SDK once per process (only when OTEL_* asks for traces: see
 * otel-env.ts): OTLP over HTTP/protobuf, batch processing, sampler and resource from OTEL_*.
 */
export function loadTracing(): Promise<LoadedTracing> {
  loading ??= (async () => {
    const [{ OTLPExporterBase }, { convertLegacyHttpOptions, createOtlpHttpExportDelegate }, { TraceExporterMetricsHelper }, { defaultResource, detectResources, envDetector, resourceFromAttributes }, { recordSerializer }] = await Promise.all([
      import('@opentelemetry/otlp-exporter-base'),
      import('@opentelemetry/otlp-exporter-base/node-http'),
      import('@opentelemetry/otlp-transformer'),
      import('@opentelemetry/resources'),
      import('./record-serializer.ts'),
    ]);
    const resource = defaultResource()
      .merge(resourceFromAttributes({ 'service.name': 'cairn' }))
      .merge(detectResources({ detectors: [envDetector] }));
    // The OTLP/HTTP protobuf exporter (exporter-trace-otlp-proto's, OTEL_EXPORTER_OTLP_* included) with a serializer that encodes task span records cheaply.
    const exporter = new OTLPExporterBase(createOtlpHttpExportDelegate(convertLegacyHttpOptions({}, 'TRACES', 'v1/traces', { 'Content-Type': 'application/x-protobuf' }), recordSerializer, 'otlp_http_span_exporter', TraceExporterMetricsHelper, undefined));
    const { tracing, provider } = createTracing(resource, new BatchSpanProcessor(exporter, batchingFromEnv()));
    trace.setGlobalTracerProvider(provider);
    return tracing;
  })();
  return loading;
}

/**
 * The standard OTEL_BSP_* variables (the SDK's BatchSpanProcessor no longer reads them itself);
 * unset ones keep its defaults: a queue of 2,048 spans, batches of 512, a 5 s delay, a 30 s timeout.
 */
function batchingFromEnv(): BufferConfig {
  const config: BufferConfig = {};
  const set = (key: keyof BufferConfig, variable: string) => {
    const value = getNumberFromEnv(variable);
    if (value !== undefined && value > 0) config[key] = value;
  };
  set('maxQueueSize', 'OTEL_BSP_MAX_QUEUE_SIZE');
  set('maxExportBatchSize', 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE');
  set('scheduledDelayMillis', 'OTEL_BSP_SCHEDULE_DELAY');
  set('exportTimeoutMillis', 'OTEL_BSP_EXPORT_TIMEOUT');
  return config;
}

/** A tracer provider around one span processor, with the computed ids and span records of Tracing. */
export function createTracing(resource: Resource, processor: SpanProcessor): { tracing: LoadedTracing; provider: BasicTracerProvider } {
  const ids = new ComputedIds();
  const provider = new BasicTracerProvider({ resource, idGenerator: ids, spanProcessors: [processor] });
  const scope = { name: 'cairn' };
  const tracing: LoadedTracing = {
    tracer: provider.getTracer(scope.name),
    ids,
    origin: { resource, scope },
    export: (span) => processor.onEnd(span),
    spanProcessor: processor,
    resource,
    flush: () => provider.forceFlush(),
  };
  return { tracing, provider };
}

/** A context whose active span is the remote one a `traceparent` names (or the root context). */
export function contextOf(traceparent: string | undefined): Context {
  const parent = traceparent === undefined ? undefined : parseTraceparent(traceparent);
  if (!parent?.parentSpanId) return context.active();
  return trace.setSpanContext(context.active(), {
    traceId: parent.traceId,
    spanId: parent.parentSpanId,
    traceFlags: parent.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
  });
}
