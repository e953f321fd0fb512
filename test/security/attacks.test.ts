import { spawn } from 'node:child_process';
import { statSync, readdirSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startBystander } from './bystander.ts';
import { startServeProcess, type ServeProcess } from '../support/serve-process.ts';

/**
 * Attacks by a client holding an API token against a real `cairn serve` on loopback. Each attack is
 * refused or bounded with its typed error while a bystander (/healthz and an unrelated execution's
 * SSE stream) keeps getting answers (p99 < 250 ms).
 */
let service: ServeProcess;
let bigServer: Server;
let deniedServer: Server;
let bigPort = 0;
let deniedPort = 0;
const deniedHits: string[] = [];
const BIG_BYTES = 200 * 1024 * 1024;

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

beforeAll(async () => {
  // Streams 200 MB of JSON-ish text without ever holding it.
  bigServer = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' });
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    let sent = 0;
    const pump = () => {
      while (sent < BIG_BYTES) {
        sent += chunk.length;
        if (!response.write(chunk)) return void response.once('drain', pump);
      }
      response.end();
    };
    response.on('close', () => (sent = BIG_BYTES));
    pump();
  });
  deniedServer = createServer((request, response) => {
    deniedHits.push(request.url ?? '');
    response.end('internal secret');
  });
  [bigPort, deniedPort] = await Promise.all([listen(bigServer), listen(deniedServer)]);
  process.env.CAIRN_SECURITY_TEST_SECRET = 'operator-secret-value';
  service = await startServeProcess({
    args: ['--egress-allow', `127.0.0.1:${bigPort}`, '--max-response-bytes', String(8 * 1024 * 1024), '--secret', 'apiKey=env:CAIRN_SECURITY_TEST_SECRET'],
  });
}, 90_000);

