import type { ProgressEvent } from '../core/events.ts';
import type { WorkflowDocument } from '../core/model.ts';
import { traceRoot } from '../core/trace-context.ts';
import { ProgressSpans } from './progress-spans.ts';
import { loadTracing } from './tracing.ts';

/**
 * Spans of an execution that ran elsewhere (on Temporal workers), derived once it ended from its
 * stored events, in `seq` order: the same computed ids and event times as if derived live, so
 * Temporal's spans and the workers' effect spans find their parents.
 */
export async function traceStoredExecution(
  document: WorkflowDocument,
  executionId: string,
  traceparent: string | undefined,
  readAfter: (seq: number) => Promise<ProgressEvent[]>,
): Promise<void> {
  const tracing = await loadTracing();
  const spans = new ProgressSpans(tracing, traceRoot(executionId, traceparent), executionId, document);
  for (let after = 0; ; ) {
    const page = await readAfter(after);
    const last = page.at(-1);
    if (!last) break;
    for (const event of page) spans.observe(event);
    after = last.seq;
  }
  await tracing.flush();
}
