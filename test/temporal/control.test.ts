import { readFileSync } from 'node:fs';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { EVENT_TYPES, type ProgressEvent } from '../../src/core/events.ts';
import type { Json } from '../../src/core/json.ts';
import type { WorkflowDocument } from '../../src/core/model.ts';
import { followExecution, startExecution } from '../../src/hosts/temporal/client.ts';
import { eventSignal, progressQuery, resumeSignal, suspendSignal } from '../../src/hosts/temporal/messages.ts';
import { SEARCH_ATTRIBUTES } from '../../src/hosts/temporal/search-attributes.ts';
import { connectWorker, createCairnWorker } from '../../src/hosts/temporal/worker.ts';
import { startTemporalServer, type DevServer } from '../support/temporal-server.ts';

const TASK_QUEUE = 'control-test';
let server: DevServer;
let workerConnection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let connection: Connection;
let client: Client;

beforeAll(async () => {
  server = await startTemporalServer();
  workerConnection = await connectWorker(server.address);
  worker = await createCairnWorker({ connection: workerConnection, taskQueue: TASK_QUEUE });
  running = worker.run();
  connection = await Connection.connect({ address: server.address });
  client = new Client({ connection });
});
afterAll(async () => {
  worker?.shutdown();
  await running;
  await connection?.close();
  await workerConnection?.close();
  await server?.stop();
});

function workflow(name: string, tasks: string): WorkflowDocument {
  return parseYaml(`document: { dsl: '1.0.0', namespace: control, name: ${name}, version: '1.0.0' }\ndo:\n${tasks}`) as WorkflowDocument;
}

/** Polls the progress query until an event matches (the workflow is live; there is no push here). */
async function waitForEvent(handle: WorkflowHandle, match: (event: ProgressEvent) => boolean): Promise<ProgressEvent> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const found = (await handle.query(progressQuery, 0, 10_000)).events.find(match);
    if (found) return found;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error('event never came');
}

async function statusAttribute(handle: WorkflowHandle): Promise<string | undefined> {
  return (await handle.describe()).typedSearchAttributes.get(SEARCH_ATTRIBUTES.status);
}

