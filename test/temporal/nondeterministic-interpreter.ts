import type { Host } from '../../src/core/host.ts';
import { runWorkflow as currentRunWorkflow } from '../../src/core/interpreter.ts';

/**
 * A deliberately non-deterministic "next version" of the interpreter for replay.test.ts: it sleeps
 * 1 ms before every effect, so it schedules a timer where recorded histories have an activity.
 * Swapped in for the real interpreter only in that test's workflow bundle.
 */
export const runWorkflow: typeof currentRunWorkflow = (document, input, host, options) => {
  const changed: Host = Object.create(host) as Host;
  changed.perform = async (request, effectOptions, scope) => {
    await host.sleep(1, scope);
    return host.perform(request, effectOptions, scope);
  };
  return currentRunWorkflow(document, input, changed, options);
};
