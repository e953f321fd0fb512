import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../src/core/events.ts';
import { outcomeOf } from '../../src/hosts/temporal/client.ts';
import { connectWorker, createCairnWorker } from '../../src/hosts/temporal/worker.ts';
import { openStore } from '../../src/store/open-store.ts';
import { startTemporalServer, type DevServer } from '../support/temporal-server.ts';
import { freePort } from '../support/free-port.ts';

// `cairn serve --temporal` runs as a child process on a fixed port so it can be stopped and
// started again; a worker in this process runs the executions and reports to it over gRPC.
const TASK_QUEUE = 'service-outage';
const API_TOKEN = 'temporal-outage-token';
const OUTAGE_MS = 30_000;
const EXECUTIONS = 10;

let server: DevServer;
let dataDir: string;
let port: number;
let service: ChildProcess | undefined;
let workerConnection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let connection: Connection;

/** Starts `node bin/cairn.js serve --temporal …` and resolves once it listens. */
async function startService(): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    // A short history limit makes the executions continue as new during the outage, so batches
    // dropped in one run must ride along to the next.
    ['bin/cairn.js', 'serve', '--temporal', server.address, '--task-queue', TASK_QUEUE, '--data', dataDir, '--port', String(port), '--continue-as-new-after', '20'],
    { cwd: join(import.meta.dirname, '../..'), env: { ...process.env, CAIRN_API_TOKENS: API_TOKEN }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  await new Promise<void>((listening, failed) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('listening on')) listening();
    });
    child.once('exit', (code) => failed(new Error(`cairn serve exited with ${code}: ${stderr}`)));
  });
  return child;
}

async function stopService(): Promise<void> {
  const child = service;
  service = undefined;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGKILL');
  await exited;
}

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { authorization: `Bearer ${API_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

interface Execution {
  id: string;
  status: string;
  lastSeq: number;
  maxSeq: number;
}

beforeAll(async () => {
  server = await startTemporalServer();
  dataDir = mkdtempSync(join(tmpdir(), 'cairn-outage-'));
  port = await freePort();
  workerConnection = await connectWorker(server.address);
  worker = await createCairnWorker({ connection: workerConnection, taskQueue: TASK_QUEUE });
  running = worker.run();
  connection = await Connection.connect({ address: server.address });
  service = await startService();
}, 120_000);

afterAll(async () => {
  await stopService();
  worker?.shutdown();
  await running;
  await workerConnection?.close();
  await connection?.close();
  await server?.stop();
});

/** One wait of a second per item: half of the executions end during the outage, half after it. */
const TICKS = `
document: { dsl: '1.0.0', namespace: test, name: ticks, version: '1.0.0' }
do:
  - tick:
      for: { each: n, in: '\${ [range(0; .ticks)] }' }
      do:
        - nap: { wait: { seconds: 1 } }
        - count: { set: '\${ { done: ($n + 1) } }' }
  - finish:
      set: '\${ . + { finished: true } }'
`;

it('the service is stopped for 30 s while 10 workflows run on Temporal and continue as new: no workflow fails, and after restart every event is stored with contiguous sequence numbers', async () => {
  const ids: string[] = [];
  for (let index = 0; index < EXECUTIONS; index++) {
    const ticks = index < EXECUTIONS / 2 ? 8 + 2 * index : 36 + index;
    ids.push((await api<Execution>('POST', '/v1/executions', { document: TICKS, input: { ticks } })).id);
  }
  // Every execution has reported before the outage begins.
  for (let attempt = 0; ; attempt++) {
    const executions = await Promise.all(ids.map((id) => api<{ execution: Execution }>('GET', `/v1/executions/${id}`)));
    if (executions.every(({ execution }) => execution.lastSeq > 0)) break;
    if (attempt > 300) throw new Error('executions did not report before the outage');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  await stopService();
  await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
  service = await startService();

  const client = new Client({ connection });
  const outcomes = await Promise.all(ids.map((id) => outcomeOf(client.workflow.getHandle(id))));
  expect(outcomes.map((outcome) => outcome.status)).toEqual(ids.map(() => 'completed'));
  const temporalStatuses = await Promise.all(ids.map(async (id) => (await client.workflow.getHandle(id).describe()).status.name));
  expect(temporalStatuses).toEqual(ids.map(() => 'COMPLETED'));
  const continuedRuns: string[] = [];
  for await (const run of client.workflow.list({ query: `ExecutionStatus = 'ContinuedAsNew'` })) continuedRuns.push(run.workflowId);
  expect(new Set(continuedRuns).size).toBeGreaterThanOrEqual(EXECUTIONS / 2);

  for (const [index, id] of ids.entries()) {
    const lastSeq = outcomes[index]!.lastSeq!;
    let execution: Execution | undefined;
    for (let attempt = 0; attempt < 600; attempt++) {
      execution = (await api<{ execution: Execution }>('GET', `/v1/executions/${id}`)).execution;
      if (execution.status === 'completed' && execution.lastSeq === lastSeq) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(execution).toMatchObject({ id, status: 'completed', lastSeq, maxSeq: lastSeq });
  }

  await stopService();
  const store = await openStore(join(dataDir, 'cairn.db'));
  let stored = 0;
  try {
    for (const [index, id] of ids.entries()) {
      const events = await store.readEvents(id, 0, { throughSeq: Number.MAX_SAFE_INTEGER });
      expect(events.map((event) => event.seq)).toEqual(Array.from({ length: outcomes[index]!.lastSeq! }, (_, seq) => seq + 1));
      expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
      expect(events.filter((event) => event.type === EVENT_TYPES.workflowCompleted)).toHaveLength(1);
      stored += events.length;
    }
  } finally {
    await store.close();
  }
  expect(stored).toBe(outcomes.reduce((sum, outcome) => sum + outcome.lastSeq!, 0));
}, 240_000);
