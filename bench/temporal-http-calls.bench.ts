// `npm run -s bench:temporal`: a YAML workflow of 50 sequential HTTP calls to a loopback server run by
// Cairn's generic workflow, versus a hand-written TypeScript Temporal workflow making the same 50
// activity calls, on the same dev server in the same run. Each worker runs in its own process
// (bench/temporal-worker-process.ts), so its CPU time and RSS are measured apart. Prints, as
// Markdown tables: wall time and worker CPU per execution run one at a time (median of ROUNDS,
// variants alternated), throughput of CONCURRENT executions started at once (THROUGHPUT_ROUNDS,
// alternated), and each worker's idle RSS (after a warm-up) and peak RSS under load.
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import Fastify from 'fastify';
import { parse as parseYaml } from 'yaml';
import type { WorkflowDocument } from '../src/core/model.ts';
import { startExecution } from '../src/hosts/temporal/client.ts';
import { startDevServer } from '../src/hosts/temporal/dev-server.ts';
import type { WorkerKind, WorkerRequest, WorkerStats } from './temporal-worker-process.ts';

const CALLS = 50;
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const CONCURRENT = 50;
const THROUGHPUT_ROUNDS = Number(process.env.THROUGHPUT_ROUNDS ?? 2);
const IDLE_SETTLE_MS = 3_000;

const app = Fastify({ logger: false });
app.get('/item', async (request) => ({ ok: true, call: (request.query as { call?: string }).call ?? null }));
await app.listen({ host: '127.0.0.1', port: 0 });
const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/item`;

const document = parseYaml(`
document: { dsl: '1.0.0', namespace: bench, name: http-calls, version: '1.0.0' }
do:
  - calls:
      for: { each: index, in: '\${ [range(0; ${CALLS})] }' }
      do:
        - get:
            call: http
            with: { method: get, endpoint: '\${ "${url}?call=" + ($index | tostring) }' }
`) as WorkflowDocument;

/** A worker process and the one request in flight to it at a time. */
class WorkerProcess {
  private constructor(
    readonly kind: WorkerKind,
    private readonly child: ChildProcess,
  ) {}

  static async start(kind: WorkerKind, address: string, taskQueue: string): Promise<WorkerProcess> {
    // CPU_PROF_DIR=folder writes each worker's CPU profiles to folder/<kind>/ when it stops, one per
    // thread (the workflow sandbox runs in a thread of its own).
    const profile = process.env.CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.CPU_PROF_DIR}/${kind}`] : [];
    const child = fork(fileURLToPath(new URL('./temporal-worker-process.ts', import.meta.url)), [kind, address, taskQueue], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: [...process.execArgv, ...profile],
    });
    const worker = new WorkerProcess(kind, child);
    await worker.nextMessage();
    return worker;
  }

  stats(): Promise<WorkerStats> {
    return this.request({ type: 'stats' }) as Promise<WorkerStats>;
  }

  async resetPeak(): Promise<void> {
    await this.request({ type: 'reset-peak' });
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ type: 'stop' } satisfies WorkerRequest);
    await exited;
  }

  private request(request: WorkerRequest): Promise<unknown> {
    const answer = this.nextMessage();
    this.child.send(request);
    return answer;
  }

  private nextMessage(): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`${this.kind} worker exited (${code})`));
      this.child.once('exit', onExit);
      this.child.once('message', (message) => {
        this.child.off('exit', onExit);
        resolve(message);
      });
    });
  }
}

const server = await startDevServer();
const [baselineWorker, cairnWorker] = await Promise.all([
  WorkerProcess.start('baseline', server.address, 'bench-baseline'),
  WorkerProcess.start('cairn', server.address, 'bench-cairn'),
]);
const connection = await Connection.connect({ address: server.address });
const client = new Client({ connection });

interface Variant {
  name: string;
  worker: WorkerProcess;
  /** Starts one execution and resolves when it completed. */
  run(): Promise<WorkflowHandle>;
}

let sequence = 0;
const awaitCairn = async (handle: WorkflowHandle): Promise<WorkflowHandle> => {
  const outcome = (await handle.result()) as { status: string };
  if (outcome.status !== 'completed') throw new Error(JSON.stringify(outcome));
  return handle;
};
const variants: Variant[] = [
  {
    name: 'hand-written TypeScript workflow',
    worker: baselineWorker,
    async run() {
      const handle = await client.workflow.start('SequentialHttpCalls', { taskQueue: 'bench-baseline', workflowId: `baseline-${++sequence}`, args: [url, CALLS] });
      await handle.result();
      return handle;
    },
  },
  {
    name: 'Cairn YAML, progress off',
    worker: cairnWorker,
    run: async () => awaitCairn(await startExecution(client, document, {}, { executionId: `cairn-quiet-${++sequence}`, taskQueue: 'bench-cairn' })),
  },
  {
    name: 'Cairn YAML, progress pushed (as `cairn run`)',
    worker: cairnWorker,
    run: async () =>
      awaitCairn(await startExecution(client, document, {}, { executionId: `cairn-pushed-${++sequence}`, taskQueue: 'bench-cairn', options: { reportProgress: true } })),
  },
];
const [baselineVariant] = variants as [Variant];

