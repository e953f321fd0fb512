import type { WorkflowInterceptors } from '@temporalio/workflow';

/**
 * Work done once per activation, as it concludes (after the workflow code went as far as it can,
 * before the SDK collects the activation's sink calls): e.g. handing the activation's progress
 * events to the worker in one sink call, where the SDK copies the workflow info for every call.
 * The state is per execution: Temporal's sandbox evaluates the bundle's modules once per execution.
 */
const callbacks: Array<() => void> = [];
let installed = false;

/**
 * Runs `callback` as each activation concludes, from now on. Returns false, registering nothing,
 * when the bundle does not carry this module's interceptor (a bundle built without
 * `workflowInterceptorModules`): the caller then does the work as it goes.
 */
export function atActivationEnd(callback: () => void): boolean {
  if (installed) callbacks.push(callback);
  return installed;
}

/** The workflow interceptor module the worker bundles (worker.ts). */
export const interceptors = (): WorkflowInterceptors => {
  installed = true;
  return {
    internals: [
      {
        concludeActivation(input, next) {
          for (const callback of callbacks) callback();
          return next(input);
        },
      },
    ],
  };
};
