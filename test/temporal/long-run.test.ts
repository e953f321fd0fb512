import { Client, Connection } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { ProgressEvent } from '../../src/core/events.ts';
import type { WorkflowDocument } from '../../src/core/model.ts';
import { loadDefaultEngine } from '../../src/jq/node/engine-choice.ts';
import { runLocal } from '../../src/hosts/local/run-local.ts';
import { runTemporal } from '../../src/hosts/temporal/run-temporal.ts';
import { SEARCH_ATTRIBUTES } from '../../src/hosts/temporal/search-attributes.ts';
import { followExecution, startExecution } from '../../src/hosts/temporal/client.ts';
import { taskTreeQuery } from '../../src/hosts/temporal/messages.ts';
import { connectWorker, createCairnWorker, replayWorkerOptions, type CairnWorkerOptions } from '../../src/hosts/temporal/worker.ts';
import { startTemporalServer, type DevServer } from '../support/temporal-server.ts';

// A long pure-compute run: 10,000 loop iterations never yield by themselves, so the host yields
// every 100 tasks (a local-activity marker) to stay under the sandbox's per-activation CPU budget,
// and the ~40,000 progress events it holds make it continue as new (default: every 20,000 held).
const ITEMS = 10_000;
let server: DevServer;

beforeAll(async () => {
  server = await startTemporalServer();
});
afterAll(async () => {
  await server?.stop();
});

describe('long executions on Temporal', () => {
  it(`a for over ${ITEMS.toLocaleString('en')} items completes across continue-as-new runs, with the same events as the local host`, async () => {
    const document = parseYaml(`
document: { dsl: '1.0.0', namespace: long, name: big-for, version: '1.0.0' }
do:
  - sum:
      for: { each: item, in: '\${ [range(0; ${ITEMS})] }' }
      do:
        - add:
            set: { total: '\${ (.total // 0) + $item }' }
`) as WorkflowDocument;
    const result = await runTemporal(document, {}, { executionId: 'long-for', temporal: { address: server.address } });

    expect(result.status).toBe('completed');
    expect(result.output).toEqual({ total: (ITEMS * (ITEMS - 1)) / 2 });
    expect(result.events.filter((event) => event.subject === '/do/0/sum/do/0/add' && event.type.endsWith('task.completed.v1'))).toHaveLength(ITEMS);
    expect(result.events.map((event) => event.seq)).toEqual(result.events.map((_, index) => index + 1));
    const local = await runLocal(document, {}, { executionId: 'long-for', engine: await loadDefaultEngine() });
    expect(timeless(result.events)).toEqual(timeless(local.events));

    const connection = await Connection.connect({ address: server.address });
    try {
      const client = new Client({ connection });
      const runs = await runsOf(client, 'long-for', 3);
      expect(runs.filter((run) => run.status === 'CONTINUED_AS_NEW').length).toBeGreaterThanOrEqual(2);
      expect(runs.filter((run) => run.status === 'COMPLETED')).toHaveLength(1);
      const histories = [];
      for (const run of runs) {
        // Each run's history is fetched in one gRPC message (< 4 MB): progress batches do not enter it.
        const history = await client.workflow.getHandle('long-for', run.runId).fetchHistory();
        expect(history.events!.length).toBeLessThan(4_096);
        histories.push({ workflowId: `long-for-${run.runId}`, history });
      }
      // Resumed runs are deterministic too: every run's history replays on the current code.
      expect(await replayErrors(histories)).toEqual([]);
      // The last run still carries the execution's search attributes.
      const last = await client.workflow.getHandle('long-for').describe();
      expect(last.typedSearchAttributes.get(SEARCH_ATTRIBUTES.executionId)).toBe('long-for');
      expect(last.typedSearchAttributes.get(SEARCH_ATTRIBUTES.status)).toBe('completed');
    } finally {
      await connection.close();
    }
  }, 300_000);

  it('with a history limit below a fresh run\'s own size every run still starts a task, and a query follower misses no event', async () => {
    const document = parseYaml(`
document: { dsl: '1.0.0', namespace: long, name: tiny-limit, version: '1.0.0' }
do:
  - steps:
      for: { each: item, in: '\${ [range(0; 6)] }' }
      do:
        - nap: { wait: { milliseconds: 5 } }
        - add: { set: { total: '\${ (.total // 0) + $item }' } }
`) as WorkflowDocument;
    await withOwnWorker({ taskQueue: 'tiny-limit' }, async (client, worker) => {
      const { followed, tree } = await worker.runUntil(async () => {
        const handle = await startExecution(client, document, {}, { executionId: 'tiny-limit', taskQueue: 'tiny-limit', options: { continueAsNew: { historyEvents: 1 } } });
        // No progress shipping: the follower reads the query of whichever run is current.
        const outcome = await followExecution(handle, { pollIntervalMs: 20 });
        return { followed: outcome, tree: await handle.query(taskTreeQuery) };
      });
      expect(followed.status).toBe('completed');
      expect(followed.output).toEqual({ total: 15 });
      const local = await runLocal(document, {}, { executionId: 'tiny-limit', engine: await loadDefaultEngine() });
      expect(timeless(followed.events)).toEqual(timeless(local.events));
      const runs = await runsOf(client, 'tiny-limit', 13);
      expect(runs.length).toBeGreaterThanOrEqual(13);
      // The last run's task tree still holds the loop the first run started (carried while open).
      const loop = tree.tasks.find((task) => task.ref === '/do/0/steps');
      const loopStarted = followed.events.find((event) => event.subject === '/do/0/steps' && event.type.endsWith('task.started.v1'));
      expect(tree.status).toBe('completed');
      expect(loop).toMatchObject({ status: 'completed', startedAt: loopStarted?.data.startedAt });
      expect(tree.tasks.find((task) => task.ref === '/do/0/steps/do/1/add' && task.iteration === '5')).toMatchObject({ status: 'completed', attempts: 1 });
      expect(tree.tasks.at(-1)?.ref).toBe('/do/0/steps');
    });
  }, 120_000);

  it('a slow progress batch and the forced yields never overlap: the history replays (live and replay resolve local activities in different orders)', async () => {
    const document = parseYaml(`
document: { dsl: '1.0.0', namespace: long, name: slow-reports, version: '1.0.0' }
do:
  - steps:
      for: { each: item, in: '\${ [range(0; 450)] }' }
      do:
        - add: { set: { total: '\${ (.total // 0) + $item }' } }
`) as WorkflowDocument;
    // The sink is where this process's worker hands each batch: slow, so batches outlast yields.
    await withOwnWorker({ taskQueue: 'slow-reports', progressSink: () => new Promise((done) => setTimeout(done, 150)) }, async (client, worker) => {
      const followed = await worker.runUntil(async () => {
        const handle = await startExecution(client, document, {}, { executionId: 'slow-reports', taskQueue: 'slow-reports', options: { reportProgress: true } });
        return followExecution(handle, { pollIntervalMs: 50 });
      });
      expect(followed).toMatchObject({ status: 'completed', output: { total: (450 * 449) / 2 } });
      const history = await client.workflow.getHandle('slow-reports').fetchHistory();
      expect(await replayErrors([{ workflowId: 'slow-reports', history }])).toEqual([]);
    });
  }, 120_000);
});