/** Runs `executions` executions of a variant at once; wall time, and its worker's CPU per execution. */
async function measure(variant: Variant, executions: number): Promise<{ ms: number; cpuMsPerExecution: number; handle: WorkflowHandle }> {
  const before = await variant.worker.stats();
  const began = performance.now();
  const handles = await Promise.all(Array.from({ length: executions }, () => variant.run()));
  const ms = performance.now() - began;
  const after = await variant.worker.stats();
  return { ms, cpuMsPerExecution: (after.cpuMs - before.cpuMs) / executions, handle: handles[0]! };
}

for (const variant of variants) await variant.run();
await delay(IDLE_SETTLE_MS);
const idle = new Map([baselineWorker, cairnWorker].map((worker) => [worker, 0]));
for (const worker of idle.keys()) idle.set(worker, (await worker.stats()).rssMiB);
await Promise.all([baselineWorker.resetPeak(), cairnWorker.resetPeak()]);

const sequential = new Map(variants.map((variant) => [variant, { ms: [] as number[], cpuMs: [] as number[], historyEvents: 0 }]));
for (let round = 0; round < ROUNDS; round++) {
  for (const variant of variants) {
    const sample = await measure(variant, 1);
    const figures = sequential.get(variant)!;
    figures.ms.push(sample.ms);
    figures.cpuMs.push(sample.cpuMsPerExecution);
    figures.historyEvents = (await sample.handle.fetchHistory()).events?.length ?? 0;
  }
}

const throughput = new Map(variants.map((variant) => [variant, { perSecond: [] as number[], cpuMs: [] as number[] }]));
for (let round = 0; round < THROUGHPUT_ROUNDS; round++) {
  for (const variant of variants) {
    const sample = await measure(variant, CONCURRENT);
    throughput.get(variant)!.perSecond.push(CONCURRENT / (sample.ms / 1000));
    throughput.get(variant)!.cpuMs.push(sample.cpuMsPerExecution);
  }
}
const peak = new Map<WorkerProcess, WorkerStats>();
for (const worker of idle.keys()) peak.set(worker, await worker.stats());

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const load = os.loadavg().map((value) => value.toFixed(1)).join(' ');
console.log(`\n${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${new Date().toISOString()}, load average ${load}`);

console.log(`\n${CALLS} sequential HTTP GETs to a loopback server, one execution at a time, median of ${ROUNDS} (after one warm-up each):\n`);
console.log('| workflow | wall time | ratio | worker CPU per execution | CPU ratio | history events |');
console.log('|---|---|---|---|---|---|');
const baselineSequential = sequential.get(baselineVariant)!;
for (const [variant, figures] of sequential) {
  const ms = median(figures.ms);
  const cpuMs = median(figures.cpuMs);
  console.log(
    `| ${variant.name} | ${ms.toFixed(0)} ms | ${(ms / median(baselineSequential.ms)).toFixed(2)} | ${cpuMs.toFixed(0)} ms | ${(cpuMs / median(baselineSequential.cpuMs)).toFixed(2)} | ${figures.historyEvents} |`,
  );
}

const baselineThroughput = throughput.get(baselineVariant)!;
if (THROUGHPUT_ROUNDS > 0) {
  console.log(`\n${CONCURRENT} executions of the same workflow started at once, median of ${THROUGHPUT_ROUNDS}:\n`);
  console.log('| workflow | executions/s | ratio | worker CPU per execution | CPU ratio |');
  console.log('|---|---|---|---|---|');
}
for (const [variant, figures] of THROUGHPUT_ROUNDS > 0 ? throughput : []) {
  const perSecond = median(figures.perSecond);
  const cpuMs = median(figures.cpuMs);
  console.log(
    `| ${variant.name} | ${perSecond.toFixed(2)} | ${(perSecond / median(baselineThroughput.perSecond)).toFixed(2)} | ${cpuMs.toFixed(0)} ms | ${(cpuMs / median(baselineThroughput.cpuMs)).toFixed(2)} |`,
  );
}

console.log('\nWorker process RSS: idle after one warm-up execution of each variant, and peak while the runs above were measured:\n');
console.log('| worker | idle RSS | ratio | peak RSS under load | ratio |');
console.log('|---|---|---|---|---|');
for (const worker of [baselineWorker, cairnWorker]) {
  const idleRatio = idle.get(worker)! / idle.get(baselineWorker)!;
  const peakRatio = peak.get(worker)!.peakRssMiB / peak.get(baselineWorker)!.peakRssMiB;
  console.log(`| ${worker.kind} | ${idle.get(worker)!.toFixed(0)} MiB | ${idleRatio.toFixed(2)} | ${peak.get(worker)!.peakRssMiB.toFixed(0)} MiB | ${peakRatio.toFixed(2)} |`);
}

await Promise.all([baselineWorker.stop(), cairnWorker.stop()]);
await connection.close();
await server.stop();
await app.close();
