import { randomBytes } from 'node:crypto';
import { isMainThread } from 'node:worker_threads';
import { context, createNoopMeter, trace, TraceFlags, type Attributes, type Context, type Meter, type MeterProvider, type Tracer } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { getNumberFromEnv } from '@opentelemetry/core';
import { BasicTracerProvider, BatchSpanProcessor, type BufferConfig, type IdGenerator, type ReadableSpan, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { parseTraceparent } from '../core/trace-context.ts';
import { otlpProtocolWarning } from './otel-env.ts';
import { SPAN_LOSS_REASONS, spanLossCause, spanLossSeries, SpanLosses, ThrottledCount, type SpanLossListener, type SpanLossReason } from './span-losses.ts';
import { SpanRecord, type SpanOrigin } from './span-record.ts';
import { DEFAULT_BATCHING, TaskSpanExporter, type EncodedRequest, type SpanBatching } from './task-span-exporter.ts';

/** The process's tracer, with the id generator that lets progress spans carry computed ids. */
export interface Tracing {
  tracer: Tracer;
  ids: ComputedIds;
  /** The resource and scope of spans built as records (span-record.ts), the tracer's own. */
  origin: SpanOrigin;
  /** Hands a span that has ended (a task span record, a sandbox span) to its exporter, as the tracer does with its spans. */
  export(span: ReadableSpan): void;
  /** Sends every ended span and waits for the endpoint (the end of a run, a test's query). */
  flush(): Promise<void>;
  /** Calls `listener` with the spans either path loses from now on, by reason; returns what stops it. */
  onSpansLost(listener: SpanLossListener): () => void;
  /** Tells this process's listeners of spans lost elsewhere (an execution thread's tracing). */
  reportSpansLost: SpanLossListener;
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
 * otel-env.ts): OTLP over HTTP/protobuf, sampler and resource from OTEL_*. Task span records
 * are written straight into requests (task-span-exporter.ts); every other span goes through the
 * batch span processor. Both send through the OTLP/HTTP exporter's transport, so both honour
 * OTEL_EXPORTER_OTLP_*: endpoint, headers, timeout, compression, certificates.
 */
export function loadTracing(): Promise<LoadedTracing> {
  loading ??= (async () => {
    // Once per process: every execution thread loads tracing too.
    const protocolWarning = isMainThread ? otlpProtocolWarning('TRACES') : undefined;
    if (protocolWarning) console.warn(protocolWarning);
    const [{ OTLPExporterBase }, { convertLegacyHttpOptions, createOtlpHttpExportDelegate }, { ProtobufTraceSerializer, TraceExporterMetricsHelper }, { defaultResource, detectResources, envDetector, resourceFromAttributes }] = await Promise.all([
      import('@opentelemetry/otlp-exporter-base'),
      import('@opentelemetry/otlp-exporter-base/node-http'),
      import('@opentelemetry/otlp-transformer'),
      import('@opentelemetry/resources'),
    ]);
    const resource = defaultResource()
      .merge(resourceFromAttributes({ 'service.name': 'cairn' }))
      .merge(detectResources({ detectors: [envDetector] }));
    // exporter-trace-otlp-proto's configuration (OTEL_EXPORTER_OTLP_* included).
    const options = () => convertLegacyHttpOptions({}, 'TRACES', 'v1/traces', { 'Content-Type': 'application/x-protobuf' });
    const exporter = new OTLPExporterBase(createOtlpHttpExportDelegate(options(), ProtobufTraceSerializer, 'otlp_http_span_exporter', TraceExporterMetricsHelper, undefined));
    // The same transport for requests already encoded.
    const requests = createOtlpHttpExportDelegate(
      options(),
      // The response is read as for other spans: a partial success (spans the endpoint rejected) is reported alike.
      { serializeRequest: (request: EncodedRequest) => request.bytes, deserializeResponse: (data: Uint8Array) => ProtobufTraceSerializer.deserializeResponse(data) },
      'otlp_http_span_exporter',
      { name: 'span', countItems: (request: EncodedRequest) => request.spans },
      undefined,
    );
    const send = (request: EncodedRequest) =>
      new Promise<void>((resolve, reject) => requests.export(request, (result) => (result.error ? reject(result.error) : resolve())));
    const batching = batchingFromEnv();
    const losses = new SpanLosses();
    const { tracing, provider } = createTracing(resource, reportingBatchSpanProcessor(exporter, batching, losses), losses, (origin) => new TaskSpanExporter(origin, { ...DEFAULT_BATCHING, ...batching }, send, losses.report));
    trace.setGlobalTracerProvider(provider);
    return tracing;
  })();
  return loading;
}

/**
 * The standard OTEL_BSP_* variables (the SDK's BatchSpanProcessor no longer reads them itself),
 * for both span paths; unset ones keep the defaults: a queue of 2,048 spans, batches of 512, a
 * 5 s delay, a 30 s timeout.
 */
function batchingFromEnv(): Partial<SpanBatching> {
  const config: Partial<SpanBatching> = {};
  const set = (key: keyof SpanBatching, variable: string) => {
    const value = getNumberFromEnv(variable);
    if (value !== undefined && value > 0) config[key] = value;
  };
  set('maxQueueSize', 'OTEL_BSP_MAX_QUEUE_SIZE');
  set('maxExportBatchSize', 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE');
  set('scheduledDelayMillis', 'OTEL_BSP_SCHEDULE_DELAY');
  set('exportTimeoutMillis', 'OTEL_BSP_EXPORT_TIMEOUT');
  return config;
}

/**
 * The SDK's batch span processor, reporting to `losses` the spans it drops or fails to export, and
 * saying so through `warn` (at most every 5 s per reason, and at a flush): where no `/metrics` is
 * served (`cairn run`, `cairn worker`) that line is all an operator sees. The processor tells of
 * them only through its self-observability meter (the experimental `selfObsMeterProvider` option,
 * which the OTEL_BSP_* shim passes on though its type omits it): its count of spans processed
 * carries `error.type`, `queue_full` for a drop, the export error's name for a failed batch. That
 * counter is read; its other instruments stay no-ops.
 */
export function reportingBatchSpanProcessor(exporter: SpanExporter, batching: BufferConfig, losses: SpanLosses, warn: (message: string) => void = (message) => console.warn(message)): BatchSpanProcessor {
  const maxQueueSize = batching.maxQueueSize ?? DEFAULT_BATCHING.maxQueueSize;
  const said = Object.fromEntries(
    SPAN_LOSS_REASONS.map((reason) => [reason, new ThrottledCount((count, total) => warn(`spans: ${count} lost (${total} in all): ${spanLossCause(reason, maxQueueSize)} (${spanLossSeries(reason)})`))]),
  ) as Record<SpanLossReason, ThrottledCount>;
  const noop = createNoopMeter();
  const processed = {
    add(count: number, attributes?: Attributes) {
      const error = attributes?.['error.type'];
      if (error === undefined) return;
      const reason = error === 'queue_full' ? 'queue_full' : 'export_failed';
      losses.report(reason, count);
      said[reason].add(count);
    },
  };
  const meter: Meter = Object.assign(Object.create(noop) as Meter, {
    createCounter: (name: string) => (name === 'otel.sdk.processor.span.processed' ? processed : noop.createCounter(name)),
  });
  const selfObsMeterProvider: MeterProvider = { getMeter: () => meter };
  return new SayingBatchSpanProcessor(exporter, { ...batching, selfObsMeterProvider } as BufferConfig, Object.values(said));
}

/** A batch span processor that, once flushed (a run's end), also says the losses not said yet. */
class SayingBatchSpanProcessor extends BatchSpanProcessor {
  constructor(
    exporter: SpanExporter,
    config: BufferConfig,
    private readonly losses: ThrottledCount[],
  ) {
    super(exporter, config);
  }

  override async forceFlush(): Promise<void> {
    try {
      await super.forceFlush();
    } finally {
      for (const count of this.losses) count.flush();
    }
  }
}

/**
 * A tracer provider around one span processor, with the computed ids and span records of Tracing.
 * Task span records go to `records` when given (those it can encode), else to the processor.
 * `losses` is where the processor and the records' exporter report the spans they lose.
 */
export function createTracing(
  resource: Resource,
  processor: SpanProcessor,
  losses = new SpanLosses(),
  records?: (origin: SpanOrigin) => TaskSpanExporter,
): { tracing: LoadedTracing; provider: BasicTracerProvider } {
  const ids = new ComputedIds();
  const provider = new BasicTracerProvider({ resource, idGenerator: ids, spanProcessors: [processor] });
  const scope = { name: 'cairn' };
  const origin = { resource, scope };
  const direct = records?.(origin);
  const tracing: LoadedTracing = {
    tracer: provider.getTracer(scope.name),
    ids,
    origin,
    export: direct ? (span) => (span instanceof SpanRecord && span.encodable ? direct.add(span) : processor.onEnd(span)) : (span) => processor.onEnd(span),
    spanProcessor: processor,
    resource,
    flush: async () => {
      await Promise.all([direct?.flush(), provider.forceFlush()]);
    },
    onSpansLost: (listener) => losses.subscribe(listener),
    reportSpansLost: losses.report,
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
