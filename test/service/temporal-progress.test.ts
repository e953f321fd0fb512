import { createServer, type Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EVENT_TYPES, type ProgressEvent } from '../../src/core/events.ts';
import type { ExpressionEngine } from '../../src/jq/engine.ts';
import { loadDefaultEngine } from '../../src/jq/node/engine-choice.ts';
import { runLocal } from '../../src/hosts/local/run-local.ts';
import { outcomeOf, startExecution } from '../../src/hosts/temporal/client.ts';
import { createWorkflowRegistry } from '../../src/effects/run/workflow-registry.ts';
import { loadWorkflow } from '../../src/loader/load-workflow.ts';
import type { ExecutionStore } from '../../src/store/execution-store.ts';
import { startTemporalServer, type DevServer } from '../support/temporal-server.ts';
import { startTemporalService, type TemporalService } from './temporal-service-fixture.ts';

// A real Temporal dev server, a real worker and a real service (SQLite, listening on loopback):
// the worker reports each batch to the service over gRPC with the execution's report token.
const TASK_QUEUE = 'service-progress';
const API_TOKEN = 'temporal-progress-token';
const auth = { authorization: `Bearer ${API_TOKEN}` };

let server: DevServer;
let fixture: Server;
let fixtureUrl: string;
let expressions: ExpressionEngine;
let service: TemporalService;
let store: ExecutionStore;
let app: FastifyInstance;

beforeAll(async () => {
  [server, expressions] = await Promise.all([startTemporalServer(), loadDefaultEngine()]);
  fixture = createServer((_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ fetched: 42 }));
  });
  await new Promise<void>((listening) => fixture.listen(0, '127.0.0.1', listening));
  fixtureUrl = `http://127.0.0.1:${(fixture.address() as { port: number }).port}`;
  // `run: workflow` children come from the worker's registry (`cairn worker --workflows`).
  const children = createWorkflowRegistry([loadWorkflow(document('shout', "  - shout: { set: { loud: '${ .who | ascii_upcase }' } }"), 'shout.yaml', { engine: expressions })]);
  service = await startTemporalService({ address: server.address, taskQueue: TASK_QUEUE, apiToken: API_TOKEN, expressions, workflows: children });
  ({ store, app } = service);
}, 120_000);

afterAll(async () => {
  await service?.close();
  await new Promise((closed) => fixture?.close(closed));
  await server?.stop();
});

/** 30 task instances: set, switch, for (3 × 2), fork, try (with a faulted task), wait, call http, then sets. */
function thirtyTasks(url: string): string {
  return `
document: { dsl: '1.0.0', namespace: test, name: thirty-tasks, version: '1.0.0' }
do:
  - init:
      set: { items: [1, 2, 3], total: 0, size: small }
  - classify:
      switch:
        - many: { when: '\${ (.items | length) > 2 }', then: markMany }
        - otherwise: { then: markFew }
  - markFew:
      set: '\${ . + { size: "few" } }'
      then: sum
  - markMany:
      set: '\${ . + { size: "many" } }'
  - sum:
      for: { each: item, in: '\${ .items }' }
      do:
        - add:
            set: '\${ . + { total: (.total + $item) } }'
        - note:
            set: '\${ . + { last: $item } }'
  - both:
      fork:
        branches:
          - left:
              set: '\${ { left: .total } }'
          - right:
              do:
                - r1: { set: { right: 2 } }
                - r2: { set: '\${ . + { right2: 3 } }' }
  - keep:
      set: { left: '\${ .[0].left }', right: '\${ .[1].right2 }' }
  - guarded:
      try:
        - fail:
            raise:
              error: { type: https://serverlessworkflow.io/spec/1.0.0/errors/validation, status: 400, title: Refused }
      catch:
        as: failure
        do:
          - recover:
              set: '\${ . + { recovered: $failure.status } }'
  - pause:
      wait: { milliseconds: 50 }
  - fetch:
      call: http
      with: { method: get, endpoint: '${url}/data' }
      output: { as: '\${ . + { kept: true } }' }
${Array.from({ length: 9 }, (_, index) => `  - s${index + 1}: { set: '\${ . + { s${index + 1}: true } }' }`).join('\n')}
`;
}

async function waitForStoredEnd(id: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const execution = await store.getExecution(id);
    if (execution && ['completed', 'faulted', 'cancelled'].includes(execution.status) && execution.lastSeq === execution.maxSeq) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`execution ${id} did not end in the store`);
}

