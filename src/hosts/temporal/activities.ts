import { Context } from '@temporalio/activity';
import type { EventBus } from '../../bus/event-bus.ts';
import type { EffectRequest } from '../../core/effects.ts';
import type { ProgressEvent } from '../../core/events.ts';
import type { Json } from '../../core/json.ts';
import { performEffect } from '../../effects/perform-effect.ts';
import type { SecretStore } from '../../secrets/secret-store.ts';
import { workflowError } from '../../core/errors.ts';
import { toActivityError } from './failures.ts';

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
}

const PROCESS_EFFECTS: ReadonlySet<EffectRequest['kind']> = new Set(['run.shell', 'run.script', 'run.container']);

export interface CairnActivities {
  performEffect(request: EffectRequest): Promise<Json>;
  reportProgress(events: ProgressEvent[]): Promise<void>;
  /** Does nothing: run as a local activity, it lets a long run of workflow code yield its activation. */
  yieldActivation(): Promise<void>;
}

/** Heartbeats keep a dead worker's effect from waiting out `startToCloseTimeout`, and deliver cancellation. */
const HEARTBEAT_EVERY_MS = 2_000;

export function createActivities(dependencies: CairnActivityDependencies): CairnActivities {
  return {
    async performEffect(request: EffectRequest): Promise<Json> {
      if (PROCESS_EFFECTS.has(request.kind) && dependencies.allowProcesses !== true) {
        throw toActivityError(workflowError('authorization', `${request.kind} tasks are disabled on this worker (enable allowProcesses to run processes)`));
      }
      const context = Context.current();
      const heartbeat = setInterval(() => context.heartbeat(), HEARTBEAT_EVERY_MS);
      try {
        return await performEffect(request, {
          signal: context.cancellationSignal,
          bus: dependencies.bus,
          ...(dependencies.endpointRewrites ? { endpointRewrites: dependencies.endpointRewrites } : {}),
          ...(dependencies.secrets ? { secrets: dependencies.secrets } : {}),
        });
      } catch (error) {
        throw toActivityError(error);
      } finally {
        clearInterval(heartbeat);
      }
    },

    async reportProgress(events: ProgressEvent[]): Promise<void> {
      await dependencies.progressSink?.(events);
    },

    async yieldActivation(): Promise<void> {},
  };
}
