import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { ExpressionEngine } from '../../src/jq/engine.ts';
import type { Json, JsonObject } from '../../src/core/json.ts';
import { SecretStore } from '../../src/secrets/secret-store.ts';
import type { WorkflowDocument } from '../../src/core/model.ts';
import { loadDefaultEngine } from '../../src/jq/node/engine-choice.ts';
import type { ExecutionResult, RunOnHostOptions } from '../../src/hosts/index.ts';
import { EncryptionCodec } from '../../src/hosts/temporal/encryption-codec.ts';
import { runTemporal } from '../../src/hosts/temporal/run-temporal.ts';
import { runLocal } from '../../src/hosts/local/run-local.ts';
import { loadWorkflow } from '../../src/loader/load-workflow.ts';
import { connectWorker, createCairnWorker } from '../../src/hosts/temporal/worker.ts';
import { startGoldenFixtures, type GoldenFixtures } from '../golden/golden-fixtures.ts';
import { goldenWorkflowRegistry, listGoldens, runGolden, type GoldenReport } from '../golden/golden-runner.ts';
import { startTemporalServer, type DevServer } from '../support/temporal-server.ts';

// Every golden of test/golden, and the workflows of test/temporal/workflows, run on the local host
// and on a real Temporal dev server (one worker for all, with the fixtures' endpoint rewrites):
// both hosts must meet the golden's expectation and agree on status, output and error (and, for
// the temporal workflows, on the lifecycle events of every task).
const TASK_QUEUE = 'goldens';
/** Goldens with secrets need the encrypting codec, so the worker and the client share a key. */
const CODEC_KEY = EncryptionCodec.generateKey();

let server: DevServer;
let fixtures: GoldenFixtures;
let engine: ExpressionEngine;
let workerConnection: NativeConnection;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  [server, fixtures, engine] = await Promise.all([startTemporalServer(), startGoldenFixtures(), loadDefaultEngine()]);
  workerConnection = await connectWorker(server.address);
  worker = await createCairnWorker({
    connection: workerConnection,
    taskQueue: TASK_QUEUE,
    endpointRewrites: fixtures.endpointRewrites,
    codecKey: CODEC_KEY,
    secrets: new SecretStore(operatorSecrets()),
    // The goldens' run tasks ask for processes (run.yaml); the worker decides on Temporal.
    allowProcesses: true,
    // run: workflow finds sub-workflows in the worker's registry: every golden's workflows/ folder.
    workflows: await goldenWorkflowRegistry(engine),
  });
  running = worker.run();
});
afterAll(async () => {
  worker?.shutdown();
  await running;
  await workerConnection?.close();
  await Promise.all([server?.stop(), fixtures?.close()]);
});

/** The worker holds the operator's secrets (effects resolve references there): every golden's, merged. */
function operatorSecrets(): JsonObject {
  const paths = listGoldens().map((dir) => join(dir, 'secrets.yaml')).filter((path) => existsSync(path));
  return Object.assign({}, ...paths.map((path) => parseYaml(readFileSync(path, 'utf8')) as JsonObject));
}

function onTemporal(document: WorkflowDocument, input: Json, options: RunOnHostOptions): Promise<ExecutionResult> {
  return runTemporal(document, input, { ...options, temporal: { address: server.address, startWorker: false, taskQueue: TASK_QUEUE, codecKey: CODEC_KEY } });
}

describe('golden workflows on the temporal host agree with the local host', () => {
  for (const dir of listGoldens()) {
    const name = basename(dir);
    it(name, async () => {
      const options = { engine, endpointRewrites: fixtures.endpointRewrites, runTimeoutMs: 30_000 };
      const local = await runGolden('local', dir, options);
      const durable = await runGolden(onTemporal, dir, options);

      expect(durable.actual).toEqual(durable.expected);
      expect(comparable(durable)).toEqual(comparable(local));
    }, 60_000);
  }
});

