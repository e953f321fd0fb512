import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { cairnWorkerOptions } from '../../src/api/temporal.ts';
import type { WorkflowDocument } from '../../src/core/model.ts';
import { operatorEffectPolicy } from '../../src/effects/operator-policy.ts';
import { runLocal } from '../../src/hosts/local/run-local.ts';
import { runTemporal } from '../../src/hosts/temporal/run-temporal.ts';
import { connectWorker } from '../../src/hosts/temporal/worker.ts';
import { startTemporalServer, type DevServer } from '../support/temporal-server.ts';

/**
 * The egress and local-file policy on the Temporal path: effects performed by the activities of a
 * real `cairn worker` (and of a worker built with the library's `cairnWorkerOptions`) are refused
 * with the same typed errors as on the embedded engine, and a denied server receives nothing.
 */
const CLI = fileURLToPath(new URL('../../bin/cairn.js', import.meta.url));
const CLI_QUEUE = 'policy-cli';
const LIBRARY_QUEUE = 'policy-library';
const FILE_SECRET = 'file-secret-4f1d9c27';

let server: DevServer;
let allowedServer: Server;
let deniedServer: Server;
let allowedPort = 0;
let deniedPort = 0;
const deniedHits: string[] = [];
let allowedDir = '';
let outsideDir = '';
let cliWorker: ChildProcess | undefined;
let libraryConnection: NativeConnection | undefined;
let libraryWorker: Worker | undefined;
let libraryRunning: Promise<void> | undefined;

function listen(http: Server): Promise<number> {
  return new Promise((resolve) => http.listen(0, '127.0.0.1', () => resolve((http.address() as { port: number }).port)));
}

/** Starts `cairn worker` with `args` and resolves once it polls. */
function startCliWorker(args: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CLI, 'worker', '--temporal', server.address, '--task-queue', CLI_QUEUE, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((ready, fail) => {
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('cairn worker: polling')) ready(child);
    });
    child.once('exit', (code) => fail(new Error(`worker exited with ${code}: ${stderr}`)));
  });
}

beforeAll(async () => {
  allowedServer = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ reached: 'allowed', padding: 'x'.repeat(100) }));
  });
  deniedServer = createServer((request, response) => {
    deniedHits.push(request.url ?? '');
    response.end('internal secret');
  });
  [server, allowedPort, deniedPort] = await Promise.all([startTemporalServer(), listen(allowedServer), listen(deniedServer)]);
  allowedDir = mkdtempSync(join(tmpdir(), 'cairn-policy-allowed-'));
  outsideDir = mkdtempSync(join(tmpdir(), 'cairn-policy-outside-'));
  const api = {
    openapi: '3.0.0',
    info: { title: 'allowed', version: '1' },
    servers: [{ url: `http://127.0.0.1:${allowedPort}` }],
    paths: { '/thing': { get: { operationId: 'getThing', responses: { '200': { description: 'ok' } } } } },
  };
  writeFileSync(join(allowedDir, 'api.json'), JSON.stringify(api));
  writeFileSync(join(outsideDir, 'secret.txt'), `${FILE_SECRET}\n`);
  const policyArgs = ['--egress-allow', `127.0.0.1:${allowedPort}`, '--allow-files', allowedDir];
  libraryConnection = await connectWorker(server.address);
  [cliWorker, libraryWorker] = await Promise.all([
    startCliWorker(policyArgs),
    cairnWorkerOptions({ effectPolicy: { egressAllow: [`127.0.0.1:${allowedPort}`], allowFiles: [allowedDir] } }).then((parts) =>
      Worker.create({ connection: libraryConnection!, taskQueue: LIBRARY_QUEUE, ...parts }),
    ),
  ]);
  libraryRunning = libraryWorker.run();
}, 240_000);

afterAll(async () => {
  if (cliWorker && cliWorker.exitCode === null) await new Promise((exited) => cliWorker!.once('exit', exited).kill('SIGTERM'));
  libraryWorker?.shutdown();
  await libraryRunning;
  await libraryConnection?.close();
  allowedServer?.close();
  deniedServer?.close();
  await server?.stop();
});

function workflow(name: string, tasks: string): WorkflowDocument {
  return parseYaml(`document: { dsl: '1.0.0', namespace: policy, name: ${name}, version: '1.0.0' }\ndo:\n${tasks}`) as WorkflowDocument;
}

const httpGet = (name: string, endpoint: string) => workflow(name, `  - fetch:\n      call: http\n      with:\n        method: get\n        endpoint: '${endpoint}'\n`);

