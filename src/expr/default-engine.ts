import type { ExpressionEngine } from '../core/expr/engine.ts';
import { createJqWasmEngine } from './jq-wasm-engine.ts';

/** The engine the CLI, service and local host use unless told otherwise. */
export async function loadDefaultEngine(): Promise<ExpressionEngine> {
  return createJqWasmEngine();
}
