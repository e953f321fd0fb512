// Interpreter throughput: a 10,000-iteration `for` over `set` tasks on the local host (tasks/s),
// and runtime-expression evaluations/s through the interpreter's evaluator. Not a test: run with
// `npm run -s bench:interpreter` and write the figures in BENCHMARKS.md with the machine.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { WorkflowDocument } from '../src/core/model.ts';
import { ExpressionEvaluator } from '../src/core/expr/evaluator.ts';
import { loadDefaultEngine } from '../src/expr/default-engine.ts';
import { runLocal } from '../src/hosts/local/run-local.ts';

const ITERATIONS = 10_000;
const EVALUATIONS = 20_000;

const loop: WorkflowDocument = {
  document: { dsl: '1.0.3', namespace: 'bench', name: 'for-set', version: '1.0.0' },
  do: [
    {
      loop: {
        for: { each: 'n', in: '.numbers' },
        do: [{ accumulate: { set: { sum: '${ .sum + $n }', numbers: '${ .numbers }' } } }],
      },
    },
  ],
};

const engine = await loadDefaultEngine();
const input = { sum: 0, numbers: Array.from({ length: ITERATIONS }, (_, index) => index) };

let events = 0;
const loopStart = performance.now();
const result = await runLocal(loop, input, { engine, onEvent: () => (events += 1) });
const loopSeconds = (performance.now() - loopStart) / 1000;
if (result.status !== 'completed') throw new Error(`bench workflow ${result.status}: ${JSON.stringify(result.error)}`);
const tasks = ITERATIONS + 1;

const evaluator = new ExpressionEvaluator(engine);
const variables = { input: { a: 1 }, context: {} };
const evalStart = performance.now();
for (let index = 0; index < EVALUATIONS; index += 1) {
  evaluator.value('${ .items | map(select(.price > 10)) | length }', { items: [{ price: 5 }, { price: 20 }, { price: index }] }, variables, '/bench');
}
const evalSeconds = (performance.now() - evalStart) / 1000;

console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; engine: ${engine.name}`);
console.log(`interpreter-bench: for over set, ${tasks} tasks in ${loopSeconds.toFixed(2)} s = ${Math.round(tasks / loopSeconds)} tasks/s (${events} progress events)`);
console.log(`interpreter-bench: ${EVALUATIONS} expression evaluations in ${evalSeconds.toFixed(2)} s = ${Math.round(EVALUATIONS / evalSeconds)} evaluations/s`);
