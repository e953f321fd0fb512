import type { ExpressionEngine } from '../engine.ts';
import { createNativeJqEngine } from '../native-engine.ts';

/** Environment variable choosing the jq engine: `native` (default) or `jq-wasm` (real jq compiled to WASM). */
export const EXPRESSION_ENGINE_ENV = 'CAIRN_EXPRESSION_ENGINE';

export type EngineName = 'native' | 'jq-wasm';

/** The engine the CLI, service and local host use unless told otherwise. */
export async function loadDefaultEngine(): Promise<ExpressionEngine> {
  return loadEngine((process.env[EXPRESSION_ENGINE_ENV] as EngineName | undefined) ?? 'native');
}

export async function loadEngine(name: EngineName): Promise<ExpressionEngine> {
  switch (name) {
    case 'native':
      // jq's `now` is seconds since the epoch; `debug` and `stderr` write to the runner's log: this process's stderr.
      return createNativeJqEngine({ now: () => Date.now() / 1000, log: (line) => process.stderr.write(`jq: ${line}\n`) });
    case 'jq-wasm':
      // Loaded only when chosen: the WebAssembly build is large.
      return (await import('../wasm/jq-wasm-engine.ts')).createJqWasmEngine();
    default:
      throw new Error(`unknown expression engine '${String(name)}' in ${EXPRESSION_ENGINE_ENV} (use native or jq-wasm)`);
  }
}
