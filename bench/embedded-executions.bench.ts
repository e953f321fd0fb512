// Embedded engine on SQLite under load: executions of a 20-task workflow started through the
// service's HTTP/JSON API (in-process `inject`) on an SQLite file store, with the limits
// `cairn serve` applies by default. Each round is a fresh service (store, engine) that first ran
// --warm-up executions (default 300) at the round's rate, so its worker threads are loaded as in a
// service that has been running (`--warm-up 0`: one warm-up execution, a cold pool). Prints start→completion percentiles (from the start request to the moment the
// service recorded the end), event-loop lag over the round, executions/s (executions over the time
// from the first start to the last recorded end), and the process CPU time (worker threads
// included) beside the wall time.
//
// Goals (issue 12): p99 start→completion ≤ 500 ms, event-loop lag p99 ≤ 50 ms at 1,000 × 100/s.
// Goal (issue 11): worker threads no worse than 0.9× in-process in executions/s and p99.
//
// It runs the built service (dist/, rebuilt first unless --no-build), as `cairn serve` does: from
// source, every worker thread would load TypeScript through tsx's hooks (about 1 s of CPU each).
//
// Run: npm run -s bench:embedded [-- --executions 1000 --rate 100 --engine threads|in-process --warm-up N]
//      npm run -s bench:embedded -- --compare [--rounds 3]
//        alternates worker-thread and in-process rounds, at --rate and at once (a burst of
//        --executions starts), and prints the medians and the ratios threads / in-process.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ExpressionEngine } from '../src/jq/engine.ts';
import type { ExecutionStore } from '../src/store/execution-store.ts';
import { buildUnlessAsked, built } from './built.ts';

buildUnlessAsked();
const { InProcessEventBus } = await built<typeof import('../src/bus/in-process-bus.ts')>('bus/in-process-bus');
const { loadDefaultEngine } = await built<typeof import('../src/jq/node/engine-choice.ts')>('jq/node/engine-choice');
const { SERVICE_DEFAULT_LIMITS } = await built<typeof import('../src/hosts/local/execution-limits.ts')>('hosts/local/execution-limits');
const { buildApp } = await built<typeof import('../src/service/app.ts')>('service/app');
const { LocalEngine } = await built<typeof import('../src/service/local-engine.ts')>('service/local-engine');
const { openStore } = await built<typeof import('../src/store/open-store.ts')>('store/open-store');

const option = (name: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : undefined;
};
const EXECUTIONS = Number(option('executions') ?? 1_000);
const RATE = Number(option('rate') ?? 100);
const ROUNDS = Number(option('rounds') ?? 3);
const WARM_UP = Number(option('warm-up') ?? 300);
const COMPARE = process.argv.includes('--compare');
const ENGINE = (option('engine') ?? 'threads') as EngineMode;
const TOKEN = 'bench-token';

type EngineMode = 'threads' | 'in-process';

const TASKS = Array.from({ length: 20 }, (_, index) => `  - step${index}:\n      set: '\${ . + { step${index}: ${index} } }'`).join('\n');
const DOCUMENT = `document: { dsl: '1.0.0', namespace: bench, name: twenty, version: '1.0.0' }\ndo:\n${TASKS}\n`;

