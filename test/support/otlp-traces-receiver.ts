import protobuf from 'protobufjs';
import { startOtlpReceiver, type OtlpReceiver } from './otlp-receiver.ts';

/** The trace requests a loopback OTLP receiver gets, decoded with opentelemetry-proto's trace/v1 field numbers (the fields read here). */
const OTLP_TRACES = `
syntax = "proto3";
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
message Resource { repeated KeyValue attributes = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue { oneof value { string string_value = 1; } }
message ScopeSpans { repeated Span spans = 2; }
message Span { bytes trace_id = 1; bytes span_id = 2; bytes parent_span_id = 4; string name = 5; }
`;

const Request = protobuf.parse(OTLP_TRACES).root.lookupType('ExportTraceServiceRequest');

/** One span as received, ids in hex ('' for no parent). */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** The string attributes of the span's resource. */
  resource: Record<string, string>;
}

export function startOtlpTracesReceiver(status?: number): Promise<OtlpReceiver<ReceivedSpan>> {
  return startOtlpReceiver('/v1/traces', decode, status);
}

interface DecodedSpan {
  traceId?: Uint8Array;
  spanId?: Uint8Array;
  parentSpanId?: Uint8Array;
  name?: string;
}

function decode(body: Buffer): ReceivedSpan[] {
  const message = Request.toObject(Request.decode(body), { defaults: false }) as {
    resourceSpans?: Array<{ resource?: { attributes?: Array<{ key: string; value?: { stringValue?: string } }> }; scopeSpans?: Array<{ spans?: DecodedSpan[] }> }>;
  };
  const hex = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString('hex');
  return (message.resourceSpans ?? []).flatMap((resourceSpans) => {
    const resource: Record<string, string> = {};
    for (const { key, value } of resourceSpans.resource?.attributes ?? []) if (value?.stringValue !== undefined) resource[key] = value.stringValue;
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((span) => ({ traceId: hex(span.traceId), spanId: hex(span.spanId), parentSpanId: hex(span.parentSpanId), name: span.name ?? '', resource })),
    );
  });
}
