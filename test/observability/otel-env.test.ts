import { describe, expect, it } from 'vitest';
import { metricsConfigured, otlpProtocolWarning, tracingConfigured } from '../../src/observability/otel-env.ts';

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

describe('what OTEL_* turns on', () => {
  it('nothing without an OTLP endpoint or an otlp exporter', () => {
    expect(tracingConfigured({})).toBe(false);
    expect(metricsConfigured({})).toBe(false);
  });

  it('OTLP export for an endpoint, or for an exporter list naming otlp; off again with none or the SDK disabled', () => {
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBe(true);
    expect(metricsConfigured({ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://127.0.0.1:4318/v1/metrics' })).toBe(true);
    expect(tracingConfigured({ OTEL_TRACES_EXPORTER: 'otlp' })).toBe(true);
    expect(metricsConfigured({ OTEL_METRICS_EXPORTER: 'console, OTLP' })).toBe(true);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_TRACES_EXPORTER: 'none' })).toBe(false);
    expect(metricsConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' })).toBe(false);
  });

  it('no OTLP export for exporters Cairn does not have (a pulled prometheus, console): they would otherwise push to localhost:4318', () => {
    expect(metricsConfigured({ OTEL_METRICS_EXPORTER: 'prometheus' })).toBe(false);
    expect(tracingConfigured({ OTEL_TRACES_EXPORTER: 'console' })).toBe(false);
    expect(tracingConfigured({ OTEL_TRACES_EXPORTER: 'zipkin', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBe(false);
  });
});
