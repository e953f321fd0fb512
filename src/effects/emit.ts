import type { EmitEffect } from '../core/effects.ts';
import type { JsonObject } from '../core/json.ts';
import { CancelledError, workflowError } from '../core/errors.ts';
import type { EffectContext } from './effect-context.ts';

/** Publishes the CloudEvent the core already built; the task's output is that event. */
export async function performEmit(effect: EmitEffect, context: EffectContext): Promise<JsonObject> {
  if (context.signal.aborted) throw new CancelledError('emit cancelled before publishing');
  try {
    // CloudEvents distributed tracing extension; the task's output stays the event the workflow built.
    await context.bus.publish(context.traceparent && effect.event.traceparent === undefined ? { ...effect.event, traceparent: context.traceparent } : effect.event);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw workflowError('communication', `publishing event ${String(effect.event.type)} failed: ${reason}`);
  }
  return effect.event;
}
