import { Context } from '@temporalio/activity';
import type { EventBus } from '../../bus/event-bus.ts';
import type { EffectRequest } from '../../core/effects.ts';
import type { ProgressEvent } from '../../core/events.ts';
import type { Json } from '../../core/json.ts';
import { performEffect } from '../../effects/perform-effect.ts';
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
}

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
      const context = Context.current();
      const heartbeat = setInterval(() => context.heartbeat(), HEARTBEAT_EVERY_MS);
      try {
        return await performEffect(request, {
          signal: context.cancellationSignal,
          bus: dependencies.bus,
          endpointRewrites: dependencies.endpointRewrites,
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
