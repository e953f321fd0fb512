import type { EmitEffect } from '../core/effects.ts';
import type { JsonObject } from '../core/json.ts';
import { CancelledError } from '../core/errors.ts';
import type { EffectContext } from './effect-context.ts';

/** Publishes the CloudEvent the core already built; the task's output is that event. */
export async function performEmit(effect: EmitEffect, context: EffectContext): Promise<JsonObject> {
  if (context.signal.aborted) throw new CancelledError('emit cancelled before publishing');
  await context.bus.publish(effect.event);
  return effect.event;
}
