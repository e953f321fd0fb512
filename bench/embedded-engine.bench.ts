/**
 * The embedded engine's throughput and latency, executions in-process vs. in worker threads,
 * measured side by side in alternating rounds: executions/s and p99 start→completion for a batch
 * of short executions started at once, with the process's CPU time (worker threads included).
 * Run: npx tsx bench/embedded-engine.bench.ts [executions per round] [rounds]
 */
import { InProcessEventBus } from '../src/bus/in-process-bus.ts';
import { loadDefaultEngine } from '../src/jq/node/engine-choice.ts';
import { loadWorkflow } from '../src/loader/load-workflow.ts';
import { LocalEngine } from '../src/service/local-engine.ts';

const perRound = Number(process.argv[2] ?? 200);
const rounds = Number(process.argv[3] ?? 3);
const document = loadWorkflow(
  `document: {dsl: '1.0.0', namespace: bench, name: short, version: '1.0.0'}
do:
  - first: {set: {n: '\${ [range(100)] | add }'}}
  - second: {set: {m: '\${ .n * 2 }'}}
`,
  'short.yaml',
  { engine: await loadDefaultEngine() },
);

async function round(engine: LocalEngine) {
  const latencies: number[] = [];
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: perRound }, (_, index) => {
      const begin = performance.now();
      return new Promise<void>((resolve) =>
        engine.start({
          executionId: `bench-${index}-${Math.random()}`,
          document,
          input: {},
          reportToken: '',
          onEvent: () => undefined,
          onFinish: (outcome) => {
            if (outcome.status !== 'completed') throw new Error(`execution ${outcome.status}`);
            latencies.push(performance.now() - begin);
            resolve();
          },
        }),
      );
    }),
  );
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  latencies.sort((a, b) => a - b);
  return { perSecond: (perRound / wallMs) * 1000, p99: latencies[Math.ceil(latencies.length * 0.99) - 1]!, cpuMs: (used.user + used.system) / 1000, wallMs };
}

const bus = new InProcessEventBus();
const engines = { 'in-process': new LocalEngine({ bus, inProcess: true }), 'worker threads': new LocalEngine({ bus }) };
// Warm-up: loads the worker threads and the modules once, outside the measured rounds.
for (const engine of Object.values(engines)) await round(engine);
const results: Record<string, Array<Awaited<ReturnType<typeof round>>>> = { 'in-process': [], 'worker threads': [] };
for (let index = 0; index < rounds; index++) {
  for (const [name, engine] of Object.entries(engines)) results[name]!.push(await round(engine));
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
for (const [name, runs] of Object.entries(results)) {
  console.log(
    `${name}: ${median(runs.map((run) => run.perSecond)).toFixed(0)} executions/s, p99 start→completion ${median(runs.map((run) => run.p99)).toFixed(0)} ms, CPU ${median(runs.map((run) => run.cpuMs)).toFixed(0)} ms / wall ${median(runs.map((run) => run.wallMs)).toFixed(0)} ms per ${perRound}`,
  );
}
const ratio = median(results['worker threads']!.map((run) => run.perSecond)) / median(results['in-process']!.map((run) => run.perSecond));
console.log(`worker threads / in-process executions/s: ${ratio.toFixed(2)}×`);
for (const engine of Object.values(engines)) await engine.close();