describe('the temporal test workflows on both hosts, event by event', () => {
  const dir = new URL('./workflows/', import.meta.url);
  const files = readdirSync(dir).filter((name) => name.endsWith('.yaml')).sort();

  it.each(files)('%s: same result and the same lifecycle events per task on local and temporal', async (file) => {
    const document = loadWorkflow(readFileSync(new URL(file, dir), 'utf8'), file, { engine });
    const input: Json = { n: 12, items: [1, 2, 3] };
    const executionId = `both-${file.replace('.yaml', '')}`;
    const local = await runLocal(document, input, { executionId, engine, endpointRewrites: fixtures.endpointRewrites });
    const durable = await onTemporal(document, input, { executionId, endpointRewrites: fixtures.endpointRewrites });

    expect(summary(durable)).toEqual(summary(local));
    expect(taskEvents(durable)).toEqual(taskEvents(local));
    expect(durable.events.map((event) => event.seq)).toEqual(durable.events.map((_, index) => index + 1));
  }, 60_000);
});

describe('secrets on the temporal host', () => {
  it('reach the workflow but never Temporal history in clear (the payload codec encrypts them)', async () => {
    const dir = listGoldens().find((path) => basename(path) === 'args-secrets')!;
    const secret = (parseYaml(readFileSync(join(dir, 'secrets.yaml'), 'utf8')) as { apiKey: string }).apiKey;
    const report = await runGolden(onTemporal, dir, { engine, endpointRewrites: fixtures.endpointRewrites, runTimeoutMs: 30_000 });
    expect(report.result.status).toBe('completed');

    const connection = await Connection.connect({ address: server.address });
    try {
      const history = await new Client({ connection }).workflow.getHandle(report.result.executionId).fetchHistory();
      // Payload bytes as text, so a secret in any payload would show up here.
      const raw = payloadText(history);
      expect(raw).toContain('binary/cairn-aes-256-gcm');
      expect(raw).not.toContain(secret);
    } finally {
      await connection.close();
    }
  }, 60_000);

  it('strings computed from secrets are sealed in activity inputs: no secret value even in the decrypted history', async () => {
    const dir = listGoldens().find((path) => basename(path) === 'secrets-computed-strings')!;
    const secret = (parseYaml(readFileSync(join(dir, 'secrets.yaml'), 'utf8')) as { apiKey: string }).apiKey;
    const report = await runGolden(onTemporal, dir, { engine, endpointRewrites: fixtures.endpointRewrites, runTimeoutMs: 30_000 });
    expect(report.actual).toEqual(report.expected);

    const connection = await Connection.connect({ address: server.address });
    try {
      const history = await new Client({ connection }).workflow.getHandle(report.result.executionId).fetchHistory();
      const codec = new EncryptionCodec(CODEC_KEY);
      const activityInputs: string[] = [];
      for (const event of history.events ?? []) {
        const payloads = event.activityTaskScheduledEventAttributes?.input?.payloads;
        if (!payloads) continue;
        for (const payload of await codec.decode(payloads as Payload[])) activityInputs.push(Buffer.from(payload.data!).toString('utf8'));
      }
      expect(activityInputs.join('\n')).toContain('$secretText');
      expect(activityInputs.join('\n')).not.toContain(secret);
    } finally {
      await connection.close();
    }
  }, 60_000);
});

/** Every byte array in a history (payload data and metadata) as text, plus the rest as JSON. */
function payloadText(value: unknown): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('latin1');
  if (Array.isArray(value)) return value.map(payloadText).join('\n');
  if (typeof value === 'object' && value !== null) return Object.values(value).map(payloadText).join('\n');
  return String(value);
}

/** Status, output and error with the run's own execution id (part of `$workflow.id`) masked. */
function comparable(report: GoldenReport): Json {
  const { status, output, error, executionId } = report.result;
  return JSON.parse(JSON.stringify({ status, output, error }).split(executionId).join('<execution-id>'), (key, value) => (key === 'date' ? '<date>' : value));
}

/** Status, output, error; an HTTP `date` header is the only thing allowed to differ. */
function summary(result: ExecutionResult): Json {
  return JSON.parse(JSON.stringify({ status: result.status, output: result.output, error: result.error }), (key, value) => (key === 'date' ? '<date>' : value));
}

/** Which events each task instance produced, independent of how concurrent branches interleaved. */
function taskEvents(result: ExecutionResult): string[] {
  return result.events.map((event) => `${event.subject ?? ''} ${event.iteration ?? ''} ${event.attempt ?? ''} ${event.type}`).sort();
}
