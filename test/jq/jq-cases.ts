import { loadJq, type Jq } from 'jq-wasm';
import type { ExpressionEngine } from '../../src/jq/engine.ts';
import type { Json } from '../../src/core/json.ts';
import { parseJson } from '../../src/jq/json-parse.ts';
import { measureOutput } from '../../src/jq/output.ts';
import { equals, type V } from '../../src/jq/values.ts';
import type { JqTestCase } from './jq-test-file.ts';

/** Outputs of a run, up to a runtime error if one happened (jq's own runner accepts a trailing error). */
export type RunResult = { kind: 'compile-error' } | { kind: 'outputs'; outputs: V[] };

/** JSON text to a value as jq reads it (nan, ±Infinity, a BOM), with infinities clamped as jq prints them. */
export function readValue(text: string): V {
  return measureOutput(parseJson(text), Number.MAX_SAFE_INTEGER).value;
}

export function runNative(engine: ExpressionEngine, c: JqTestCase): RunResult {
  let compiled;
  try {
    compiled = engine.compile(c.program, []);
  } catch (e) {
    if ((e as Error).name === 'ExpressionSyntaxError') return { kind: 'compile-error' };
    throw e;
  }
  const input = parseJson(c.input) as Json;
  try {
    return { kind: 'outputs', outputs: compiled.evaluate(input, {}) as V[] };
  } catch {
    // the outputs produced before the error, as jq's own test runner sees them
    try {
      return { kind: 'outputs', outputs: engine.compile(`try (${c.program}) catch empty`, []).evaluate(input, {}) as V[] };
    } catch {
      return { kind: 'outputs', outputs: [] };
    }
  }
}

export async function loadReferenceJq(): Promise<Jq> {
  return loadJq();
}

/** `null` when the WebAssembly instance trapped (very deep nesting): it must then be reloaded. */
export function runReference(jq: Jq, c: JqTestCase): RunResult | null {
  let r;
  try {
    r = jq.raw(c.input, c.program, ['-c']);
  } catch (e) {
    if ((e as Error).name === 'RuntimeError' || e instanceof RangeError) return null;
    throw e;
  }
  if (r.exitCode === 3) return { kind: 'compile-error' };
  const lines = r.stdout.split('\n').filter((l) => l !== '');
  return { kind: 'outputs', outputs: lines.map(readValue) };
}

export function passes(c: JqTestCase, r: RunResult | null): boolean {
  if (r === null) return false;
  if (c.fail) return r.kind === 'compile-error';
  if (r.kind !== 'outputs') return false;
  const expected = c.expected.map(readValue);
  return r.outputs.length === expected.length && r.outputs.every((o, i) => equals(o, expected[i]!));
}
