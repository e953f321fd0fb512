import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { protobufFields, varintLength, Writer } from './protobuf-writer.ts';
import { spanLossCause, spanLossSeries, ThrottledCount, type SpanLossListener } from './span-losses.ts';
import { RecordShape, SpanRecord, type SpanOrigin } from './span-record.ts';

/** The OTEL_BSP_* settings, read as the batch span processor reads them. */
export interface SpanBatching {
  /** Spans encoded and waiting to be sent (the request in flight not counted); beyond it new spans are dropped (and counted). */
  maxQueueSize: number;
  /** Spans per request. */
  maxExportBatchSize: number;
  /** How long a request that is not full waits for more spans, in ms. */
  scheduledDelayMillis: number;
  /** How long one request may take before it counts as failed, in ms. */
  exportTimeoutMillis: number;
}

export const DEFAULT_BATCHING: SpanBatching = { maxQueueSize: 2048, maxExportBatchSize: 512, scheduledDelayMillis: 5000, exportTimeoutMillis: 30_000 };

/** One ExportTraceServiceRequest, encoded, and how many spans it holds. */
export interface EncodedRequest {
  bytes: Uint8Array;
  spans: number;
}

/** Sends one request; settles once the endpoint accepted it (or it failed). */
export type SendRequest = (request: EncodedRequest) => Promise<void>;

/**
 * Task span records written straight into OTLP/protobuf request buffers (no batch span processor,
 * no per-span object held until export): each record is encoded when it ends after the request's
 * resource and scope, which are written once per request in front of its spans when it is sealed.
 * Batching keeps the batch span processor's OTEL_BSP_* meaning: spans per request, a flush
 * interval, one request in flight at a time, and a queue bound on the spans waiting to be sent
 * (the one request in flight not counted); spans beyond it are dropped. Every span lost, dropped
 * or in a failed request, is told to `lost` as it happens, and to `warn` in a line (drops at most
 * every 5 s).
 */
export class TaskSpanExporter {
  readonly #envelope: Envelope;
  readonly #batching: SpanBatching;
  readonly #send: SendRequest;
  readonly #lost: SpanLossListener;
  readonly #warn: (message: string) => void;
  /** Room before the first span for the envelope's header, whose lengths are known only at the end. */
  readonly #headroom: number;
  #request: Writer;
  #spans = 0;
  /** Requests sealed and waiting for the one in flight, oldest first. */
  readonly #sealed: EncodedRequest[] = [];
  /** Spans waiting to be sent: the current request's and the sealed ones'. */
  #queued = 0;
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> | undefined;
  /** Spans dropped because the queue was full: said through `warn` at most every 5 s and at a flush. */
  readonly #drops: ThrottledCount;