/** Everything but wall-clock time, which differs between hosts. */
function timeless(events: ProgressEvent[]) {
  return events.map(({ time: _time, data, ...event }) => ({ ...event, data: Object.fromEntries(Object.entries(data).filter(([key]) => !/At$/.test(key))) }));
}

/** The runs of one workflow id (visibility is eventually consistent: waits, bounded, for `atLeast`). */
async function runsOf(client: Client, workflowId: string, atLeast: number): Promise<{ runId: string; status: string }[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const runs: { runId: string; status: string }[] = [];
    for await (const execution of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push({ runId: execution.runId, status: execution.status.name });
    if (runs.length >= atLeast || Date.now() > deadline) return runs;
    await new Promise((done) => setTimeout(done, 250));
  }
}

/** Runs `use` with a client and a worker of this process on the given task queue (connections closed after). */
async function withOwnWorker(options: Omit<CairnWorkerOptions, 'connection'>, use: (client: Client, worker: Worker) => Promise<void>): Promise<void> {
  const workerConnection = await connectWorker(server.address);
  const connection = await Connection.connect({ address: server.address });
  try {
    await use(new Client({ connection }), await createCairnWorker({ connection: workerConnection, ...options }));
  } finally {
    await connection.close();
    await workerConnection.close();
  }
}

/** Replays histories on the current workflow code; the errors, if any. */
async function replayErrors(histories: { workflowId: string; history: unknown }[]): Promise<string[]> {
  const errors: string[] = [];
  for await (const replay of Worker.runReplayHistories(await replayWorkerOptions(), histories)) {
    if (replay.error) errors.push(`${replay.workflowId}: ${replay.error.message}`);
  }
  return errors;
}