interface Round {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  lagP50: number;
  lagP99: number;
  lagMax: number;
  wallMs: number;
  cpuMs: number;
  perSecond: number;
  load: string;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
const loadNow = () => loadavg()[0]!.toFixed(1);

/** One fresh service on a fresh SQLite file: `rate` starts per second (0: all at once), until every end is recorded. */
async function round(expressions: ExpressionEngine, mode: EngineMode, rate: number): Promise<Round> {
  const folder = mkdtempSync(join(tmpdir(), 'cairn-bench-embedded-'));
  const store = await openStore(join(folder, 'cairn.db'));
  const bus = new InProcessEventBus();
  const ended = new Map<string, number>();
  const waiting = new Map<string, () => void>();
  // The moment the service recorded an execution's end.
  const timedStore: ExecutionStore = Object.assign(Object.create(store) as ExecutionStore, {
    finishExecution: async (...args: Parameters<ExecutionStore['finishExecution']>) => {
      const record = await store.finishExecution(...args);
      ended.set(args[0], performance.now());
      waiting.get(args[0])?.();
      return record;
    },
  });
  const app = await buildApp({
    store: timedStore,
    engine: new LocalEngine({ bus, limits: SERVICE_DEFAULT_LIMITS, inProcess: mode === 'in-process' }),
    expressions,
    bus,
    access: { apiTokens: [TOKEN], reportSecret: 'bench-report-secret' },
  });
  const headers = { authorization: `Bearer ${TOKEN}` };
  const registered = await app.inject({ method: 'POST', url: '/v1/workflows', headers, payload: { document: DOCUMENT } });
  if (registered.statusCode !== 201) throw new Error(`register: ${registered.body}`);
  const start = async () => {
    const response = await app.inject({ method: 'POST', url: '/v1/executions', headers, payload: { workflow: { namespace: 'bench', name: 'twenty' }, input: {} } });
    if (response.statusCode !== 201) throw new Error(`start: ${response.body}`);
    return response.json().id as string;
  };
  // A service that has been running holds warm threads: the warm-up starts WARM_UP executions at the
  // round's rate (one when WARM_UP is 0) and waits for their ends before measuring.
  const warmUps: string[] = [];
  const warmUpAt = performance.now();
  for (let index = 0; index < Math.max(1, WARM_UP); index++) {
    if (rate > 0) {
      const wait = warmUpAt + (index * 1000) / rate - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    warmUps.push(await start());
  }
  await Promise.all(warmUps.filter((id) => !ended.has(id)).map((id) => new Promise<void>((resolve) => waiting.set(id, resolve))));

  const load = loadNow();
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const started = new Map<string, number>();
  const cpuBefore = process.cpuUsage();
  const beginAt = performance.now();
  const starts: Array<Promise<void>> = [];
  for (let index = 0; index < EXECUTIONS; index++) {
    if (rate > 0) {
      const wait = beginAt + (index * 1000) / rate - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const at = performance.now();
    starts.push(start().then((id) => void started.set(id, at)));
  }
  await Promise.all(starts);
  await Promise.all([...started.keys()].filter((id) => !ended.has(id)).map((id) => new Promise<void>((resolve) => waiting.set(id, resolve))));
  const wallMs = performance.now() - beginAt;
  const cpu = process.cpuUsage(cpuBefore);
  lag.disable();

  const completed = await store.listExecutions({ namespace: 'bench', status: ['completed'], limit: 1 });
  if (completed.items.length === 0) throw new Error('no execution completed');
  const latencies = [...started].map(([id, at]) => ended.get(id)! - at).sort((a, b) => a - b);
  await app.close();
  await store.close();
  rmSync(folder, { recursive: true, force: true });
  return {
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: latencies.at(-1)!,
    lagP50: lag.percentile(50) / 1e6,
    lagP99: lag.percentile(99) / 1e6,
    lagMax: lag.max / 1e6,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    perSecond: (EXECUTIONS / wallMs) * 1000,
    load: `${load}→${loadNow()}`,
  };
}

const ms = (value: number) => value.toFixed(0).padStart(6);
const row = (label: string, r: Round) =>
  `${label.padEnd(26)} ${ms(r.p50)} ${ms(r.p95)} ${ms(r.p99)} ${ms(r.max)}   ${r.lagP50.toFixed(1).padStart(5)} / ${r.lagP99.toFixed(1).padStart(6)}  ` +
  `${r.perSecond.toFixed(0).padStart(5)}/s  ${(r.wallMs / 1000).toFixed(2).padStart(6)} s  ${(r.cpuMs / 1000).toFixed(2).padStart(6)} s  ` +
  `${(r.cpuMs / EXECUTIONS).toFixed(2).padStart(6)} ms  ${r.load}`;
const HEADER = `${'round'.padEnd(26)}    p50    p95    p99    max   lag p50 / p99   exec/s     wall      CPU  CPU/exec  load`;

const median = (rounds: Round[]): Round => {
  const middle = (pick: (r: Round) => number) => [...rounds].map(pick).sort((a, b) => a - b)[Math.floor(rounds.length / 2)]!;
  return {
    p50: middle((r) => r.p50),
    p95: middle((r) => r.p95),
    p99: middle((r) => r.p99),
    max: middle((r) => r.max),
    lagP50: middle((r) => r.lagP50),
    lagP99: middle((r) => r.lagP99),
    lagMax: middle((r) => r.lagMax),
    wallMs: middle((r) => r.wallMs),
    cpuMs: middle((r) => r.cpuMs),
    perSecond: middle((r) => r.perSecond),
    load: rounds.map((r) => r.load).join(' '),
  };
};

async function main(): Promise<void> {
  const expressions = await loadDefaultEngine();
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} at the start`);
  console.log(`${EXECUTIONS} executions of 20 tasks per round, SQLite file store, service default limits; latencies ms; CPU = whole process (threads included)`);
  if (!COMPARE) {
    console.log(`engine: ${ENGINE}, ${RATE > 0 ? `${RATE} starts/s` : 'all started at once'}`);
    console.log(HEADER);
    console.log(row(ENGINE, await round(expressions, ENGINE, RATE)));
    return;
  }
  const modes: EngineMode[] = ['threads', 'in-process'];
  for (const [label, rate] of [
    [`${RATE} starts/s`, RATE],
    ['all started at once', 0],
  ] as const) {
    console.log(`\n${label}, ${ROUNDS} alternating rounds per engine`);
    console.log(HEADER);
    const results: Record<EngineMode, Round[]> = { threads: [], 'in-process': [] };
    for (let index = 0; index < ROUNDS; index++) {
      for (const mode of index % 2 === 0 ? modes : [...modes].reverse()) {
        const result = await round(expressions, mode, rate);
        results[mode].push(result);
        console.log(row(`${mode} #${index + 1}`, result));
      }
    }
    const threads = median(results.threads);
    const inProcess = median(results['in-process']);
    console.log(row('threads (median)', threads));
    console.log(row('in-process (median)', inProcess));
    console.log(
      `threads / in-process: executions/s ${(threads.perSecond / inProcess.perSecond).toFixed(2)}×, ` +
        `p99 (in-process p99 / threads p99) ${(inProcess.p99 / threads.p99).toFixed(2)}×, ` +
        `CPU ${(threads.cpuMs / inProcess.cpuMs).toFixed(2)}×, wall ${(threads.wallMs / inProcess.wallMs).toFixed(2)}× (goal: ratios of exec/s and p99 ≥ 0.9×)`,
    );
  }
}

await main();
