// `npm run bench:temporal`: a YAML workflow of 50 sequential HTTP calls to a loopback server run by
// Cairn's generic workflow, versus a hand-written TypeScript Temporal workflow making the same 50
// activity calls, on the same dev server in the same run. Prints wall times (median of ROUNDS,
// runs alternated), their ratio and the history event counts, as a Markdown table.
import { fileURLToPath } from 'node:url';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import Fastify from 'fastify';
import { parse as parseYaml } from 'yaml';
import type { WorkflowDocument } from '../src/core/model.ts';
import { followExecution, ProgressCollector, startExecution } from '../src/hosts/temporal/client.ts';
import { startDevServer } from '../src/hosts/temporal/dev-server.ts';
import { connectWorker, createCairnWorker } from '../src/hosts/temporal/worker.ts';
import type { BaselineActivities } from './temporal-baseline-workflow.ts';

const CALLS = 50;
const ROUNDS = Number(process.env.ROUNDS ?? 5);

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

const server = await startDevServer();
const workerConnection = await connectWorker(server.address);
const pushed = { current: new ProgressCollector() };
const cairnWorker = await createCairnWorker({ connection: workerConnection, taskQueue: 'bench-cairn', progressSink: (events) => pushed.current.push(events) });
const activities: BaselineActivities = {
  async httpGetJson(target) {
    const response = await fetch(target);
    return response.json();
  },
};
const baselineWorker = await Worker.create({
  connection: workerConnection,
  taskQueue: 'bench-baseline',
  workflowsPath: fileURLToPath(new URL('./temporal-baseline-workflow.ts', import.meta.url)),
  activities,
});
const running = Promise.all([cairnWorker.run(), baselineWorker.run()]);
const connection = await Connection.connect({ address: server.address });
const client = new Client({ connection });

interface Sample {
  ms: number;
  historyEvents: number;
}

async function measure(start: () => Promise<WorkflowHandle>, finish: (handle: WorkflowHandle) => Promise<unknown>): Promise<Sample> {
  const began = performance.now();
  const handle = await start();
  await finish(handle);
  const ms = performance.now() - began;
  const history = await handle.fetchHistory();
  return { ms, historyEvents: history.events?.length ?? 0 };
}

let sequence = 0;
const variants = {
  'hand-written TypeScript workflow': () =>
    measure(
      () => client.workflow.start('SequentialHttpCalls', { taskQueue: 'bench-baseline', workflowId: `baseline-${++sequence}`, args: [url, CALLS] }),
      (handle) => handle.result(),
    ),
  'Cairn YAML, progress off': () =>
    measure(
      () => startExecution(client, document, {}, { executionId: `cairn-quiet-${++sequence}`, taskQueue: 'bench-cairn' }),
      async (handle) => {
        const outcome = await handle.result();
        if ((outcome as { status: string }).status !== 'completed') throw new Error(JSON.stringify(outcome));
      },
    ),
  'Cairn YAML, progress pushed (as `cairn run`)': () =>
    measure(
      () => {
        pushed.current = new ProgressCollector();
        return startExecution(client, document, {}, { executionId: `cairn-pushed-${++sequence}`, taskQueue: 'bench-cairn', options: { reportProgress: true } });
      },
      async (handle) => {
        const result = await followExecution(handle, { pushed: pushed.current });
        if (result.status !== 'completed') throw new Error(JSON.stringify(result.error));
      },
    ),
};

const samples = new Map<string, Sample[]>(Object.keys(variants).map((name) => [name, []]));
for (const run of Object.values(variants)) await run();
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, run] of Object.entries(variants)) samples.get(name)!.push(await run());
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const baseline = median(samples.get('hand-written TypeScript workflow')!.map((sample) => sample.ms));
console.log(`\n${CALLS} sequential HTTP GETs to a loopback server, median of ${ROUNDS} (after one warm-up each):\n`);
console.log('| workflow | wall time | ratio | history events |');
console.log('|---|---|---|---|');
for (const [name, list] of samples) {
  const ms = median(list.map((sample) => sample.ms));
  console.log(`| ${name} | ${ms.toFixed(0)} ms | ${(ms / baseline).toFixed(2)} | ${list[0]!.historyEvents} |`);
}

cairnWorker.shutdown();
baselineWorker.shutdown();
await running;
await connection.close();
await workerConnection.close();
await server.stop();
await app.close();
