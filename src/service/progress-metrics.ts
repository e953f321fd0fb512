import { EVENT_TYPES, type ProgressEvent } from '../core/events.ts';
import type { WorkflowDocument } from '../core/model.ts';
import { taskKindAt } from '../core/task-kind.ts';
import type { WorkflowRef } from '../store/execution-store.ts';
import type { ServiceMetrics } from './metrics.ts';

/**
 * The most workflow label values the execution series take: documents sent to the service name
 * their workflows freely, and every value is a series /metrics serves for the process's life.
 * Workflows beyond it count as `other`.
 */
export const MAX_WORKFLOW_LABELS = 1_000;
/** `namespace/name` of a valid document (63 characters at most each); a reported execution's record can name anything. */
const MAX_WORKFLOW_LABEL_LENGTH = 127;

interface TrackedExecution {
  workflow: string;
  document?: WorkflowDocument;
  /**
   * `seq`s already counted, so a batch sent again is not counted twice: all up to `countedThrough`,
   * and those above it that came early (out of order, a gap filled later). Memory stays that of the
   * gaps, not one entry per event for the execution's life.
   */
  countedThrough: number;
  countedAbove: Set<number>;
  /** Start times of open task instances, by pointer, iteration and attempt. */
  started: Map<string, number>;
}

/**
 * Folds stored progress events into the execution and task series of /metrics. Executions are
 * tracked from their first event (or their start here) to their end, labelled by the workflow the
 * store holds for them; their document names each task's kind.
 */
export class ProgressMetrics {
  readonly #executions = new Map<string, TrackedExecution>();
  readonly #workflowLabels = new Set<string>();

  constructor(private readonly metrics: ServiceMetrics) {}

  /**
   * Called before an execution's events are observed (when this service starts it, or for its first
   * report): without a document its tasks' kinds are unknown. `countedThrough`: the seqs before the
   * first report here (another process stored and counted them).
   */
  track(executionId: string, workflow: Pick<WorkflowRef, 'namespace' | 'name'>, document?: WorkflowDocument, countedThrough = 0): void {
    this.#executions.set(executionId, {
      workflow: this.#label(`${workflow.namespace}/${workflow.name}`),
      ...(document ? { document } : {}),
      countedThrough,
      countedAbove: new Set(),
      started: new Map(),
    });
  }

  #label(workflow: string): string {
    if (this.#workflowLabels.has(workflow)) return workflow;
    if (this.#workflowLabels.size >= MAX_WORKFLOW_LABELS || workflow.length > MAX_WORKFLOW_LABEL_LENGTH) return 'other';
    this.#workflowLabels.add(workflow);
    return workflow;
  }

  /** An execution the service itself ended, with no event from its run (interrupted, or cancelled when nothing ran it any more). */
  ended(executionId: string, workflow: Pick<WorkflowRef, 'namespace' | 'name'>, status: 'faulted' | 'cancelled'): void {
    const label = this.#executions.get(executionId)?.workflow ?? this.#label(`${workflow.namespace}/${workflow.name}`);
    (status === 'faulted' ? this.metrics.executionsFaulted : this.metrics.executionsCancelled).inc({ workflow: label });
    this.#forget(executionId);
  }

  tracks(executionId: string): boolean {
    return this.#executions.has(executionId);
  }

  observe(events: readonly ProgressEvent[], storedAt: number): void {
    for (const event of events) {
      const execution = this.#tracked(event);
      if (event.seq <= execution.countedThrough || execution.countedAbove.has(event.seq)) continue;
      execution.countedAbove.add(event.seq);
      while (execution.countedAbove.delete(execution.countedThrough + 1)) execution.countedThrough += 1;
      this.metrics.reportLag.observe({}, Math.max(0, storedAt - Date.parse(event.time)) / 1000);
      this.#count(event, execution);
    }
  }

  #count(event: ProgressEvent, execution: TrackedExecution): void {
    const workflow = execution.workflow;
    const key = `${event.subject}|${event.iteration ?? ''}|${event.attempt ?? 0}`;
    switch (event.type) {
      case EVENT_TYPES.workflowStarted:
        this.metrics.executionsStarted.inc({ workflow });
        return;
      case EVENT_TYPES.workflowCompleted:
        this.metrics.executionsCompleted.inc({ workflow });
        return this.#forget(event.executionid);
      case EVENT_TYPES.workflowFaulted:
        this.metrics.executionsFaulted.inc({ workflow });
        return this.#forget(event.executionid);
      case EVENT_TYPES.workflowCancelled:
        this.metrics.executionsCancelled.inc({ workflow });
        return this.#forget(event.executionid);
      case EVENT_TYPES.taskRetried:
        this.metrics.taskRetries.inc({ workflow });
        return;
      case EVENT_TYPES.taskStarted:
        execution.started.set(key, Date.parse(event.time));
        return;
      case EVENT_TYPES.taskCompleted:
      case EVENT_TYPES.taskFaulted:
      case EVENT_TYPES.taskCancelled: {
        const startedAt = execution.started.get(key);
        if (startedAt === undefined) return;
        execution.started.delete(key);
        const status = event.type === EVENT_TYPES.taskCompleted ? 'completed' : event.type === EVENT_TYPES.taskFaulted ? 'faulted' : 'cancelled';
        this.metrics.taskDuration.observe({ kind: (execution.document && taskKindAt(execution.document, event.subject ?? '')) || 'unknown', status }, (Date.parse(event.time) - startedAt) / 1000);
        return;
      }
    }
  }

  #tracked(event: ProgressEvent): TrackedExecution {
    let execution = this.#executions.get(event.executionid);
    if (!execution) {
      // Not tracked: the store held no record of it. Never a name from the event, which the reporter writes (its `name` even holds the execution id).
      execution = { workflow: 'unknown', countedThrough: 0, countedAbove: new Set(), started: new Map() };
      this.#executions.set(event.executionid, execution);
    }
    return execution;
  }

  #forget(executionId: string): void {
    this.#executions.delete(executionId);
  }
}
