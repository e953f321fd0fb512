/**
 * Evaluations per second of workflow-style jq expressions, compiled once and evaluated many times,
 * for the native engine and for jq-wasm (which recompiles on every call) in the same run.
 * Prints one line: `jq-bench: native N/s, jq-wasm M/s, ratio R`.
 */
import { loadJq } from 'jq-wasm';
import { createNativeJqEngine } from '../src/jq/native-engine.ts';
import type { Json } from '../src/core/json.ts';

const EXPRESSIONS = [
  '.a.b',
  '.colors + ["red"]',
  '{ id: .id, names: [.items[].name] }',
  '.items | map(select(.price > 10)) | length',
  '"order \\(.id) has \\(.items | length) items"',
  'if .x then 1 else 2 end',
  '.items[0]',
  '$input.x',
  '.items | map(.price) | add',
  '.customer.name // "anonymous"',
  '[.items[] | select(.name | startswith("item-1"))] | length',
  '.id == 7 and .x',
];

const input: Json = {
  a: { b: 1 },
  colors: ['blue', 'green'],
  id: 7,
  x: true,
  customer: { name: 'Ada' },
  items: Array.from({ length: 10 }, (_, i) => ({ name: `item-${i}`, price: i * 3 })),
};
const variables = { input: { x: 42 } };

function timeNative(seconds: number): number {
  const engine = createNativeJqEngine();
  const compiled = EXPRESSIONS.map((e) => engine.compile(e, ['input']));
  let n = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    for (let r = 0; r < 100; r++) for (const c of compiled) c.evaluate(input, variables);
    n += 100 * compiled.length;
  }
  return n / seconds;
}

async function timeWasm(seconds: number): Promise<number> {
  const jq = await loadJq();
  const text = JSON.stringify(input);
  const args = ['-c', '--argjson', 'input', JSON.stringify(variables.input)];
  let n = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    for (const e of EXPRESSIONS) jq.raw(text, e, args);
    n += EXPRESSIONS.length;
  }
  return n / ((performance.now() - start) / 1000);
}

timeNative(0.5);
const native = timeNative(3);
const wasm = await timeWasm(3);
console.log(`jq-bench: native ${Math.round(native)}/s, jq-wasm ${Math.round(wasm)}/s, ratio ${Math.round(native / wasm)}`);
