import { describe, expect, it } from 'vitest';
import { otlpProtocolWarning } from '../../src/observability/otel-env.ts';

describe('OTEL_EXPORTER_OTLP_PROTOCOL', () => {
  it('has nothing to say when unset or http/protobuf, what Cairn speaks', () => {
    expect(otlpProtocolWarning('METRICS', {})).toBeUndefined();
    expect(otlpProtocolWarning('METRICS', { OTEL_EXPORTER_OTLP_PROTOCOL: ' HTTP/Protobuf ' })).toBeUndefined();
  });

  it('names the variable that asked for another transport, the signal’s own first', () => {
    expect(otlpProtocolWarning('METRICS', { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toBe(
      "OTEL_EXPORTER_OTLP_PROTOCOL=grpc: Cairn exports metrics over OTLP/HTTP with protobuf only (http/protobuf); point the endpoint at the collector's OTLP/HTTP port (4318 by default)",
    );
    expect(otlpProtocolWarning('METRICS', { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json' })).toMatch(/^OTEL_EXPORTER_OTLP_METRICS_PROTOCOL=http\/json: /);
    expect(otlpProtocolWarning('TRACES', { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' })).toBeUndefined();
  });
});