function onWorker(document: WorkflowDocument, taskQueue: string) {
  return runTemporal(document, {}, { temporal: { address: server.address, startWorker: false, taskQueue } });
}

const COMMUNICATION = 'https://serverlessworkflow.io/spec/1.0.0/errors/communication';
const AUTHORIZATION = 'https://serverlessworkflow.io/spec/1.0.0/errors/authorization';

describe.each([
  ['cairn worker', CLI_QUEUE],
  ['a Worker with cairnWorkerOptions({ effectPolicy })', LIBRARY_QUEUE],
])('the effect policy on %s', (_name, taskQueue) => {
  it('refuses denied addresses (every spelling) with the embedded engine\'s typed error; the denied server receives nothing', { timeout: 120_000 }, async () => {
    const embedded = operatorEffectPolicy({ egressAllow: [`127.0.0.1:${allowedPort}`] });
    const spellings = [
      `http://127.0.0.1:${deniedPort}/a`,
      `http://localhost:${deniedPort}/b`,
      `http://2130706433:${deniedPort}/c`,
      `http://user:pass@127.0.0.1:${deniedPort}/d`,
      `http://[::ffff:127.0.0.1]:${deniedPort}/e`,
      `http://${server.address}/`,
    ];
    for (const [index, endpoint] of spellings.entries()) {
      const document = httpGet(`denied-${index}`, endpoint);
      const [temporal, local] = await Promise.all([onWorker(document, taskQueue), runLocal(document, {}, { effectPolicy: embedded })]);
      expect(temporal.status).toBe('faulted');
      expect(temporal.error).toMatchObject({ type: COMMUNICATION, status: 403, detail: expect.stringContaining('the egress policy does not allow connecting to') });
      expect(local.status).toBe('faulted');
      expect({ endpoint, error: temporal.error }).toEqual({ endpoint, error: local.error });
    }
    expect(deniedHits).toEqual([]);
  });

  it('lets allowed addresses through', { timeout: 60_000 }, async () => {
    const run = await onWorker(httpGet('allowed', `http://127.0.0.1:${allowedPort}/thing`), taskQueue);
    expect(run).toMatchObject({ status: 'completed', output: { reached: 'allowed' } });
  });

  it('refuses file:// protos and documents outside --allow-files without echoing their content; reads those inside', { timeout: 60_000 }, async () => {
    const secretUrl = `file://${join(outsideDir, 'secret.txt')}`;
    const refused = await Promise.all([
      onWorker(workflow('proto-file', `  - g:\n      call: grpc\n      with:\n        proto:\n          endpoint: ${secretUrl}\n        service:\n          name: x.X\n          host: 127.0.0.1\n          port: ${allowedPort}\n        method: M\n`), taskQueue),
      onWorker(workflow('openapi-file', `  - op:\n      call: openapi\n      with:\n        document:\n          endpoint: ${secretUrl}\n        operationId: anything\n`), taskQueue),
      onWorker(workflow('missing-file', `  - op:\n      call: openapi\n      with:\n        document:\n          endpoint: file://${join(outsideDir, 'missing.json')}\n        operationId: anything\n`), taskQueue),
    ]);
    for (const run of refused) {
      expect(run.status).toBe('faulted');
      expect(run.error).toMatchObject({ type: AUTHORIZATION, status: 403, detail: expect.stringContaining('reading local files is not allowed here') });
    }
    expect(JSON.stringify(refused)).not.toContain(FILE_SECRET);
    const inside = await onWorker(workflow('openapi-inside', `  - op:\n      call: openapi\n      with:\n        document:\n          endpoint: file://${join(allowedDir, 'api.json')}\n        operationId: getThing\n`), taskQueue);
    expect(inside).toMatchObject({ status: 'completed', output: { reached: 'allowed' } });
  });
});

describe('cairn run --host temporal', () => {
  it('applies its run\'s response-size cap on its own worker, and stays open to loopback like cairn run', { timeout: 120_000 }, async () => {
    const run = await runTemporal(httpGet('capped', `http://127.0.0.1:${allowedPort}/capped`), {}, { effectPolicy: { maxResponseBytes: 10 }, temporal: { address: server.address } });
    expect(run.status).toBe('faulted');
    expect(run.error).toMatchObject({ type: COMMUNICATION, status: 502, detail: expect.stringContaining('exceeds the limit of 10 bytes') });
  });
});
