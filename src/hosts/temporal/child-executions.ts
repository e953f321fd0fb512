import type { Client } from '@temporalio/client';
import type { ProgressSink } from '../../core/events.ts';
import type { ProgressBatchSink } from './progress-delivery.ts';
import { ProgressCollector } from './client.ts';

/**
 * A worker's progress batches split by execution: the run's own go to its collector; those of its
 * `run: workflow` children (their own executions, seq from 1) each get a collector of their own and
 * reach `onEvent` as the local host's children do. A batch always holds one execution's events.
 */
export function routeProgressByExecution(executionId: string, own: ProgressCollector, onEvent?: ProgressSink): ProgressBatchSink {
  const children = new Map<string, ProgressCollector>();
  return (events) => {
    const id = events[0]?.executionid;
    if (id === undefined || id === executionId) return own.push(events);
    let collector = children.get(id);
    if (!collector) {
      collector = new ProgressCollector(onEvent);
      children.set(id, collector);
    }
    collector.push(events);
  };
}

/**
 * Waits for every child workflow an execution started, and theirs, to close. A run with its own
 * worker must not stop that worker while an `await: false` child still runs on its task queue
 * (nothing else polls it); in process, the local host's detached children also finish before the
 * process exits. Aborting `signal` cancels the children still running.
 */
export async function awaitChildExecutions(client: Client, workflowId: string, signal?: AbortSignal): Promise<void> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const children = (history.events ?? []).flatMap((event) => event.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId ?? []);
  await Promise.all(
    children.map(async (childId) => {
      const handle = client.workflow.getHandle(childId);
      const cancel = () => void handle.cancel().catch(() => undefined);
      if (signal?.aborted) cancel();
      signal?.addEventListener('abort', cancel, { once: true });
      try {
        // Its outcome is the parent's business (an awaited child) or nobody's (a detached one).
        await handle.result().catch(() => undefined);
      } finally {
        signal?.removeEventListener('abort', cancel);
      }
      await awaitChildExecutions(client, childId, signal);
    }),
  );
}