/** What identifies an event apart from its execution and clock: type, task instance, attempt. */
function shape(event: ProgressEvent): string {
  return [event.type, event.subject ?? '', event.iteration ?? '', event.attempt ?? ''].join(' ').trimEnd();
}

it('a 30-task workflow run on Temporal produces at the service exactly the expected ordered event list, and the snapshot matches the result', async () => {
  const text = thirtyTasks(fixtureUrl);
  const started = await app.inject({ method: 'POST', url: '/v1/executions', headers: auth, payload: { document: text, input: {} } });
  expect(started.statusCode).toBe(201);
  const { id } = started.json() as { id: string };
  await waitForStoredEnd(id);

  const stored = await store.readEvents(id, 0);
  // The expected list: the same document on the local host (the interpreter is the same on both hosts):
  // 127 lifecycle and task-state events plus the loop's item count.
  const local = await runLocal(loadWorkflow(text, 'thirty.yaml', { engine: expressions }), {}, { engine: expressions });
  const expected = local.events.map(shape);
  expect(expected).toHaveLength(128);
  // The same events, each task's in the same order; how the fork's concurrent branches interleave
  // depends on when the local host yields (it yields on time), so the whole list is compared as a set.
  const perTask = (shapes: string[]) => {
    const byTask = new Map<string, string[]>();
    for (const line of shapes) {
      const task = line.split(' ')[1] ?? '';
      byTask.set(task, [...(byTask.get(task) ?? []), line]);
    }
    return byTask;
  };
  expect(perTask(stored.map(shape))).toEqual(perTask(expected));
  expect(stored.map(shape).sort()).toEqual([...expected].sort());

  expect(stored.map((event) => event.seq)).toEqual(stored.map((_, index) => index + 1));
  expect(new Set(stored.map((event) => event.id)).size).toBe(stored.length);
  expect(stored.every((event) => event.executionid === id)).toBe(true);
  const workflowEvents = stored.filter((event) => event.type.startsWith('io.serverlessworkflow.workflow.') && event.type !== EVENT_TYPES.workflowStatusChanged);
  expect(workflowEvents.map((event) => event.type)).toEqual([EVENT_TYPES.workflowStarted, EVENT_TYPES.workflowCompleted]);

  // Every task instance was created, started, and completed (or faulted: the raise inside the try).
  const instances = new Map<string, string[]>();
  for (const event of stored) {
    if (!event.subject) continue;
    const key = `${event.subject} ${event.iteration ?? ''}`;
    instances.set(key, [...(instances.get(key) ?? []), event.type]);
  }
  expect(instances.size).toBe(30);
  for (const [key, types] of instances) {
    const end = key.startsWith('/do/7/guarded/try/0/fail') ? EVENT_TYPES.taskFaulted : EVENT_TYPES.taskCompleted;
    expect([key, types.filter((type) => type !== EVENT_TYPES.taskState && type !== EVENT_TYPES.taskStatusChanged)]).toEqual([
      key,
      [EVENT_TYPES.taskCreated, EVENT_TYPES.taskStarted, end],
    ]);
  }

  const snapshot = (await app.inject({ method: 'GET', url: `/v1/executions/${id}`, headers: auth })).json() as {
    execution: { status: string; output: unknown; lastSeq: number; maxSeq: number };
    tasks: Array<{ ref: string; status: string }>;
  };
  const connection = await Connection.connect({ address: server.address });
  const result = await outcomeOf(new Client({ connection }).workflow.getHandle(id)).finally(() => connection.close());
  expect(result.status).toBe('completed');
  expect(snapshot.execution).toMatchObject({ status: 'completed', output: result.output, lastSeq: stored.length, maxSeq: stored.length });
  expect(result.lastSeq).toBe(stored.length);
  expect(result.output).toMatchObject({ fetched: 42, kept: true, s9: true });
  expect(snapshot.tasks).toHaveLength(30);
}, 150_000);

function document(name: string, tasks: string): string {
  return `document: { dsl: '1.0.0', namespace: test, name: ${name}, version: '1.0.0' }\ndo:\n${tasks}\n`;
}

async function start(text: string): Promise<string> {
  const started = await app.inject({ method: 'POST', url: '/v1/executions', headers: auth, payload: { document: text, input: {} } });
  expect(started.statusCode).toBe(201);
  return (started.json() as { id: string }).id;
}

