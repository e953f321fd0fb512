import type { RunWorkflowEffect } from '../../core/effects.ts';
import type { Json } from '../../core/json.ts';
import type { WorkflowDocument } from '../../core/model.ts';
import type { WorkflowResult } from '../../core/interpreter.ts';
import type { TaskInstance } from '../../core/progress.ts';
import { CancelledError, WorkflowError, workflowError, type ProblemDetails } from '../../core/errors.ts';
import type { WorkflowRegistry } from '../../effects/run/workflow-registry.ts';

/** Sub-workflows nested deeper than this fault: a workflow that runs itself would otherwise never stop. */
export const MAX_SUB_WORKFLOW_DEPTH = 16;

/** Starts a child execution of `document` for the parent's `task`; aborting `signal` cancels it. */
export type ChildStarter = (document: WorkflowDocument, input: Json, signal: AbortSignal, task: TaskInstance) => Promise<WorkflowResult>;

/** Runs a sub-workflow for the parent's `task` (the local host's `run: workflow`). */
export type SubWorkflowRunner = (effect: RunWorkflowEffect, signal: AbortSignal, task: TaskInstance) => Promise<Json>;

/**
 * The errors of `run: workflow`, shared with the Temporal host (sandbox-safe: no Node imports) so
 * both hosts fault a parent task with the same problem.
 */
export const subWorkflowErrors = {
  reference: (effect: RunWorkflowEffect): string => `${effect.namespace}/${effect.name}:${effect.version}`,
  tooDeep: (reference: string): WorkflowError =>
    workflowError('runtime', `sub-workflow ${reference} would nest deeper than ${MAX_SUB_WORKFLOW_DEPTH} levels (a workflow that runs itself?)`),
  notRegistered: (reference: string): WorkflowError => workflowError('configuration', `workflow ${reference} is not in the workflow registry`),
  cancelled: (reference: string): WorkflowError => workflowError('runtime', `sub-workflow ${reference} was cancelled`),
  /** A child that ended without a workflow fault (terminated, timed out: Temporal only). */
  failed: (reference: string, reason: string): WorkflowError => workflowError('runtime', `sub-workflow ${reference} failed: ${reason}`),
  /** The child's own error, its detail prefixed with where the child faulted (its instance means nothing in the parent). */
  faulted: (reference: string, problem: ProblemDetails): WorkflowError => {
    const { instance, ...rest } = problem;
    return new WorkflowError({ ...rest, detail: `sub-workflow ${reference} faulted at ${instance ?? '/'}: ${problem.detail ?? problem.title ?? problem.type}` });
  },
};

/**
 * `run: workflow` on the local host: looks the document up in the registry and runs it through the
 * same interpreter as a child execution. Awaited children are cancelled with the task; detached ones
 * (`await: false`) with the parent execution (`detachedSignal`), and their outcome is not reported back.
 */
export function createSubWorkflowRunner(registry: WorkflowRegistry | undefined, depth: number, detachedSignal: AbortSignal, start: ChildStarter): SubWorkflowRunner {
  return async (effect, signal, task) => {
    const reference = subWorkflowErrors.reference(effect);
    if (depth >= MAX_SUB_WORKFLOW_DEPTH) throw subWorkflowErrors.tooDeep(reference);
    const document = await registry?.find(effect.namespace, effect.name, effect.version);
    if (!document) throw subWorkflowErrors.notRegistered(reference);
    if (!effect.await) {
      start(document, effect.input, detachedSignal, task).catch(() => undefined);
      return null;
    }
    const result = await start(document, effect.input, signal, task);
    if (result.status === 'completed') return result.output ?? null;
    if (result.status === 'cancelled') throw signal.aborted ? new CancelledError() : subWorkflowErrors.cancelled(reference);
    return Promise.reject(subWorkflowErrors.faulted(reference, result.error!));
  };
}