  constructor(origin: SpanOrigin, batching: SpanBatching, send: SendRequest, lost: SpanLossListener, warn: (message: string) => void = (message) => console.warn(message)) {
    this.#envelope = envelopeOf(origin);
    this.#batching = { ...batching, maxExportBatchSize: Math.min(batching.maxExportBatchSize, batching.maxQueueSize) };
    this.#send = send;
    this.#lost = lost;
    this.#warn = warn;
    this.#drops = new ThrottledCount((count, total) =>
      warn(`task spans: ${count} dropped (${total} in all): ${spanLossCause('queue_full', this.#batching.maxQueueSize)} (${spanLossSeries('queue_full')})`),
    );
    this.#headroom = this.#envelope.resource.length + this.#envelope.scope.length + 2 * (1 + MAX_VARINT);
    this.#request = this.#newRequest(64 * 1024);
  }

  /** Spans dropped because the queue was full, since this exporter was made. */
  get dropped(): number {
    return this.#drops.total;
  }

  /** Encodes an ended record (one without events or links: SpanRecord.encodable) into the current request. */
  add(record: SpanRecord): void {
    if (this.#queued >= this.#batching.maxQueueSize) {
      this.#drops.add(1);
      this.#lost('queue_full', 1);
      return;
    }
    record.encodeInto(this.#request);
    this.#queued++;
    if (++this.#spans >= this.#batching.maxExportBatchSize) this.#sealAndSend();
    else this.#timer ??= setTimeout(() => this.#sealAndSend(), this.#batching.scheduledDelayMillis).unref();
  }

  /** Sends what is encoded and waits until every request has settled. */
  async flush(): Promise<void> {
    this.#sealAndSend();
    while (this.#inFlight) await this.#inFlight;
    this.#drops.flush();
  }

  #sealAndSend(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#spans > 0) {
      const w = this.#request;
      this.#sealed.push({ bytes: this.#seal(w), spans: this.#spans });
      // The next request starts at the size this one reached: no growing and copying as it fills.
      this.#request = this.#newRequest(w.bytes.length);
      this.#spans = 0;
    }
    this.#sendNext();
  }

  /** Sends the oldest sealed request unless one is in flight; the next goes when it settles. */
  #sendNext(): void {
    const request = this.#inFlight ? undefined : this.#sealed.shift();
    if (!request) return;
    this.#queued -= request.spans;
    let timeout: NodeJS.Timeout | undefined;
    this.#inFlight = Promise.race([
      this.#send(request),
      new Promise<never>((_, reject) => {
        timeout = setTimeout(() => reject(new Error(`no answer within ${this.#batching.exportTimeoutMillis} ms`)), this.#batching.exportTimeoutMillis).unref();
      }),
    ])
      .catch((error: unknown) => {
        this.#lost('export_failed', request.spans);
        this.#warn(
          `task spans: a request of ${request.spans} spans failed, they are lost (${spanLossSeries('export_failed')}): ${error instanceof Error ? error.message : String(error)}`,
        );
      })
      .finally(() => {
        clearTimeout(timeout);
        this.#inFlight = undefined;
        this.#sendNext();
      });
  }

  #newRequest(size: number): Writer {
    return new Writer(Buffer.allocUnsafe(size), this.#headroom);
  }

  /** The request's bytes: the envelope's header written just before the spans, its tails after them. */
  #seal(w: Writer): Uint8Array {
    const { resource, resourceTail, scope, scopeTail } = this.#envelope;
    const spansLength = w.pos - this.#headroom;
    w.raw(scopeTail);
    w.raw(resourceTail);
    const scopeLength = scope.length + spansLength + scopeTail.length;
    const resourceLength = resource.length + 1 + varintLength(scopeLength) + scopeLength + resourceTail.length;
    const end = w.pos;
    const start = this.#headroom - (1 + varintLength(resourceLength) + resource.length + 1 + varintLength(scopeLength) + scope.length);
    w.pos = start;
    w.byte(0x0a);
    w.varint(resourceLength);
    w.raw(resource);
    w.byte(0x12);
    w.varint(scopeLength);
    w.raw(scope);
    return w.bytes.subarray(start, end);
  }

}

/** A varint's length at most, for the lengths of a request (under 2³⁵ bytes). */
const MAX_VARINT = 5;

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

/** Cut from the library's encoding of one probe span with this resource and scope. */
function envelopeOf(origin: SpanOrigin): Envelope {
  const probe = new SpanRecord(new RecordShape(origin, '1'.repeat(32), 'probe', {}), 1, 1, undefined, '', 0, 0);
  probe.end(0, 'completed');
  const [resourceSpans] = protobufFields(Buffer.from(ProtobufTraceSerializer.serializeRequest([probe])!));
  const outer = protobufFields(resourceSpans!.body);
  const inner = protobufFields(outer.find((field) => field.number === 2)!.body);
  return {
    resource: Buffer.concat(outer.filter((field) => field.number === 1).map((field) => field.raw)),
    resourceTail: Buffer.concat(outer.filter((field) => field.number > 2).map((field) => field.raw)),
    scope: Buffer.concat(inner.filter((field) => field.number === 1).map((field) => field.raw)),
    scopeTail: Buffer.concat(inner.filter((field) => field.number > 2).map((field) => field.raw)),
  };
}
