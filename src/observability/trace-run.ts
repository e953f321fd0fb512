import { randomUUID } from 'node:crypto';
import type { WorkflowDocument } from '../core/model.ts';
import { traceRoot } from '../core/trace-context.ts';
import type { TemporalRunOptions } from '../hosts/temporal/run-temporal.ts';
import { ProgressSpans } from './progress-spans.ts';
import { loadTracing } from './tracing.ts';

/**
 * Runs one execution with tracing on: its trace continues the caller's `traceparent` (or is
 * derived from the execution id), the host propagates it to effects, and the run's progress
 * events become its spans. Spans are flushed to the exporter when the run ends.
 */
export async function traceRun<T>(document: WorkflowDocument, options: TemporalRunOptions, run: (options: TemporalRunOptions) => Promise<T>): Promise<T> {
  const tracing = await loadTracing();
  const executionId = options.executionId ?? randomUUID();
  const root = traceRoot(executionId, options.traceparent);
  const spans = new ProgressSpans(tracing, root, executionId, document);
  try {
    return await run({
      ...options,
      executionId,
      trace: root,
      onEvent: (event) => {
        spans.observe(event);
        options.onEvent?.(event);
      },
    });
  } finally {
    await tracing.flush().catch(() => undefined);
  }
}
