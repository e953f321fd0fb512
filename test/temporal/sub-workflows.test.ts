import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client, Connection, type WorkflowHandle, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES, type ProgressEvent } from '../../src/core/events.ts';
import type { ExpressionEngine } from '../../src/jq/engine.ts';
import type { WorkflowDocument } from '../../src/core/model.ts';
import { createWorkflowRegistry, type WorkflowRegistry } from '../../src/effects/run/workflow-registry.ts';
import { loadDefaultEngine } from '../../src/jq/node/engine-choice.ts';
import { runLocal } from '../../src/hosts/local/run-local.ts';
import { followExecution, startExecution } from '../../src/hosts/temporal/client.ts';
import { progressQuery, taskTreeQuery, WORKFLOW_TYPE } from '../../src/hosts/temporal/messages.ts';
import { runTemporal } from '../../src/hosts/temporal/run-temporal.ts';
import { SEARCH_ATTRIBUTES } from '../../src/hosts/temporal/search-attributes.ts';
import { connectWorker, createCairnWorker, replayWorkerOptions } from '../../src/hosts/temporal/worker.ts';
import { loadWorkflow } from '../../src/loader/load-workflow.ts';
import { startTemporalServer, type DevServer } from '../support/temporal-server.ts';

// run: workflow on a real Temporal dev server: each sub-workflow is a Temporal child workflow of the
// generic workflow, found in the worker's registry.
const TASK_QUEUE = 'sub-workflows-test';
let server: DevServer;
let engine: ExpressionEngine;
let registry: WorkflowRegistry;
let workerConnection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let connection: Connection;
let client: Client;

function document(name: string, tasks: string): WorkflowDocument {
  return loadWorkflow(`document: { dsl: '1.0.3', namespace: subs, name: ${name}, version: '1.0.0' }\ndo:\n${tasks}`, `${name}.yaml`, { engine });
}

/** A `run: workflow` task body for `subs/<name>:1.0.0`. */
function runChild(name: string, options: { input?: string; detached?: boolean } = {}): string {
  const input = options.input ? `          input: ${options.input}\n` : '';
  const detached = options.detached ? '        await: false\n' : '';
  return `      run:\n        workflow:\n          namespace: subs\n          name: ${name}\n          version: '1.0.0'\n${input}${detached}`;
}
const waitForever = `  - waitForever:\n      listen:\n        to:\n          one:\n            with: { type: com.example.never-sent }\n`;

