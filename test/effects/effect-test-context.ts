import { InProcessEventBus } from '../../src/bus/in-process-bus.ts';
import type { EffectContext } from '../../src/effects/perform-effect.ts';

/** A fresh context per call: its own abort controller and bus. */
export function testContext(overrides: Partial<EffectContext> = {}): EffectContext & { controller: AbortController } {
  const controller = new AbortController();
  return { signal: controller.signal, bus: new InProcessEventBus(), controller, ...overrides };
}
