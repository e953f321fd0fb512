import type { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSse } from '../../src/cli/service-client.ts';
import { connectWorker, createCairnWorker } from '../../src/hosts/temporal/worker.ts';
import { api, INSTANCE_TOKEN, startServeProcess, type ServeProcess } from '../support/serve-process.ts';
import { startTemporalServer, type DevServer } from '../support/temporal-server.ts';
import { createTestDatabase, postgresAdminUrl } from '../store/postgres.ts';

const adminUrl = postgresAdminUrl();
const TASK_QUEUE = 'multi-instance';
const LEASE_SECONDS = 3;

const STEPS = `
document: { dsl: '1.0.0', namespace: test, name: steps, version: '1.0.0' }
do:
  - one:
      wait: { milliseconds: 500 }
  - two:
      set: { step: 2 }
  - three:
      wait: { milliseconds: 500 }
  - four:
      set: { done: true }
`;

const SLOW = `
document: { dsl: '1.0.0', namespace: test, name: slow, version: '1.0.0' }
do:
  - nap:
      wait: { seconds: 8 }
  - woke:
      set: { woke: true }
`;

const LONG = `
document: { dsl: '1.0.0', namespace: test, name: long, version: '1.0.0' }
do:
  - nap:
      wait: { seconds: 120 }
`;

const NAPPING = `
document: { dsl: '1.0.0', namespace: test, name: napping, version: '1.0.0' }
do:
  - nap:
      wait: { seconds: 1 }
  - after:
      set: { done: true }
`;

const LISTENING = `
document: { dsl: '1.0.0', namespace: test, name: listener, version: '1.0.0' }
do:
  - hear:
      listen:
        to:
          one:
            with: { type: com.example.cross }
`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function statusOn(instance: ServeProcess, id: string): Promise<string> {
  return (await api(instance.url, 'GET', `/v1/executions/${id}`)).json.execution.status;
}

async function becomes(instance: ServeProcess, id: string, status: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await statusOn(instance, id)) !== status) {
    if (Date.now() > deadline) throw new Error(`execution ${id} never became ${status} (is ${await statusOn(instance, id)})`);
    await sleep(100);
  }
}

async function follow(instance: ServeProcess, id: string): Promise<{ seqs: number[]; end: string | undefined }> {
  const response = await fetch(`${instance.url}/v1/executions/${id}/events`, { headers: { authorization: `Bearer ${INSTANCE_TOKEN}` } });
  const seqs: number[] = [];
  for await (const message of readSse(response.body!)) {
    if (message.event === 'end') return { seqs, end: message.data };
    if (message.event === 'message') seqs.push(Number(message.id));
  }
  return { seqs, end: undefined };
}

async function start(instance: ServeProcess, document: string): Promise<string> {
  const started = await api(instance.url, 'POST', '/v1/executions', { document, input: {} });
  expect(started.status).toBe(201);
  return started.json.id as string;
}

describe.skipIf(!adminUrl)('several `cairn serve --temporal` instances on one PostgreSQL and one Temporal', () => {
  let temporal: DevServer;
  let workerConnection: NativeConnection;
  let worker: Worker;
  let running: Promise<void>;
  let drop: (() => Promise<void>) | undefined;
  let a: ServeProcess;
  let b: ServeProcess;

  beforeAll(async () => {
    temporal = await startTemporalServer();
    workerConnection = await connectWorker(temporal.address);
    worker = await createCairnWorker({ connection: workerConnection, taskQueue: TASK_QUEUE });
    running = worker.run();
    const database = await createTestDatabase(adminUrl!);
    drop = database.drop;
    const args = ['--database', database.url, '--lease', String(LEASE_SECONDS), '--temporal', temporal.address, '--task-queue', TASK_QUEUE];
    a = await startServeProcess({ args, sharedToken: true });
    b = await startServeProcess({ args, sharedToken: true });
  }, 180_000);

  afterAll(async () => {
    await a?.stop('SIGKILL');
    await b?.stop('SIGKILL');
    worker?.shutdown();
    await running;
    await workerConnection?.close();
    await temporal?.stop();
    await drop?.();
  });

  it('streams an execution started on one instance live on the other, every event once, then `end`', { timeout: 90_000 }, async () => {
    const id = await start(a, STEPS);
    const onB = await follow(b, id);
    expect(onB.end).toBeDefined();
    expect(onB.seqs.length).toBeGreaterThan(8);
    expect(onB.seqs).toEqual(onB.seqs.map((_, index) => index + 1));
    expect(await statusOn(b, id)).toBe('completed');
  });

  it('takes CloudEvents and cancel/suspend/resume on either instance', { timeout: 90_000 }, async () => {
    const listener = await start(a, LISTENING);
    await becomes(b, listener, 'running');
    await sleep(500);
    expect((await api(b.url, 'POST', '/v1/events', { specversion: '1.0', id: 'cross-t', source: 'test', type: 'com.example.cross' })).status).toBe(202);
    await becomes(a, listener, 'completed');

    const napping = await start(a, NAPPING);
    await becomes(b, napping, 'running');
    expect((await api(b.url, 'POST', `/v1/executions/${napping}/suspend`)).status).toBe(200);
    await becomes(a, napping, 'suspended');
    expect((await api(b.url, 'POST', `/v1/executions/${napping}/resume`)).status).toBe(200);
    await becomes(a, napping, 'completed');

    const long = await start(a, LONG);
    await becomes(b, long, 'running');
    expect((await api(b.url, 'POST', `/v1/executions/${long}/cancel`)).status).toBe(200);
    await becomes(a, long, 'cancelled');
  });

  it('an execution outlives the instance that started it (SIGKILL) and completes, recorded by the other', { timeout: 120_000 }, async () => {
    const id = await start(a, SLOW);
    await becomes(b, id, 'running');
    await a.stop('SIGKILL');
    await becomes(b, id, 'completed', 90_000);
    expect((await api(b.url, 'GET', `/v1/executions/${id}`)).json.execution.output).toEqual({ woke: true });
    const { seqs, end } = await follow(b, id);
    expect(end).toBeDefined();
    expect(seqs).toEqual(seqs.map((_, index) => index + 1));
  });
});
