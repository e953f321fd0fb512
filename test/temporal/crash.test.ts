import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExpressionEngine } from '../../src/jq/engine.ts';
import type { Json } from '../../src/core/json.ts';
import type { WorkflowDocument } from '../../src/core/model.ts';
import { loadDefaultEngine } from '../../src/jq/node/engine-choice.ts';
import { runLocal } from '../../src/hosts/local/run-local.ts';
import { outcomeOf, startExecution } from '../../src/hosts/temporal/client.ts';
import { loadWorkflow } from '../../src/loader/load-workflow.ts';
import type { FixtureServer } from '../fixtures/fixture-server.ts';
import { startHttpbinServer } from '../fixtures/httpbin-server.ts';
import { startTemporalServer, type DevServer } from '../support/temporal-server.ts';

// Durability: 20 executions of a 10-task workflow (set, switch, for, wait, HTTP calls to a loopback
// server) on a `cairn worker` process that is SIGKILLed three times mid-run and restarted. Every
// execution must complete with the output an uninterrupted (local) run gives.
const CLI = fileURLToPath(new URL('../../bin/cairn.js', import.meta.url));
const WORKFLOW = new URL('./crash/ten-tasks.yaml', import.meta.url);
const TASK_QUEUE = 'crash-test';
const EXECUTIONS = 20;
const KILLS = 3;

let server: DevServer;
let httpbin: FixtureServer;
let engine: ExpressionEngine;
let connection: Connection;
let worker: ChildProcess | undefined;

beforeAll(async () => {
  [server, httpbin, engine] = await Promise.all([startTemporalServer(), startHttpbinServer(), loadDefaultEngine()]);
  connection = await Connection.connect({ address: server.address });
});
afterAll(async () => {
  worker?.kill('SIGKILL');
  await connection?.close();
  await Promise.all([server?.stop(), httpbin?.close()]);
});

/** Starts `cairn worker` and resolves once it polls. */
function startWorker(): Promise<ChildProcess> {
  // The httpbin fixture listens on loopback, which a worker's egress policy closes unless allowed.
  const child = spawn(process.execPath, [CLI, 'worker', '--temporal', server.address, '--task-queue', TASK_QUEUE, '--egress-allow', 'loopback'], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((ready, fail) => {
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('cairn worker: polling')) ready(child);
    });
    child.once('exit', (code) => fail(new Error(`worker exited with ${code}: ${stderr}`)));
  });
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGKILL');
  });
}

async function openCount(handles: WorkflowHandle[]): Promise<number> {
  const statuses = await Promise.all(handles.map(async (handle) => (await handle.describe()).status.name));
  return statuses.filter((status) => status === 'RUNNING').length;
}

describe('worker crashes', () => {
  it(`${EXECUTIONS} executions survive ${KILLS} SIGKILLs of their worker with outputs identical to an uninterrupted run`, async () => {
    const document = loadWorkflow(readFileSync(WORKFLOW, 'utf8'), 'ten-tasks.yaml', { engine }) as WorkflowDocument;
    const inputs: Json[] = Array.from({ length: EXECUTIONS }, (_, id) => ({ id, base: httpbin.url }));
    const expected = await Promise.all(inputs.map(async (input) => (await runLocal(document, input, { engine })).output));

    const client = new Client({ connection });
    const handles = await Promise.all(
      inputs.map((input, id) => startExecution(client, document, input, { executionId: `crash-${id}`, taskQueue: TASK_QUEUE })),
    );
    const runningAtKill: number[] = [];
    worker = await startWorker();
    for (let round = 0; round < KILLS; round++) {
      await new Promise((done) => setTimeout(done, 1_500));
      runningAtKill.push(await openCount(handles));
      await kill(worker);
      worker = await startWorker();
    }
    const outcomes = await Promise.all(handles.map((handle) => outcomeOf(handle)));

    expect(runningAtKill.every((count) => count > 0)).toBe(true);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(inputs.map(() => 'completed'));
    expect(outcomes.map((outcome) => outcome.output)).toEqual(expected);
  }, 300_000);
});
