import {
  CancellationScope,
  ChildWorkflowCancellationType,
  executeChild,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  proxyLocalActivities,
  startChild,
  uuid4,
  type ChildWorkflowOptions,
} from '@temporalio/workflow';
import type { EffectOptions, RunWorkflowEffect } from '../../core/effects.ts';
import { parentTask } from '../../core/interpreter.ts';
import { CancelledError, type WorkflowError } from '../../core/errors.ts';
import type { Json } from '../../core/json.ts';
import type { WorkflowDocument } from '../../core/model.ts';
import { MAX_SUB_WORKFLOW_DEPTH, subWorkflowErrors } from '../local/sub-workflow.ts';
import type { CairnActivities } from './activities.ts';
import type { TemporalCancelScope } from './cancel-scope.ts';
import type { LocalActivityLane } from './local-activity-lane.ts';
import type { TaskInstance } from '../../core/progress.ts';
import { fromActivityFailure, isCancellation, problemOf } from './failures.ts';
import { WORKFLOW_TYPE, type ExecuteServerlessWorkflowInput, type ExecutionOptions, type ExecutionOutcome } from './messages.ts';
import { SEARCH_ATTRIBUTES } from './search-attributes.ts';

/**
 * The registry lives on the worker. A local activity: one marker in history (holding the document
 * the child then receives), and a registry file that fails to load fails every attempt alike. It
 * runs in the execution's local-activity lane, like progress batches, so histories stay replayable.
 */
const { findWorkflow } = proxyLocalActivities<CairnActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3, initialInterval: '1 second' },
  summary: 'find sub-workflow',
});

/**
 * `run: workflow` on the Temporal host: the document comes from the worker's registry, and the
 * child is the generic workflow started as a Temporal child workflow — its own execution, with its
 * own id, events and history, visible as a child in Temporal's UI. Awaited children are cancelled
 * with the task; detached ones (`await: false`) outlive the parent (ParentClosePolicy ABANDON) but
 * are cancelled with it, as on the local host. Errors are the local host's (`subWorkflowErrors`).
 */
export class SubWorkflows {
  /** Each detached child's id, result (settles when it ends or once it got the cancellation), whether it ended, and the scope it was started in. */
  private readonly detached: { workflowId: string; settled: Promise<unknown>; ended: boolean; scope: TemporalCancelScope }[] = [];

  constructor(
    private readonly parent: ExecuteServerlessWorkflowInput,
    private readonly localActivities: LocalActivityLane,
    /** Detached children that earlier runs of this execution started (continue-as-new). */
    private readonly inherited: readonly string[] = [],
  ) {}

  /**
   * A cancelled execution waits until its detached children got their cancellation: Temporal drops
   * a cancel request still in flight when its parent closes, and the child would run on. Those an
   * earlier run started are no children of this run: they get a cancellation request by id.
   */
  async detachedCancelled(): Promise<void> {
    await Promise.all([
      ...this.detached.filter(({ scope }) => scope.cancelled).map(({ settled }) => settled),
      // Requested outside the cancelled execution scope; one that already ended refuses it, and there is nothing left to cancel.
      ...this.inherited.map((workflowId) => CancellationScope.nonCancellable(() => getExternalWorkflowHandle(workflowId).cancel()).catch(() => undefined)),
    ]);
  }

  /** Detached children that may still run, for the run that continues this execution. */
  detachedIds(): string[] {
    return [...this.inherited, ...this.detached.filter(({ ended }) => !ended).map(({ workflowId }) => workflowId)];
  }

  async run(effect: RunWorkflowEffect, { summary, task }: EffectOptions, taskScope: TemporalCancelScope, executionScope: TemporalCancelScope): Promise<Json> {
    const reference = subWorkflowErrors.reference(effect);
    const depth = this.parent.options?.subWorkflowDepth ?? 0;
    if (depth >= MAX_SUB_WORKFLOW_DEPTH) throw subWorkflowErrors.tooDeep(reference);
    let document: WorkflowDocument | null;
    try {
      document = await this.localActivities.run(() => findWorkflow(effect.namespace, effect.name, effect.version));
    } catch (error) {
      throw fromActivityFailure(error, summary);
    }
    if (!document) throw subWorkflowErrors.notRegistered(reference);

    const child = this.childOptions(document, effect.input, depth + 1, summary, task);
    if (!effect.await) {
      // Started in the execution's scope, not the task's: cancelling the parent execution cancels it.
      const handle = await executionScope.run(() =>
        startChild(WORKFLOW_TYPE, { ...child, parentClosePolicy: ParentClosePolicy.ABANDON, cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_REQUESTED }),
      );
      const entry = { workflowId: handle.workflowId, settled: Promise.resolve<unknown>(undefined), ended: false, scope: executionScope };
      entry.settled = handle.result().catch(() => undefined).finally(() => (entry.ended = true));
      this.detached.push(entry);
      return null;
    }
    try {
      const outcome = (await taskScope.run(() => executeChild(WORKFLOW_TYPE, child))) as ExecutionOutcome;
      return outcome.output ?? null;
    } catch (error) {
      throw childFailure(error, reference, taskScope);
    }
  }

  /**
   * The child inherits the parent's engine, secrets, progress shipping and history limits, and its
   * report target: the service accepts the parent's report token for the ids below the parent's.
   */
  private childOptions(document: WorkflowDocument, input: Json, depth: number, summary: string, task: TaskInstance): ChildWorkflowOptions & { args: [ExecuteServerlessWorkflowInput] } {
    const inherited = this.parent.options ?? {};
    const executionId = `${this.parent.executionId}.${uuid4()}`;
    const options: ExecutionOptions = {
      subWorkflowDepth: depth,
      ...(inherited.reportProgress ? { reportProgress: true } : {}),
      ...(inherited.report ? { report: inherited.report } : {}),
      ...(inherited.continueAsNew ? { continueAsNew: inherited.continueAsNew } : {}),
    };
    const args: ExecuteServerlessWorkflowInput = {
      document,
      input,
      executionId,
      options,
      parent: parentTask(this.parent.executionId, task),
      ...(this.parent.secrets ? { secrets: this.parent.secrets } : {}),
    };
    const header = document.document;
    return {
      workflowId: executionId,
      args: [args],
      staticSummary: `${header.namespace}/${header.name}@${header.version} (from ${summary})`,
      typedSearchAttributes: [
        { key: SEARCH_ATTRIBUTES.executionId, value: executionId },
        { key: SEARCH_ATTRIBUTES.workflowNamespace, value: header.namespace },
        { key: SEARCH_ATTRIBUTES.workflowName, value: header.name },
        { key: SEARCH_ATTRIBUTES.workflowVersion, value: header.version },
        { key: SEARCH_ATTRIBUTES.status, value: 'running' },
      ],
    };
  }
}

/** An awaited child's failure as the local host reports it; a terminated or timed-out child is a runtime error. */
function childFailure(error: unknown, reference: string, taskScope: TemporalCancelScope): WorkflowError | CancelledError {
  if (taskScope.cancelled) return new CancelledError(`sub-workflow ${reference}: cancelled`);
  if (isCancellation(error)) return subWorkflowErrors.cancelled(reference);
  const problem = problemOf(error);
  if (problem) return subWorkflowErrors.faulted(reference, problem);
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return subWorkflowErrors.failed(reference, cause instanceof Error ? cause.message : String(cause));
}
