// Embedded engine on SQLite under load: 1,000 executions of a 20-task workflow started through the
// service's HTTP/JSON API (in-process `inject`) at a steady 100 starts/s, on an SQLite file store.
// Prints start→completion percentiles (from the start request to the moment the service recorded
// the end), event-loop lag percentiles over the whole run, and the process CPU time beside the wall
// time. Goals: p99 start→completion ≤ 500 ms, event-loop lag p99 ≤ 50 ms.
// Run: npm run -s bench:embedded  [-- --executions 1000 --rate 100]
import { mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { InProcessEventBus } from '../src/bus/in-process-bus.ts';
import { loadDefaultEngine } from '../src/jq/node/engine-choice.ts';
import { buildApp } from '../src/service/app.ts';
import { LocalEngine } from '../src/service/local-engine.ts';
import type { ExecutionStore } from '../src/store/execution-store.ts';
import { openStore } from '../src/store/open-store.ts';

const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const EXECUTIONS = argument('executions', 1_000);
const RATE = argument('rate', 100);
const TOKEN = 'bench-token';

const TASKS = Array.from({ length: 20 }, (_, index) => `  - step${index}:\n      set: '\${ . + { step${index}: ${index} } }'`).join('\n');
const DOCUMENT = `document: { dsl: '1.0.0', namespace: bench, name: twenty, version: '1.0.0' }\ndo:\n${TASKS}\n`;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;

async function main(): Promise<void> {
  const expressions = await loadDefaultEngine();
  const bus = new InProcessEventBus();
  const store = await openStore(join(mkdtempSync(join(tmpdir(), 'cairn-bench-embedded-')), 'cairn.db'));
  const ended = new Map<string, number>();
  let allEnded: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allEnded = resolve));
  // The moment the service recorded an execution's end.
  const timedStore: ExecutionStore = Object.assign(Object.create(store) as ExecutionStore, {
    finishExecution: async (...args: Parameters<ExecutionStore['finishExecution']>) => {
      const record = await store.finishExecution(...args);
      ended.set(args[0], performance.now());
      if (ended.size === EXECUTIONS) allEnded();
      return record;
    },
  });
  const app = await buildApp({
    store: timedStore,
    engine: new LocalEngine({ bus }),
    expressions,
    bus,
    access: { apiTokens: [TOKEN], reportSecret: 'bench-report-secret' },
  });
  const registered = await app.inject({ method: 'POST', url: '/v1/workflows', headers: { authorization: `Bearer ${TOKEN}` }, payload: { document: DOCUMENT } });
  if (registered.statusCode !== 201) throw new Error(`register: ${registered.body}`);

  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const started = new Map<string, number>();
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const beginAt = performance.now();
  const starts: Array<Promise<void>> = [];
  for (let index = 0; index < EXECUTIONS; index++) {
    const due = beginAt + (index * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const at = performance.now();
    starts.push(
      app
        .inject({ method: 'POST', url: '/v1/executions', headers: { authorization: `Bearer ${TOKEN}` }, payload: { workflow: { namespace: 'bench', name: 'twenty' }, input: {} } })
        .then((response) => {
          if (response.statusCode !== 201) throw new Error(`start: ${response.body}`);
          started.set(response.json().id as string, at);
        }),
    );
  }
  await Promise.all(starts);
  await done;
  const wall = performance.now() - wallBefore;
  const cpu = process.cpuUsage(cpuBefore);
  lag.disable();

  const latencies = [...started].map(([id, at]) => ended.get(id)! - at).sort((a, b) => a - b);
  const statuses = await store.listExecutions({ namespace: 'bench', status: ['completed'], limit: 1 });
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average ${loadavg()[0]!.toFixed(2)} at the end`);
  console.log(`${EXECUTIONS} executions of 20 tasks at ${RATE}/s, SQLite file store (${statuses.items.length > 0 ? 'completed' : 'NOT completed'})`);
  console.log(
    `start→completion ms: p50 ${percentile(latencies, 50).toFixed(1)}, p95 ${percentile(latencies, 95).toFixed(1)}, p99 ${percentile(latencies, 99).toFixed(1)}, max ${latencies.at(-1)!.toFixed(1)}`,
  );
  console.log(`event-loop lag ms: p50 ${(lag.percentile(50) / 1e6).toFixed(1)}, p99 ${(lag.percentile(99) / 1e6).toFixed(1)}, max ${(lag.max / 1e6).toFixed(1)}`);
  console.log(`wall ${(wall / 1000).toFixed(2)} s, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s (${((cpu.user + cpu.system) / 1e3 / EXECUTIONS).toFixed(2)} ms per execution)`);
  await app.close();
  await store.close();
}

await main();
