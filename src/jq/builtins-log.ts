import { defineSimple } from './natives.ts';
import { rt } from './runtime.ts';
import { tostring } from './tostring.ts';
import type { V } from './values.ts';

/** JSON text of a value, as jq writes it on stderr (compact). */
function jsonText(value: V): string {
  return typeof value === 'string' ? JSON.stringify(value) : tostring(value);
}

/**
 * `debug` and `stderr` pass their input through and write it to the runner's log (the engine's
 * `log` option), never to the expression's output; without a log they only pass their input through.
 * `debug(msg)` is defined in the prelude on top of `debug`, as in jq 1.7.
 */
export function registerLog(): void {
  defineSimple('debug', (input) => {
    rt.log?.(`["DEBUG:",${jsonText(input)}]`);
    return input;
  });
  defineSimple('stderr', (input) => {
    rt.log?.(jsonText(input));
    return input;
  });
}
