// Interpreter throughput: a `for` over N items whose body is one `set` task, on the local host,
// every progress event delivered to a callback that reads it; tasks per CPU-second (beside wall
// time) and peak RSS at 100k and 1M items, each size in its own process so RSS is its own; then
// runtime-expression evaluations/s through the interpreter's evaluator. The measured processes run
// this file compiled by esbuild, as the package ships it (tsx's per-closure `__name` wrappers
// would cost ~15% more). Not a test: run with `npm run -s bench:interpreter` and write the
// figures in BENCHMARKS.md with the machine and load.
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { WorkflowDocument } from '../src/core/model.ts';
import type { ProgressEvent } from '../src/core/events.ts';
import { ExpressionEvaluator } from '../src/core/expr/evaluator.ts';
import { loadDefaultEngine } from '../src/jq/node/engine-choice.ts';
import { runLocal } from '../src/hosts/local/run-local.ts';

const SIZES = [100_000, 1_000_000];
const EVALUATIONS = 20_000;

interface LoopFigures {
  items: number;
  tasks: number;
  events: number;
  wallSeconds: number;
  cpuSeconds: number;
  peakRssMiB: number;
}

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

/** Runs the loop over `items` in this process and measures it. */
async function measureLoop(items: number): Promise<LoopFigures> {
  const engine = await loadDefaultEngine();
  const input = { sum: 0, numbers: Array.from({ length: items }, (_, index) => index) };
  let events = 0;
  let lastSeq = 0;
  // The callback reads each event, as a real sink would, so nothing is optimised away.
  const onEvent = (event: ProgressEvent) => {
    events += 1;
    lastSeq = event.seq;
  };
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  const result = await runLocal(loop, input, { engine, onEvent, retainEvents: false });
  const wallSeconds = (performance.now() - wallStart) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  if (result.status !== 'completed') throw new Error(`bench workflow ${result.status}: ${JSON.stringify(result.error)}`);
  if (lastSeq !== events) throw new Error(`events not contiguous: last seq ${lastSeq}, ${events} delivered`);
  return {
    items,
    tasks: items + 1,
    events,
    wallSeconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

const sizeArgument = process.argv.indexOf('--items');
if (sizeArgument >= 0) {
  console.log(JSON.stringify(await measureLoop(Number(process.argv[sizeArgument + 1]))));
} else {
  const engine = await loadDefaultEngine();
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; engine: ${engine.name}; load average ${os.loadavg().map((load) => load.toFixed(2)).join(' ')}`);
  // Inside node_modules so the compiled file resolves the same packages.
  const compiled = fileURLToPath(new URL('../node_modules/.cache/cairn-bench/interpreter.bench.mjs', import.meta.url));
  await build({ entryPoints: [fileURLToPath(import.meta.url)], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: compiled, logLevel: 'warning' });
  const perSize: LoopFigures[] = [];
  for (const items of SIZES) {
    const output = execFileSync(process.execPath, [compiled, '--items', String(items)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const figures = JSON.parse(output.trim().split('\n').at(-1)!) as LoopFigures;
    perSize.push(figures);
    console.log(
      `interpreter-bench: for over set, ${figures.items} items: ${figures.tasks} tasks, ${figures.events} events delivered; ` +
        `${figures.cpuSeconds.toFixed(2)} CPU-s (${figures.wallSeconds.toFixed(2)} s wall) = ${Math.round(figures.tasks / figures.cpuSeconds)} tasks/CPU-s; peak RSS ${Math.round(figures.peakRssMiB)} MiB`,
    );
  }
  const [small, large] = perSize as [LoopFigures, LoopFigures];
  const perTaskRatio = large.cpuSeconds / large.tasks / (small.cpuSeconds / small.tasks);
  console.log(`interpreter-bench: CPU per task at ${large.items} items / at ${small.items} items = ${perTaskRatio.toFixed(2)} (1.00 is linear)`);

  const evaluator = new ExpressionEvaluator(engine);
  const variables = { input: { a: 1 }, context: {} };
  const evalStart = process.cpuUsage();
  for (let index = 0; index < EVALUATIONS; index += 1) {
    evaluator.value('${ .items | map(select(.price > 10)) | length }', { items: [{ price: 5 }, { price: 20 }, { price: index }] }, variables, '/bench');
  }
  const evalCpu = process.cpuUsage(evalStart);
  const evalSeconds = (evalCpu.user + evalCpu.system) / 1e6;
  console.log(`interpreter-bench: ${EVALUATIONS} expression evaluations in ${evalSeconds.toFixed(2)} CPU-s = ${Math.round(EVALUATIONS / evalSeconds)} evaluations per CPU-second`);
}
