import type { ExpressionEngine } from '../../jq/engine.ts';
import { createNativeJqEngine } from '../../jq/native-engine.ts';

/**
 * Cairn's jq inside the workflow, one for every execution the bundle runs (compiling is pure).
 * `now` reads the workflow clock, so it replays identically; `debug` and `stderr` write to the
 * workflow's console, which the SDK routes to the worker's log (not on replay). jq-wasm stays out
 * of the sandbox: its inlined binary would make every worker's bundle megabytes larger.
 */
export const sandboxEngine: ExpressionEngine = createNativeJqEngine({ now: () => Date.now() / 1000, log: (line) => console.error(`jq: ${line}`) });
