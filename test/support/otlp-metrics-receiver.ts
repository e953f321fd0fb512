import protobuf from 'protobufjs';
import { startOtlpReceiver } from './otlp-receiver.ts';

/**
 * The metrics requests a loopback OTLP receiver gets, decoded with the OTLP messages' own field
 * numbers (opentelemetry-proto's metrics/v1, the fields Cairn's instruments use).
 */
const OTLP_METRICS = `
syntax = "proto3";
message ExportMetricsServiceRequest { repeated ResourceMetrics resource_metrics = 1; }
message ResourceMetrics { Resource resource = 1; repeated ScopeMetrics scope_metrics = 2; }
message Resource { repeated KeyValue attributes = 1; }
message ScopeMetrics { repeated Metric metrics = 2; }
message Metric { string name = 1; string description = 2; string unit = 3; Gauge gauge = 5; Sum sum = 7; Histogram histogram = 9; }
message Gauge { repeated NumberDataPoint data_points = 1; }
message Sum { repeated NumberDataPoint data_points = 1; int32 aggregation_temporality = 2; bool is_monotonic = 3; }
message Histogram { repeated HistogramDataPoint data_points = 1; int32 aggregation_temporality = 2; }
message NumberDataPoint { repeated KeyValue attributes = 7; double as_double = 4; sfixed64 as_int = 6; }
message HistogramDataPoint { repeated KeyValue attributes = 9; fixed64 count = 4; double sum = 5; repeated double explicit_bounds = 7; }
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; }
`;

const Request = protobuf.parse(OTLP_METRICS).root.lookupType('ExportMetricsServiceRequest');

/** One data point: the metric's name and unit, its attributes, its value (a histogram's: its count). */
export interface ReceivedPoint {
  name: string;
  unit: string;
  attributes: Record<string, string>;
  value: number;
  resource: Record<string, string>;
}

export interface OtlpMetricsReceiver {
  /** What OTEL_EXPORTER_OTLP_METRICS_ENDPOINT names. */
  endpoint: string;
  /** Every data point of every request received so far, in order. */
  points: ReceivedPoint[];
  close(): Promise<void>;
}

interface DecodedPoint {
  attributes?: Array<{ key: string; value?: { stringValue?: string } }>;
  asDouble?: number;
  asInt?: number | { toNumber(): number };
  count?: number | { toNumber(): number };
}

export async function startOtlpMetricsReceiver(): Promise<OtlpMetricsReceiver> {
  const { endpoint, items, close } = await startOtlpReceiver('/v1/metrics', decode);
  return { endpoint, points: items, close };
}

function decode(body: Buffer): ReceivedPoint[] {
  const message = Request.toObject(Request.decode(body), { defaults: false }) as {
    resourceMetrics?: Array<{
      resource?: { attributes?: DecodedPoint['attributes'] };
      scopeMetrics?: Array<{ metrics?: Array<{ name: string; unit?: string; gauge?: { dataPoints?: DecodedPoint[] }; sum?: { dataPoints?: DecodedPoint[] }; histogram?: { dataPoints?: DecodedPoint[] } }> }>;
    }>;
  };
  const points: ReceivedPoint[] = [];
  for (const resourceMetrics of message.resourceMetrics ?? []) {
    const resource = attributesOf(resourceMetrics.resource?.attributes);
    for (const scope of resourceMetrics.scopeMetrics ?? []) {
      for (const metric of scope.metrics ?? []) {
        const data = metric.sum ?? metric.gauge ?? metric.histogram;
        for (const point of data?.dataPoints ?? []) {
          const value = metric.histogram ? numberOf(point.count) : (point.asDouble ?? numberOf(point.asInt));
          points.push({ name: metric.name, unit: metric.unit ?? '', attributes: attributesOf(point.attributes), value, resource });
        }
      }
    }
  }
  return points;
}

function attributesOf(attributes: DecodedPoint['attributes']): Record<string, string> {
  return Object.fromEntries((attributes ?? []).map(({ key, value }) => [key, value?.stringValue ?? '']));
}

function numberOf(value: number | { toNumber(): number } | undefined): number {
  return value === undefined ? 0 : typeof value === 'number' ? value : value.toNumber();
}
