import { Client, Connection } from '@temporalio/client';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { ProgressEvent } from '../../src/core/events.ts';
import type { WorkflowDocument } from '../../src/core/model.ts';
import { followExecution, startExecution } from '../../src/hosts/temporal/client.ts';
import { eventSignal, progressQuery } from '../../src/hosts/temporal/messages.ts';
import { registerSearchAttributes } from '../../src/hosts/temporal/register-search-attributes.ts';
import { cairnWorkerParts, connectWorker } from '../../src/hosts/temporal/worker.ts';
import { startTemporalServer, type DevServer } from '../support/temporal-server.ts';

// A query reaching a worker that has the execution not cached replays its history, and runs what
// came after the last completed workflow task (here a signal) live. The workflow task that records
// that signal can hold more (the timer that fired meanwhile) and end otherwise: events the query's
// run handed to the worker's sink would reach the service first, at the seqs of the recorded ones.

const TASK_QUEUE = 'query-replay-progress';
/** The race's timer: it fires while the worker answers the queries, before the signal's workflow task starts. */
const TIMER_SECONDS = 2;
/** How long the worker stays busy when a run drains its progress (the query's run ends the workflow too). */
const BUSY_MS = 2_500;
const ATTEMPTS = 5;

let server: DevServer;
let workerConnection: NativeConnection;
let connection: Connection;
let client: Client;

beforeAll(async () => {
  server = await startTemporalServer();
  workerConnection = await connectWorker(server.address);
  await registerSearchAttributes(workerConnection.operatorService, 'default');
  connection = await Connection.connect({ address: server.address });
  client = new Client({ connection });
});
afterAll(async () => {
  await connection?.close();
  await workerConnection?.close();
  await server?.stop();
});

const document = parseYaml(`document: { dsl: '1.0.0', namespace: test, name: query-replay, version: '1.0.0' }
do:
  - race:
      fork:
        compete: true
        branches:
          - heard:
              listen:
                to:
                  one:
                    with: { type: com.example.ping }
          - late:
              wait: { seconds: ${TIMER_SECONDS} }
`) as WorkflowDocument;

/**
 * A worker that caches no execution (every query replays) and runs one workflow task at a time.
 * `busy` makes the sink's drain slow: a stand-in for a worker busy elsewhere while it answers a
 * query, which lets more history (the timer) arrive before the next workflow task starts.
 */
async function uncachedWorker(delivered: ProgressEvent[], busy: boolean): Promise<Worker> {
  const parts = await cairnWorkerParts({ progressSink: (events) => void delivered.push(...events) });
  const drain = parts.sinks.cairnProgress.drain;
  parts.sinks.cairnProgress.drain = {
    ...drain,
    fn: async (info, executionId) => {
      await drain.fn(info, executionId);
      if (busy) await new Promise((done) => setTimeout(done, BUSY_MS));
    },
  };
  return Worker.create({ connection: workerConnection, taskQueue: TASK_QUEUE, maxCachedWorkflows: 0, maxConcurrentWorkflowTaskExecutions: 1, ...parts });
}

interface Attempt {
  delivered: ProgressEvent[];
  recorded: ProgressEvent[];
  output: unknown;
}

/**
 * The execution listens and races a timer; the worker stops; queries wait for a worker; the signal
 * arrives; a new worker starts. When it takes a query first (the server picks), it replays the
 * execution and runs the signal live, while the signal's workflow task waits until the timer fired.
 */
async function attempt(index: number): Promise<Attempt> {
  const delivered: ProgressEvent[] = [];
  const first = await uncachedWorker(delivered, false);
  const firstRunning = first.run();
  const handle = await startExecution(client, document, {}, { executionId: `query-replay-${index}`, taskQueue: TASK_QUEUE, options: { reportProgress: true } });
  for (let poll = 0; poll < 100; poll++) {
    const page = await handle.query(progressQuery, 0, 1_000);
    if (page.events.some((event) => event.subject?.endsWith('/late') && event.type.endsWith('task.started.v1'))) break;
    await new Promise((done) => setTimeout(done, 50));
  }
  first.shutdown();
  await firstRunning;

  const second = await uncachedWorker(delivered, true);
  // Several waiting queries: the next worker's first task is more likely one of them than the signal's task.
  const queries = Promise.allSettled(Array.from({ length: 4 }, () => handle.query(progressQuery, 0, 1_000)));
  await new Promise((done) => setTimeout(done, 300));
  await handle.signal(eventSignal, { specversion: '1.0', id: `ping-${index}`, source: 'urn:test', type: 'com.example.ping', data: { n: 1 } });
  const secondRunning = second.run();
  try {
    await queries;
    const result = await followExecution(handle);
    return { delivered, recorded: result.events, output: result.output };
  } finally {
    second.shutdown();
    await secondRunning;
  }
}

const describeEvent = (event: ProgressEvent | undefined) => (event ? `${event.seq} ${event.type} ${event.subject ?? ''} ${event.id}` : 'none');

describe('progress of an execution a query replays', () => {
  it('the worker delivers only events the recorded execution has, at the same seq', async () => {
    let raced = 0;
    for (let index = 0; index < ATTEMPTS && raced === 0; index++) {
      const { delivered, recorded, output } = await attempt(index);
      const bySeq = new Map(recorded.map((event) => [event.seq, event]));
      const differing = delivered.filter((event) => describeEvent(bySeq.get(event.seq)) !== describeEvent(event)).map((event) => `${describeEvent(event)} (recorded: ${describeEvent(bySeq.get(event.seq))})`);
      expect(differing).toEqual([]);
      // The timer won though the signal came first: the query's run went first, and the recorded task saw both.
      if (JSON.stringify(output) === '{}') raced += 1;
    }
    expect(raced, `no attempt of ${ATTEMPTS} had a query replay the signal before its workflow task`).toBe(1);
  }, 120_000);
});
