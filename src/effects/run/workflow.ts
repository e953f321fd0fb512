import type { RunWorkflowEffect } from '../../core/effects.ts';
import type { Json } from '../../core/json.ts';
import { workflowError } from '../../core/errors.ts';
import type { EffectContext } from '../effect-context.ts';

/**
 * `run: workflow` needs the interpreter and a registry, which only a host has: the local host
 * supplies `context.runWorkflow`; the Temporal host starts a child workflow instead of an activity.
 */
export function performRunWorkflow(effect: RunWorkflowEffect, context: EffectContext): Promise<Json> {
  if (context.runWorkflow === undefined) {
    return Promise.reject(workflowError('configuration', `this host cannot run sub-workflows (${effect.namespace}/${effect.name}:${effect.version})`));
  }
  return context.runWorkflow(effect, context.signal);
}
