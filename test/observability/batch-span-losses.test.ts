import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { defaultResource } from '@opentelemetry/resources';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it, vi } from 'vitest';
import { SpanLosses, type SpanLossReason } from '../../src/observability/span-losses.ts';
import { createTracing, reportingBatchSpanProcessor } from '../../src/observability/tracing.ts';

/** A stand-in for the OTLP exporter that holds each batch until the test answers it. */
class HeldExporter implements SpanExporter {
  readonly batches: Array<{ spans: number; answer: (result: ExportResult) => void }> = [];

  export(spans: ReadableSpan[], answer: (result: ExportResult) => void): void {
    this.batches.push({ spans: spans.length, answer });
  }

  async shutdown(): Promise<void> {}
}

describe('the batch span processor (spans other than task spans)', () => {
  it('tells subscribers of the spans it drops on a full queue and of those in a failed export, and no one after they stop', async () => {
    const exporter = new HeldExporter();
    const losses = new SpanLosses();
    const warnings: string[] = [];
    const processor = reportingBatchSpanProcessor(exporter, { maxQueueSize: 2, maxExportBatchSize: 2, scheduledDelayMillis: 60_000 }, losses, (line) => warnings.push(line));
    const { tracing } = createTracing(defaultResource(), processor, losses);
    const told: Partial<Record<SpanLossReason, number>> = {};
    const stop = tracing.onSpansLost((reason, count) => {
      told[reason] = (told[reason] ?? 0) + count;
    });

    // A full batch goes to the exporter at once; while it is out, 2 wait and the 5th is dropped.
    for (let index = 0; index < 5; index++) tracing.tracer.startSpan(`span ${index}`).end();
    expect(exporter.batches.map((batch) => batch.spans)).toEqual([2]);
    expect(told).toEqual({ queue_full: 1 });

    exporter.batches[0]!.answer({ code: ExportResultCode.FAILED, error: new Error('HTTP 400') });
    expect(told).toEqual({ queue_full: 1, export_failed: 2 });
    await vi.waitFor(() => expect(exporter.batches.map((batch) => batch.spans)).toEqual([2, 2]));
    exporter.batches[1]!.answer({ code: ExportResultCode.SUCCESS });
    expect(told).toEqual({ queue_full: 1, export_failed: 2 });

    stop();
    tracing.tracer.startSpan('after').end();
    const flushed = tracing.flush();
    await vi.waitFor(() => expect(exporter.batches).toHaveLength(3));
    exporter.batches[2]!.answer({ code: ExportResultCode.FAILED, error: new Error('HTTP 400') });
    // The provider's flush rejects with its processors' errors.
    await expect(flushed).rejects.toHaveLength(1);
    expect(told).toEqual({ queue_full: 1, export_failed: 2 });
    // Said on stderr too (where no /metrics is served), each reason in one line at the flush, not per span.
    expect(warnings.sort()).toEqual([
      'spans: 1 lost (1 in all): more than 2 (OTEL_BSP_MAX_QUEUE_SIZE) were waiting for export (cairn_trace_spans_dropped_total{reason="queue_full"})',
      'spans: 3 lost (3 in all): their export request failed (cairn_trace_spans_dropped_total{reason="export_failed"})',
    ]);
  });
});