describe('controlling a Temporal execution', () => {
  it('a cancelled execution ends cancelled: the running task is cancelled, later tasks never start', async () => {
    const document = workflow('cancel', `  - first: { set: { a: 1 } }\n  - nap: { wait: { seconds: 60 } }\n  - never: { set: { b: 2 } }`);
    const handle = await startExecution(client, document, {}, { executionId: 'control-cancel', taskQueue: TASK_QUEUE });
    await waitForEvent(handle, (event) => event.type === EVENT_TYPES.taskStarted && event.subject === '/do/1/nap');
    await handle.cancel();
    const result = await followExecution(handle);

    expect(result.status).toBe('cancelled');
    const types = result.events.map((event) => `${event.type} ${event.subject ?? ''}`);
    expect(types).toContain(`${EVENT_TYPES.taskCancelled} /do/1/nap`);
    expect(types).toContain(`${EVENT_TYPES.workflowCancelled} `);
    expect(result.events.some((event) => event.subject === '/do/2/never')).toBe(false);
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    expect(await statusAttribute(handle)).toBe('cancelled');
  });

  it('the progress query returns the status and only the events after the given sequence number', async () => {
    const document = workflow('query', `  - one: { set: { a: 1 } }\n  - two: { set: { b: 2 } }`);
    const handle = await startExecution(client, document, {}, { executionId: 'control-query', taskQueue: TASK_QUEUE });
    const all = await followExecution(handle);
    const page = await handle.query(progressQuery, 3, 2);

    expect(page.status).toBe('completed');
    expect(page.events.map((event) => event.seq)).toEqual([4, 5]);
    expect(page.events).toEqual(all.events.slice(3, 5));
    expect(page.lastSeq).toBe(all.events.length);
  });

  it('a suspended execution starts no new task until resumed, and reports suspended/resumed once', async () => {
    const document = workflow('suspend', `  - nap: { wait: { seconds: 1 } }\n  - after: { set: { done: true } }`);
    const handle = await startExecution(client, document, {}, { executionId: 'control-suspend', taskQueue: TASK_QUEUE });
    await waitForEvent(handle, (event) => event.type === EVENT_TYPES.taskStarted && event.subject === '/do/0/nap');
    await handle.signal(suspendSignal);
    expect((await handle.query(progressQuery, 0, 0)).status).toBe('suspended');
    expect(await statusAttribute(handle)).toBe('suspended');
    // The running wait ends while suspended; the next task must not start.
    await waitForEvent(handle, (event) => event.type === EVENT_TYPES.workflowSuspended);
    await new Promise((done) => setTimeout(done, 1_500));
    const whileSuspended = await handle.query(progressQuery, 0, 10_000);
    expect(whileSuspended.events.some((event) => event.subject === '/do/0/nap' && event.type === EVENT_TYPES.taskCompleted)).toBe(true);
    expect(whileSuspended.events.some((event) => event.subject === '/do/1/after')).toBe(false);

    await handle.signal(resumeSignal);
    const result = await followExecution(handle);
    expect(result).toMatchObject({ status: 'completed', output: { done: true } });
    const lifecycle = result.events.map((event) => event.type).filter((type) => type === EVENT_TYPES.workflowSuspended || type === EVENT_TYPES.workflowResumed);
    expect(lifecycle).toEqual([EVENT_TYPES.workflowSuspended, EVENT_TYPES.workflowResumed]);
    expect(await statusAttribute(handle)).toBe('completed');
  });

  it('listen consumes CloudEvents delivered by signal, skipping those that do not match', async () => {
    const document = workflow('listen', `  - await:\n      listen:\n        to:\n          one:\n            with: { type: com.example.ping }`);
    const handle = await startExecution(client, document, {}, { executionId: 'control-listen', taskQueue: TASK_QUEUE });
    await waitForEvent(handle, (event) => event.type === EVENT_TYPES.workflowCorrelationStarted);
    await handle.signal(eventSignal, { specversion: '1.0', id: 'e1', source: 'urn:test', type: 'com.example.other', data: { n: 0 } });
    await handle.signal(eventSignal, { specversion: '1.0', id: 'e2', source: 'urn:test', type: 'com.example.ping', data: { n: 1 } });
    const result = await followExecution(handle);
    expect(result).toMatchObject({ status: 'completed', output: [{ n: 1 }] });
  });

  it('listen sees events the execution emits itself (fork: one branch emits, the other listens)', async () => {
    const document = parseYaml(readFileSync(new URL('../dsl/workflows/listen-fork-emit.yaml', import.meta.url), 'utf8')) as WorkflowDocument;
    const handle = await startExecution(client, document, { orderId: 'o-7' }, { executionId: 'control-fork-emit', taskQueue: TASK_QUEUE });
    const result = await followExecution(handle);
    expect(result.status).toBe('completed');
    expect((result.output as Json[])[0]).toEqual([{ orderId: 'o-7' }]);
  });

  it('executions are found by their search attributes', async () => {
    const document = workflow('searchable', `  - one: { set: { a: 1 } }`);
    const handle = await startExecution(client, document, {}, { executionId: 'control-search', taskQueue: TASK_QUEUE });
    await followExecution(handle);
    const query = `CairnWorkflowNamespace = "control" AND CairnWorkflowName = "searchable" AND CairnWorkflowVersion = "1.0.0" AND CairnStatus = "completed"`;
    let ids: string[] = [];
    for (let attempt = 0; attempt < 50 && ids.length === 0; attempt++) {
      ids = [];
      for await (const execution of client.workflow.list({ query })) ids.push(execution.workflowId);
      if (ids.length === 0) await new Promise((done) => setTimeout(done, 200));
    }
    expect(ids).toEqual(['control-search']);
    expect((await handle.describe()).typedSearchAttributes.get(SEARCH_ATTRIBUTES.executionId)).toBe('control-search');
  });
});
