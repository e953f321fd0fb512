import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { Code, ConnectError } from '@connectrpc/connect';
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
import { createProgressReporter } from '../../service/progress-client.ts';
import { toActivityError } from './failures.ts';
import type { ProgressReportTarget } from './messages.ts';

/** Receives batches of progress events shipped out of workflows (the service plugs in here). */
export type ProgressBatchSink = (events: ProgressEvent[]) => void | Promise<void>;

export interface CairnActivityDependencies {
  /** Where `emit` tasks publish. */
  bus: EventBus;
  /** Origin → origin URL rewrites applied to every effect (loopback fixtures in tests). */
  endpointRewrites?: Record<string, string>;
  /** Where `reportProgress` hands its batches; without one, batches are acknowledged and dropped. */
  progressSink?: ProgressBatchSink;
  /** Resolves `{ secret }` references in effect requests (secret values never travel in requests). */
  secrets?: SecretStore;
  /** Whether `run` tasks may start processes (shell, script, container); otherwise they fault with 403. */
  allowProcesses?: boolean;
  /** Base URL of the execution service that receives every batch (overrides the URL a workflow names). */
  serviceUrl?: string;
  /** Where `run: workflow` tasks find their sub-workflows (by namespace, name and version). */
  workflows?: WorkflowRegistry;
  /** The operator's egress, local-file and response-size policy (`cairn worker` sets the service's defaults); absent, open. */
  effectPolicy?: EffectPolicy;
}

/** Refusals that another attempt cannot change (a wrong token, a malformed batch). */
const FINAL_REFUSALS = new Set([Code.PermissionDenied, Code.Unauthenticated, Code.InvalidArgument]);


export interface CairnActivities {
  /** `traceparent`: the task's span, when the execution is traced (the effect's span goes below it). */
  performEffect(request: EffectRequest, traceparent?: string): Promise<Json>;
  reportProgress(events: ProgressEvent[], target?: ProgressReportTarget): Promise<void>;
  /** The registered document a `run: workflow` task names, or null (the workflow then starts it as a child). */
  findWorkflow(namespace: string, name: string, version: string): Promise<WorkflowDocument | null>;
  /** Does nothing: run as a local activity, it lets a long run of workflow code yield its activation. */
  yieldActivation(): Promise<void>;
}

/** Heartbeats keep a dead worker's effect from waiting out `startToCloseTimeout`, and deliver cancellation. */
const HEARTBEAT_EVERY_MS = 2_000;

export function createActivities(dependencies: CairnActivityDependencies): CairnActivities {
  // One client (and HTTP/2 session) per service URL; the token is looked up per call.
  const reporters = new Map<string, ReturnType<typeof createProgressReporter>>();
  const tokens = new Map<string, { token: string; calls: number }>();
  const reporterFor = (url: string) => {
    let reporter = reporters.get(url);
    if (!reporter) {
      reporter = createProgressReporter({ url, token: (executionId) => tokens.get(executionId)?.token ?? '', timeoutMs: 10_000 });
      reporters.set(url, reporter);
    }
    return reporter;
  };
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

    async reportProgress(events: ProgressEvent[], target?: ProgressReportTarget): Promise<void> {
      await dependencies.progressSink?.(events);
      const url = dependencies.serviceUrl ?? target?.url;
      const executionId = events[0]?.executionid;
      if (!url || !target || executionId === undefined) return;
      const entry = tokens.get(executionId) ?? { token: target.token, calls: 0 };
      entry.calls += 1;
      tokens.set(executionId, entry);
      try {
        await reporterFor(url)(events);
      } catch (error) {
        const refusal = ConnectError.from(error);
        // The message names the service's answer, never the token.
        const failure = `ReportProgress to ${url} failed: ${refusal.message}`;
        throw FINAL_REFUSALS.has(refusal.code) ? ApplicationFailure.nonRetryable(failure, 'ReportProgressRefused') : ApplicationFailure.retryable(failure, 'ReportProgressFailed');
      } finally {
        if (--entry.calls === 0) tokens.delete(executionId);
      }
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