/** Waits until the store holds an event of the execution that matches (reported by the worker while it runs). */
async function waitForStored(id: string, match: (event: ProgressEvent) => boolean): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    if ((await store.readEvents(id, 0)).some(match)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no matching event of ${id} was stored`);
}

async function waitForStatus(id: string, status: string): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    if ((await store.getExecution(id))?.status === status) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`execution ${id} never became ${status}`);
}

const startedTask = (subject: string) => (event: ProgressEvent) => event.type === EVENT_TYPES.taskStarted && event.subject === subject;

it('a CloudEvent accepted by the service reaches the waiting listen task of a Temporal execution', async () => {
  const id = await start(document('listen', `  - wait:\n      listen:\n        to:\n          one:\n            with: { type: com.example.ping }\n  - done: { set: { pinged: true } }`));
  await waitForStored(id, startedTask('/do/0/wait'));
  const accepted = await app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: auth,
    payload: { specversion: '1.0', id: 'ping-1', source: 'test', type: 'com.example.ping', data: { n: 1 } },
  });
  expect(accepted.statusCode).toBe(202);
  await waitForStoredEnd(id);
  expect(await store.getExecution(id)).toMatchObject({ status: 'completed', output: { pinged: true } });
}, 60_000);

it("a run: workflow child on Temporal reports to the service with its parent's token: listed under its parent, with its output", async () => {
  const parent = await start(document('parent', "  - greet:\n      run:\n        workflow: { namespace: test, name: shout, version: '1.0.0', input: { who: ada } }"));
  await waitForStoredEnd(parent);
  expect(await store.getExecution(parent)).toMatchObject({ status: 'completed', output: { loud: 'ADA' } });
  let items: Array<Record<string, unknown>> = [];
  for (let attempt = 0; attempt < 300 && items[0]?.status !== 'completed'; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    items = (await app.inject({ url: `/v1/executions?parent=${parent}`, headers: auth })).json().items;
  }
  expect(items).toHaveLength(1);
  expect(items[0]).toMatchObject({ parentExecutionId: parent, parentTask: '/do/0/greet', status: 'completed', output: { loud: 'ADA' } });
}, 90_000);

it('suspends, resumes and cancels Temporal executions through the service', async () => {
  const paused = await start(document('suspend', `  - nap: { wait: { seconds: 2 } }\n  - after: { set: { resumed: true } }`));
  await waitForStored(paused, startedTask('/do/0/nap'));
  expect((await app.inject({ method: 'POST', url: `/v1/executions/${paused}/suspend`, headers: auth })).statusCode).toBe(200);
  await waitForStatus(paused, 'suspended');
  expect((await store.readEvents(paused, 0)).some((event) => event.subject === '/do/1/after')).toBe(false);
  expect((await app.inject({ method: 'POST', url: `/v1/executions/${paused}/resume`, headers: auth })).statusCode).toBe(200);
  await waitForStoredEnd(paused);
  expect(await store.getExecution(paused)).toMatchObject({ status: 'completed', output: { resumed: true } });

  const doomed = await start(document('cancel', `  - nap: { wait: { seconds: 60 } }\n  - never: { set: { ran: true } }`));
  await waitForStored(doomed, startedTask('/do/0/nap'));
  expect((await app.inject({ method: 'POST', url: `/v1/executions/${doomed}/cancel`, headers: auth })).statusCode).toBe(200);
  await waitForStoredEnd(doomed);
  expect(await store.getExecution(doomed)).toMatchObject({ status: 'cancelled' });
  const types = (await store.readEvents(doomed, 0)).map((event) => `${event.type} ${event.subject ?? ''}`);
  expect(types).toContain(`${EVENT_TYPES.taskCancelled} /do/0/nap`);
  expect(types.some((type) => type.endsWith('/do/1/never'))).toBe(false);
}, 90_000);

it('a report the service refuses (a forged report token) is dropped without failing the Temporal execution', async () => {
  const id = 'forged-report-token';
  const connection = await Connection.connect({ address: server.address });
  try {
    const client = new Client({ connection });
    const handle = await startExecution(client, loadWorkflow(document('forged', `  - only: { set: { a: 1 } }`), 'forged.yaml', { engine: expressions }), {}, {
      executionId: id,
      taskQueue: TASK_QUEUE,
      options: { report: { token: 'cairn-report.forged' } },
    });
    expect(await outcomeOf(handle)).toMatchObject({ status: 'completed', output: { a: 1 } });
    expect((await handle.describe()).status.name).toBe('COMPLETED');
  } finally {
    await connection.close();
  }
  expect(await store.getExecution(id)).toBeUndefined();
}, 60_000);