afterAll(async () => {
  await service?.stop();
  bigServer?.closeAllConnections();
  bigServer?.close();
  deniedServer?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const auth = () => ({ authorization: `Bearer ${service.token}` });

function workflow(name: string, body: string, use = ''): string {
  return `document:\n  dsl: '1.0.0'\n  namespace: attacks\n  name: ${name}\n  version: '1.0.0'\n${use}do:\n${body}`;
}

async function start(document: string, input: unknown = {}): Promise<Response> {
  return fetch(`${service.url}/v1/executions`, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: JSON.stringify({ document, input }) });
}

/** Starts a workflow and waits for its end; returns the execution record. */
async function runToEnd(document: string, input: unknown = {}): Promise<{ status: string; output?: unknown; error?: { type: string; status: number; detail?: string } }> {
  const started = await start(document, input);
  const body = (await started.json()) as { id: string };
  if (started.status !== 201) throw new Error(`start refused: ${JSON.stringify(body)}`);
  const { id } = body;
  for (let attempt = 0; attempt < 600; attempt++) {
    const { execution } = (await (await fetch(`${service.url}/v1/executions/${id}`, { headers: auth() })).json()) as { execution: { status: string } };
    if (!['pending', 'running'].includes(execution.status)) return execution as never;
    await sleep(100);
  }
  throw new Error(`execution ${id} did not end`);
}

/** Runs `attack` while a bystander measures the service; asserts the bystander was served throughout, p99 under the bound. */
async function underAttack<T>(attack: () => Promise<T>): Promise<T> {
  const bystander = await startBystander(service.url, service.token);
  const outcome = await attack().then((value) => ({ value }), (error: unknown) => ({ error }));
  const report = await bystander.stop();
  if ('error' in outcome) throw outcome.error;
  expect(report.failures).toEqual([]);
  expect(report.healthP99Ms).toBeLessThan(250);
  expect(report.streamP99Ms).toBeLessThan(250);
  return outcome.value;
}

describe('attacks on a real cairn serve', { timeout: 120_000 }, () => {
  it('catastrophic regex on 10,000 characters completes (linear-time matching)', async () => {
    const run = await underAttack(() => runToEnd(workflow('regex', `  - check:\n      set:\n        matched: '\${ .text | test("(a+)+$") }'\n`), { text: `${'a'.repeat(10_000)}b` }));
    expect(run).toMatchObject({ status: 'completed', output: { matched: false } });
  });

  it('a 200 MB response is cut at --max-response-bytes with a communication error, never buffered whole', async () => {
    const run = await underAttack(() => runToEnd(workflow('big', `  - fetch:\n      call: http\n      with:\n        method: get\n        endpoint: http://127.0.0.1:${bigPort}/big\n`)));
    expect(run.status).toBe('faulted');
    expect(run.error).toMatchObject({ type: 'https://serverlessworkflow.io/spec/1.0.0/errors/communication', status: 502 });
    expect(run.error?.detail).toContain('exceeds the limit of 8388608 bytes');
  });

  it('a 100,000-task document is refused with 413 CAIRN_ERR_DOCUMENT_TOO_LARGE on start and registration, never parsed on the event loop', async () => {
    const header = "document:\n  dsl: '1.0.0'\n  namespace: attacks\n  name: huge\n  version: '1.0.0'\ndo:\n";
    // Over the byte limit (refused before parsing), and compact enough to pass it (refused by the task count, in the loading thread).
    const spelledOut = header + Array.from({ length: 100_000 }, (_, index) => `  - t${index}:\n      set:\n        a: 1\n`).join('');
    const compact = header + '  - a: {}\n'.repeat(100_000);
    expect(compact.length).toBeLessThan(1024 * 1024);
    const post = (path: string, document: string) =>
      fetch(`${service.url}${path}`, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: JSON.stringify({ document }) });
    const [bytes, registerBytes, tasks] = await underAttack(async () => {
      const answers = [await post('/v1/executions', spelledOut), await post('/v1/workflows', spelledOut), await post('/v1/executions', compact)];
      return Promise.all(answers.map(async (response) => ({ status: response.status, body: (await response.json()) as { code: string; message: string } })));
    });
    for (const answer of [bytes, registerBytes]) {
      expect(answer).toMatchObject({ status: 413, body: { code: 'CAIRN_ERR_DOCUMENT_TOO_LARGE', message: expect.stringContaining('the limit is 1048576 (max-document-bytes)') } });
    }
    expect(tasks).toMatchObject({ status: 413, body: { code: 'CAIRN_ERR_DOCUMENT_TOO_LARGE', message: expect.stringContaining('declares more than 10000 tasks') } });
  });

  it('a deeply nested input is refused with 413 CAIRN_ERR_INPUT_TOO_LARGE', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const response = await underAttack(() =>
      fetch(`${service.url}/v1/executions`, {
        method: 'POST',
        headers: { ...auth(), 'content-type': 'application/json' },
        body: `{"document": ${JSON.stringify(workflow('deep', '  - noop:\n      set: {}\n'))}, "input": ${deep}}`,
      }),
    );
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ code: 'CAIRN_ERR_INPUT_TOO_LARGE', message: expect.stringContaining('nested more than 512 levels') });
  });

  it('file:// documents and protos are refused without revealing the API token or whether the file exists', async () => {
    const tokenUrl = `file://${join(service.dataDir, 'api-token')}`;
    const documents = [
      workflow('openapi-file', `  - op:\n      call: openapi\n      with:\n        document:\n          endpoint: ${tokenUrl}\n        operationId: anything\n`),
      workflow('grpc-file', `  - g:\n      call: grpc\n      with:\n        proto:\n          endpoint: ${tokenUrl}\n        service:\n          name: x.X\n          host: 127.0.0.1\n          port: 1\n        method: M\n`),
      workflow('asyncapi-file', `  - a:\n      call: asyncapi\n      with:\n        document:\n          endpoint: ${tokenUrl}\n        channel: news\n        message:\n          payload: {}\n`),
    ];
    const runs = await underAttack(() => Promise.all(documents.map((document) => runToEnd(document))));
    for (const run of runs) {
      expect(run.status).toBe('faulted');
      expect(run.error).toMatchObject({ status: 403, type: 'https://serverlessworkflow.io/spec/1.0.0/errors/authorization' });
      expect(run.error?.detail).toContain('reading local files is not allowed');
    }
    const everything = JSON.stringify(runs) + (await (await fetch(`${service.url}/v1/executions?limit=500`, { headers: auth() })).text());
    expect(everything).not.toContain(service.token);
  });

  it('SSRF to a loopback server the policy denies is refused on the resolved address, whatever the URL spelling', async () => {
    const spellings = [
      `http://127.0.0.1:${deniedPort}/a`,
      `http://2130706433:${deniedPort}/b`,
      `http://user:pass@127.0.0.1:${deniedPort}/c`,
      `http://[::ffff:127.0.0.1]:${deniedPort}/d`,
      `http://localhost:${deniedPort}/e`,
      `http://127.0.0.1:${service.port}/metrics`,
    ];
    const runs = await underAttack(async () => {
      const ended = [];
      for (const [index, endpoint] of spellings.entries()) {
        ended.push(await runToEnd(workflow(`ssrf-${index}`, `  - fetch:\n      call: http\n      with:\n        method: get\n        endpoint: '${endpoint}'\n`)));
      }
      return ended;
    });
    for (const run of runs) {
      expect(run.status).toBe('faulted');
      expect(run.error).toMatchObject({ status: 403, type: 'https://serverlessworkflow.io/spec/1.0.0/errors/communication' });
      expect(run.error?.detail).toContain('the egress policy does not allow connecting to');
    }
    expect(deniedHits).toEqual([]);
  });

  it('reading an undeclared $secrets entry is an authorization error (403); declared ones work', async () => {
    const [undeclared, declared] = await underAttack(() =>
      Promise.all([
        runToEnd(workflow('undeclared', `  - peek:\n      set:\n        key: '\${ $secrets.apiKey }'\n`)),
        runToEnd(workflow('declared', `  - peek:\n      set:\n        length: '\${ $secrets.apiKey | length }'\n`, 'use:\n  secrets: [apiKey]\n')),
      ]),
    );
    expect(undeclared.error).toMatchObject({ status: 403, type: 'https://serverlessworkflow.io/spec/1.0.0/errors/authorization' });
    expect(declared).toMatchObject({ status: 'completed', output: { length: 'operator-secret-value'.length } });
  });

  it('a foreign Origin or Host is refused on SSE and WebSocket; access_token works on stream routes only', async () => {
    await underAttack(async () => {
      const sse = await fetch(`${service.url}/v1/executions/stream`, { headers: { ...auth(), origin: 'http://evil.example' } });
      expect(sse.status).toBe(403);
      const own = await fetch(`${service.url}/v1/executions/stream`, { headers: { ...auth(), origin: service.url } });
      expect(own.status).toBe(200);
      await own.body?.cancel();
      const refused = await new Promise<string>((resolve) => {
        const socket = new WebSocket(`ws://127.0.0.1:${service.port}/v1/ws?access_token=${service.token}`, { origin: 'http://evil.example' });
        socket.on('open', () => resolve('open'));
        socket.on('unexpected-response', (_request, response) => resolve(String(response.statusCode)));
        socket.on('error', () => resolve('error'));
      });
      expect(refused).toBe('403');
      const rebound = await new Promise<number>((resolve) => {
        httpRequest({ host: '127.0.0.1', port: service.port, path: '/v1/executions', headers: { ...auth(), host: `rebound.evil.example:${service.port}` } }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        }).end();
      });
      expect(rebound).toBe(403);
      expect((await fetch(`${service.url}/v1/executions?access_token=${service.token}`)).status).toBe(401);
      const stream = await fetch(`${service.url}/v1/executions/stream?access_token=${service.token}`);
      expect(stream.status).toBe(200);
      await stream.body?.cancel();
    });
  });

  it('a second cairn serve on the same data directory refuses to start; the data directory is owner-only', async () => {
    const second = spawn(process.execPath, ['bin/cairn.js', 'serve', '--port', '0', '--data', service.dataDir], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    second.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await underAttack(() => new Promise<number | null>((resolve) => second.once('exit', resolve)));
    expect(code).not.toBe(0);
    expect(stderr).toContain(`the data directory ${service.dataDir} is in use by another cairn serve (pid ${service.process.pid})`);
    expect(statSync(service.dataDir).mode & 0o777).toBe(0o700);
    for (const file of readdirSync(service.dataDir)) expect({ file, mode: statSync(join(service.dataDir, file)).mode & 0o077 }).toEqual({ file, mode: 0 });
  });
});