beforeAll(async () => {
  [server, engine] = await Promise.all([startTemporalServer(), loadDefaultEngine()]);
  registry = createWorkflowRegistry([
    document('double', `  - double:\n      set:\n        result: \${ .value * 2 }\n`),
    document('waits', waitForever),
    document('pause', `  - pause:\n      wait: { milliseconds: 200 }\n  - done:\n      set: { paused: true }\n`),
    document('recursive', `  - again:\n${runChild('recursive')}`),
  ]);
  workerConnection = await connectWorker(server.address);
  worker = await createCairnWorker({ connection: workerConnection, taskQueue: TASK_QUEUE, workflows: registry });
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

interface StartedChild {
  workflowId: string;
  parentClosePolicy?: number | null;
}

/** The children a parent's history records as started, with the parent-close policy each was initiated with. */
async function startedChildren(handle: WorkflowHandle): Promise<StartedChild[]> {
  const events = (await handle.fetchHistory()).events ?? [];
  const policies = new Map(events.flatMap((event) => {
    const initiated = event.startChildWorkflowExecutionInitiatedEventAttributes;
    return initiated?.workflowId ? [[initiated.workflowId, initiated.parentClosePolicy] as const] : [];
  }));
  return events.flatMap((event) => {
    const started = event.childWorkflowExecutionStartedEventAttributes;
    const workflowId = started?.workflowExecution?.workflowId;
    if (!workflowId) return [];
    expect(started?.workflowType?.name).toBe(WORKFLOW_TYPE);
    return [{ workflowId, parentClosePolicy: policies.get(workflowId) }];
  });
}

/** Polls the parent's history until it has started a child (bounded: 20 s). */
async function firstChild(handle: WorkflowHandle): Promise<StartedChild> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const [child] = await startedChildren(handle);
    if (child) return child;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error('the parent never started a child workflow');
}

describe('run: workflow on the Temporal host', () => {
  it('runs an awaited sub-workflow as a Temporal child workflow with its own execution id and events', async () => {
    const parent = document('parent', `  - callDouble:\n${runChild('double', { input: "{ value: '${ .n }' }" })}`);
    const handle = await startExecution(client, parent, { n: 21 }, { executionId: 'subs-awaited', taskQueue: TASK_QUEUE });
    const result = await followExecution(handle);
    const localEvents: ProgressEvent[] = [];
    const local = await runLocal(parent, { n: 21 }, { engine, workflows: registry, onEvent: (event) => localEvents.push(event) });

    expect(result.status).toBe('completed');
    expect(result.output).toEqual({ result: 42 });
    expect({ status: result.status, output: result.output }).toEqual({ status: local.status, output: local.output });

    const [child, ...others] = await startedChildren(handle);
    expect(others).toEqual([]);
    expect(child!.workflowId.startsWith('subs-awaited.')).toBe(true);
    const childHandle = client.workflow.getHandle(child!.workflowId);
    const description = await childHandle.describe();
    expect(description.status.name).toBe('COMPLETED');
    expect(description.parentExecution?.workflowId).toBe('subs-awaited');
    expect(description.typedSearchAttributes.get(SEARCH_ATTRIBUTES.workflowName)).toBe('double');
    expect(description.typedSearchAttributes.get(SEARCH_ATTRIBUTES.executionId)).toBe(child!.workflowId);

    // The child's progress is its own: its execution id, its own seq from 1, its own lifecycle.
    const childEvents = (await childHandle.query(progressQuery, 0, 1_000)).events;
    expect(childEvents.map((event) => event.executionid)).toEqual(childEvents.map(() => child!.workflowId));
    expect(childEvents.map((event) => event.seq)).toEqual(childEvents.map((_, index) => index + 1));
    expect(childEvents.map((event) => event.type)).toContain(EVENT_TYPES.workflowCompleted);
    expect(result.events.every((event) => event.executionid === 'subs-awaited')).toBe(true);
    // It names the task that started it (the store links parent and child by it), as on the local host.
    const started = childEvents.find((event) => event.type === EVENT_TYPES.workflowStarted)!;
    expect(started.data.parent).toEqual({ executionId: 'subs-awaited', task: '/do/0/callDouble' });
    const localChildStart = localEvents.find((event) => event.type === EVENT_TYPES.workflowStarted && event.executionid !== local.executionId);
    expect(localChildStart?.data.parent).toEqual({ executionId: local.executionId, task: '/do/0/callDouble' });
  }, 60_000);

  it('cancelling the parent cancels the awaited child, and the parent ends cancelled', async () => {
    const parent = document('parent-of-waiting', `  - callWaits:\n${runChild('waits')}`);
    const handle = await startExecution(client, parent, {}, { executionId: 'subs-cancel-awaited', taskQueue: TASK_QUEUE });
    const child = await firstChild(handle);
    await handle.cancel();

    const result = await followExecution(handle);
    expect(result.status).toBe('cancelled');
    expect(result.events.map((event) => `${event.type} ${event.subject ?? ''}`)).toContain(`${EVENT_TYPES.taskCancelled} /do/0/callWaits`);
    expect((await client.workflow.getHandle(child.workflowId).describe()).status.name).toBe('CANCELLED');
  }, 60_000);

  it('await: false starts the child with ParentClosePolicy ABANDON: the parent completes while the child runs on', async () => {
    const parent = document('parent-detaching', `  - startWaits:\n${runChild('waits', { detached: true })}  - after:\n      set: { goneOn: true }\n`);
    const handle = await startExecution(client, parent, {}, { executionId: 'subs-detached', taskQueue: TASK_QUEUE });
    const result = await followExecution(handle);
    expect(result.status).toBe('completed');
    expect(result.output).toEqual({ goneOn: true });

    const [child] = await startedChildren(handle);
    expect(child!.parentClosePolicy).toBe(2); // PARENT_CLOSE_POLICY_ABANDON
    const childHandle = client.workflow.getHandle(child!.workflowId);
    expect((await childHandle.describe()).status.name).toBe('RUNNING');
    await childHandle.cancel();
    expect((await followExecution(childHandle)).status).toBe('cancelled');
  }, 60_000);

  it('cancelling the parent cancels its detached children too, as on the local host', async () => {
    const parent = document('parent-detaching-then-waiting', `  - startWaits:\n${runChild('waits', { detached: true })}${waitForever}`);
    const handle = await startExecution(client, parent, {}, { executionId: 'subs-detached-cancel', taskQueue: TASK_QUEUE });
    const child = await firstChild(handle);
    await handle.cancel();

    expect((await followExecution(handle)).status).toBe('cancelled');
    expect((await followExecution(client.workflow.getHandle(child.workflowId))).status).toBe('cancelled');
  }, 60_000);

  it('a detached child started before the parent continued as new is still cancelled with the parent', async () => {
    const parent = document('parent-detaching-then-continuing', `  - startWaits:\n${runChild('waits', { detached: true })}  - one:\n      set: { step: 1 }\n  - two:\n      set: { step: 2 }\n${waitForever}`);
    const handle = await startExecution(client, parent, {}, { executionId: 'subs-detached-continued', taskQueue: TASK_QUEUE, options: { continueAsNew: { historyEvents: 1 } } });
    const firstRunId = (handle as WorkflowHandleWithFirstExecutionRunId).firstExecutionRunId;
    const child = await firstChild(client.workflow.getHandle('subs-detached-continued', firstRunId));
    // Each run starts one task: the wait runs in a later run than the one that started the child.
    let waiting = false;
    for (let attempt = 0; attempt < 200 && !waiting; attempt++) {
      const current = await client.workflow.getHandle('subs-detached-continued').describe();
      waiting = current.runId !== firstRunId && (await handle.query(taskTreeQuery)).tasks.some((task) => task.ref.endsWith('waitForever') && task.status === 'running');
      if (!waiting) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(waiting).toBe(true);
    await handle.cancel();
    expect((await followExecution(handle)).status).toBe('cancelled');
    expect((await followExecution(client.workflow.getHandle(child.workflowId))).status).toBe('cancelled');
  }, 60_000);

  it('a workflow that runs itself faults at the depth limit with the same error as on the local host', async () => {
    const recursive = (await registry.find('subs', 'recursive', '1.0.0'))!;
    const handle = await startExecution(client, recursive, {}, { executionId: 'subs-recursive', taskQueue: TASK_QUEUE });
    const result = await followExecution(handle);
    const local = await runLocal(recursive, {}, { engine, workflows: registry });

    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({ status: 500, instance: '/do/0/again' });
    expect(result.error?.detail).toContain('would nest deeper than 16 levels');
    expect(result.error).toEqual(local.error);
  }, 120_000);

  it('runTemporal with its own worker: child events reach onEvent under the child id, and a detached child finishes before the worker stops', async () => {
    const parent = document('parent-own-worker', `  - callDouble:\n${runChild('double', { input: '{ value: 2 }' })}  - startPause:\n${runChild('pause', { detached: true })}`);
    const seen = { temporal: [] as ProgressEvent[], local: [] as ProgressEvent[] };
    const durable = await runTemporal(parent, {}, {
      engine,
      workflows: registry,
      executionId: 'subs-own-worker',
      onEvent: (event) => seen.temporal.push(event),
      temporal: { address: server.address },
    });
    const local = await runLocal(parent, {}, { engine, workflows: registry, executionId: 'subs-own-worker-local', onEvent: (event) => seen.local.push(event) });
    const completedChildren = () => seen.local.filter((event) => event.type === EVENT_TYPES.workflowCompleted && event.executionid !== 'subs-own-worker-local').length;
    await until(() => completedChildren() === 2);

    expect(durable.status).toBe('completed');
    expect(durable.output).toEqual(local.output);
    expect(durable.events.map((event) => event.seq)).toEqual(durable.events.map((_, index) => index + 1));
    expect(durable.events.every((event) => event.executionid === 'subs-own-worker')).toBe(true);
    expect(childLifecycles(seen.temporal, 'subs-own-worker')).toEqual(childLifecycles(seen.local, 'subs-own-worker-local'));

    const children = await startedChildren(client.workflow.getHandle('subs-own-worker'));
    expect(children).toHaveLength(2);
    for (const child of children) expect((await client.workflow.getHandle(child.workflowId).describe()).status.name).toBe('COMPLETED');
  }, 60_000);

  it('the parents above replay deterministically from their histories (child ids, lookups, cancellations)', async () => {
    const parents = ['subs-awaited', 'subs-cancel-awaited', 'subs-detached', 'subs-detached-cancel', 'subs-recursive'];
    const histories = await Promise.all(parents.map(async (workflowId) => ({ workflowId, history: await client.workflow.getHandle(workflowId).fetchHistory() })));
    const errors: Record<string, string | undefined> = {};
    for await (const result of Worker.runReplayHistories(await replayWorkerOptions(), histories)) {
      errors[result.workflowId] = result.error ? `${result.error.name}: ${result.error.message}` : undefined;
    }
    expect(errors).toEqual(Object.fromEntries(parents.map((id) => [id, undefined])));
  }, 120_000);
});

describe('cairn worker --workflows DIR', () => {
  const cli = fileURLToPath(new URL('../../bin/cairn.js', import.meta.url));
  const golden = fileURLToPath(new URL('../golden/run-workflow-latest/', import.meta.url));

  it('serves run: workflow from the folder to `cairn run --host temporal --no-worker`', async () => {
    const worker = spawn(process.execPath, [cli, 'worker', '--temporal', server.address, '--workflows', `${golden}workflows`], { stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      await new Promise<void>((ready, fail) => {
        let stderr = '';
        worker.stderr!.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          if (stderr.includes('cairn worker: polling')) ready();
        });
        worker.once('exit', (code) => fail(new Error(`worker exited with ${code}: ${stderr}`)));
      });
      const run = spawnSync(process.execPath, [cli, 'run', `${golden}workflow.yaml`, '--host', 'temporal', '--temporal', server.address, '--no-worker', '--quiet'], { encoding: 'utf8', timeout: 60_000 });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({ newest: '0.10.0', pinned: '0.9.1' });
    } finally {
      if (worker.exitCode === null) await new Promise((exited) => worker.once('exit', exited).kill('SIGTERM'));
    }
  }, 90_000);

  it('refuses a folder that does not exist (exit 2) before connecting', () => {
    const run = spawnSync(process.execPath, [cli, 'worker', '--temporal', server.address, '--workflows', '/nonexistent/cairn-workflows'], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--workflows must name a folder of workflow files, got "/nonexistent/cairn-workflows"');
  }, 60_000);
});

/** Each child execution's task lifecycle (types and subjects, in order), children sorted, the parent's left out. */
function childLifecycles(events: readonly ProgressEvent[], parentId: string): string[][] {
  const byExecution = new Map<string, string[]>();
  for (const event of events) {
    if (event.executionid === parentId) continue;
    byExecution.set(event.executionid, [...(byExecution.get(event.executionid) ?? []), `${event.type} ${event.subject ?? ''}`]);
  }
  return [...byExecution.values()].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/** Waits (bounded: 10 s) for the local host's detached child, which runs on after its parent returns. */
async function until(done: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 100 && !done(); attempt++) await new Promise((resolve) => setTimeout(resolve, 100));
  if (!done()) throw new Error('the local detached child never completed');
}
