import { Context } from '@temporalio/activity';
import type { EventBus } from '../../bus/event-bus.ts';
import type { EffectRequest } from '../../core/effects.ts';
import type { ProgressEvent } from '../../core/events.ts';
import type { Json } from '../../core/json.ts';
import type { WorkflowDocument } from '../../core/model.ts';
import type { EffectPolicy } from '../../effects/effect-context.ts';
import { performEffect } from '../../effects/perform-effect.ts';
import type { SecretStore } from '../../secrets/secret-store.ts';
import type { WorkflowRegistry } from '../../effects/run/workflow-registry.ts';
import { isWorkflowError, workflowError } from '../../core/errors.ts';
import { toActivityError } from './failures.ts';
import type { ProgressReportTarget } from './messages.ts';
import type { DeliverProgress } from './progress-delivery.ts';

export interface CairnActivityDependencies {
  /** Where `emit` tasks publish. */
  bus: EventBus;
  /** Origin → origin URL rewrites applied to every effect (loopback fixtures in tests). */
  endpointRewrites?: Record<string, string>;
  /** Resolves `{ secret }` references in effect requests (secret values never travel in requests). */
  secrets?: SecretStore;
  /** Whether `run` tasks may start processes (shell, script, container); otherwise they fault with 403. */
  allowProcesses?: boolean;
  /** Where `run: workflow` tasks find their sub-workflows (by namespace, name and version). */
  workflows?: WorkflowRegistry;
  /** The operator's egress, local-file and response-size policy (`cairn worker` sets the service's defaults); absent, open. */
  effectPolicy?: EffectPolicy;
}

export interface CairnActivities {
  /** `traceparent`, when the execution is traced: the effect's span goes below it (its task's span, or Temporal's StartActivity span when the worker traces its workflows). */
  performEffect(request: EffectRequest, traceparent?: string): Promise<Json>;
  /** Progress batches of executions started before progress left through the worker's sink (patches.ts). */
  reportProgress(events: ProgressEvent[], target?: ProgressReportTarget): Promise<void>;
  /** The registered document a `run: workflow` task names, or null (the workflow then starts it as a child). */
  findWorkflow(namespace: string, name: string, version: string): Promise<WorkflowDocument | null>;
  /** Does nothing: run as a local activity, it lets a long run of workflow code yield its activation. */
  yieldActivation(): Promise<void>;
}

/** Heartbeats keep a dead worker's effect from waiting out `startToCloseTimeout`, and deliver cancellation. */
const HEARTBEAT_EVERY_MS = 2_000;

/** `deliverProgress` ships the batches of executions that still report through the `reportProgress` local activity. */
export function createActivities(dependencies: CairnActivityDependencies, deliverProgress: DeliverProgress): CairnActivities {
  return {
    async performEffect(request: EffectRequest, traceparent?: string): Promise<Json> {
      const context = Context.current();
      const heartbeat = setInterval(() => context.heartbeat(), HEARTBEAT_EVERY_MS);
      try {
        return await performEffect(request, {
          ...dependencies.effectPolicy,
          signal: context.cancellationSignal,
          bus: dependencies.bus,
          allowProcesses: dependencies.allowProcesses === true,
          ...(dependencies.endpointRewrites ? { endpointRewrites: dependencies.endpointRewrites } : {}),
          ...(dependencies.secrets ? { secrets: dependencies.secrets } : {}),
          ...(traceparent ? { traceparent } : {}),
        });
      } catch (error) {
        throw toActivityError(error);
      } finally {
        clearInterval(heartbeat);
      }
    },

    reportProgress(events: ProgressEvent[], target?: ProgressReportTarget): Promise<void> {
      return deliverProgress(events, target);
    },

    async findWorkflow(namespace: string, name: string, version: string): Promise<WorkflowDocument | null> {
      try {
        return (await dependencies.workflows?.find(namespace, name, version)) ?? null;
      } catch (error) {
        // A registry file that fails to load fails the same way on the next attempt; the local host
        // reports it as the core reports any unexpected failure of an effect.
        throw toActivityError(isWorkflowError(error) ? error : workflowError('runtime', `unexpected failure: ${(error as Error)?.message ?? String(error)}`));
      }
    },

    async yieldActivation(): Promise<void> {},
  };
}
