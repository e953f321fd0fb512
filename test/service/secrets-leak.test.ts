import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthServer, type AuthServer } from '../fixtures/auth-server.ts';
import { freePort } from '../support/free-port.ts';

// Issue #3's leak check through the service: `cairn serve --secret` (the embedded engine) runs a
// workflow 10 times that uses the secret in a shell environment, inside a computed string and as a
// bearer token; the secret then appears 0 times in the service's log output, in its store (the
// SQLite files, where the events live), in the execution records and error bodies it serves, and
// in the spans and metrics it exports (OTLP to a loopback collector that keeps the raw protobuf
// bodies); nor does the value of the OTLP exporter's own header (OTEL_EXPORTER_OTLP_HEADERS).
const SECRET = 'tok-7e2a90c4d1b35f68';
const OTLP_HEADER_SECRET = 'otlp-hdr-3c51e8b07a';
const API_TOKEN = 'secrets-leak-token';
const RUNS = 10;

const PROBE = `
document: { dsl: '1.0.3', namespace: leak, name: probe, version: '1.0.0' }
use:
  secrets: [ apiToken ]
do:
  - useInShell:
      run:
        shell:
          command: 'test "$COMPUTED" != "Key $TOKEN" || echo "token has \${#TOKEN} characters"'
          environment:
            TOKEN: \${ $secrets.apiToken }
            COMPUTED: \${ "Key " + $secrets.apiToken }
  - rejected:
      call: http
      with:
        method: get
        endpoint:
          uri: \${ $workflow.input.server + "/echo-authorization" }
          authentication:
            bearer:
              token: \${ $secrets.apiToken }
`;

let auth: AuthServer;
let service: ChildProcess;
let port: number;
let dataDir: string;
let logs = '';
let collector: Server;
const exported: Buffer[] = [];
const exportedPaths: string[] = [];
const exportedHeaders: string[] = [];

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { authorization: `Bearer ${API_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  logs += text;
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

beforeAll(async () => {
  auth = await startAuthServer({ clientId: 'c', clientSecret: 's', username: 'u', password: 'p', refreshToken: 'r' });
  dataDir = mkdtempSync(join(tmpdir(), 'cairn-leak-'));
  collector = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      exported.push(Buffer.concat(chunks));
      exportedPaths.push(request.url ?? '');
      exportedHeaders.push(String(request.headers['x-collector-key']));
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((done) => collector.listen(0, '127.0.0.1', done));
  const otlp = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  port = await freePort();
  service = spawn(
    process.execPath,
    // The auth fixture listens on loopback, which the service's egress policy closes unless allowed.
    ['bin/cairn.js', 'serve', '--secret', 'apiToken=env:LEAK_PROBE_TOKEN', '--allow-processes', '--egress-allow', 'loopback', '--data', dataDir, '--port', String(port)],
    { cwd: join(import.meta.dirname, '../..'), env: { ...process.env, CAIRN_API_TOKENS: API_TOKEN, LEAK_PROBE_TOKEN: SECRET, OTEL_EXPORTER_OTLP_ENDPOINT: otlp, OTEL_EXPORTER_OTLP_HEADERS: `x-collector-key=${OTLP_HEADER_SECRET}`, OTEL_BSP_SCHEDULE_DELAY: '200', OTEL_METRIC_EXPORT_INTERVAL: '500' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  service.stdout!.on('data', (chunk: Buffer) => (logs += chunk.toString()));
  await new Promise<void>((listening, failed) => {
    service.stderr!.on('data', (chunk: Buffer) => {
      logs += chunk.toString();
      if (logs.includes('listening on')) listening();
    });
    service.once('exit', (code) => failed(new Error(`cairn serve exited with ${code}: ${logs}`)));
  });
}, 60_000);

afterAll(async () => {
  if (service && service.exitCode === null) {
    const exited = new Promise((done) => service.once('exit', done));
    service.kill('SIGTERM');
    await exited;
  }
  await auth?.close();
  collector?.close();
});

interface Snapshot {
  execution: { id: string; status: string; error?: { status?: number; response?: { content?: { rejected?: string } } } };
  tasks: Array<{ ref: string; output?: unknown }>;
}

describe('secrets through the service', () => {
  it(`a secret used in ${RUNS} runs appears 0 times in the service's logs, store, records and error bodies`, async () => {
    const ids: string[] = [];
    for (let run = 0; run < RUNS; run += 1) ids.push((await api<{ id: string }>('POST', '/v1/executions', { document: PROBE, input: { server: auth.url } })).id);
    const snapshots: Snapshot[] = [];
    for (const id of ids) {
      let snapshot: Snapshot | undefined;
      for (let attempt = 0; attempt < 300; attempt++) {
        snapshot = await api<Snapshot>('GET', `/v1/executions/${id}`);
        if (snapshot.execution.status === 'faulted') break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      snapshots.push(snapshot!);
    }
    // The secret was really used: the shell saw it (whole and computed), the server echoed it back.
    for (const snapshot of snapshots) {
      expect(snapshot.execution).toMatchObject({ status: 'faulted', error: { status: 403, response: { content: { rejected: 'Bearer [redacted]' } } } });
      expect(snapshot.tasks.find((task) => task.ref === '/do/0/useInShell')?.output).toBe(`token has ${SECRET.length} characters`);
    }
    await api('GET', '/v1/executions?limit=50');

    const exited = new Promise((done) => service.once('exit', done));
    service.kill('SIGTERM');
    await exited;
    const stored = readdirSync(dataDir)
      .filter((name) => name.startsWith('cairn.db'))
      .map((name) => readFileSync(join(dataDir, name)).toString('latin1'))
      .join('\n');
    expect(stored).toContain('io.serverlessworkflow.task.faulted.v1');
    expect(stored.split(SECRET)).toHaveLength(1);
    expect(logs.split(SECRET)).toHaveLength(1);
    // Its stderr is not a terminal, as under a supervisor that keeps it: no sign-in link with the API token either.
    expect(logs).toContain('cairn serve: dashboard');
    expect(logs.split(API_TOKEN)).toHaveLength(1);
    // Structured log lines name the execution and its trace.
    const ended = [...logs.matchAll(/\{"level":\d+[^\n]*?"msg":"execution ended"\}/g)].map(([line]) => JSON.parse(line) as { executionId: string; traceId: string; status: string });
    expect(ended.map((line) => line.executionId).sort()).toEqual([...ids].sort());
    for (const line of ended) expect(line).toMatchObject({ status: 'faulted', traceId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    const spans = Buffer.concat(exported).toString('latin1');
    expect(spans).toContain('workflow leak/probe');
    expect(spans).toContain('call rejected');
    expect(spans.split(SECRET)).toHaveLength(1);
    // Metrics went out too (the last export at shutdown at least), and the header reached the collector, only as a header.
    expect(exportedPaths).toContain('/v1/metrics');
    expect(exportedHeaders.every((value) => value === OTLP_HEADER_SECRET)).toBe(true);
    expect(spans.split(OTLP_HEADER_SECRET)).toHaveLength(1);
    expect(logs.split(OTLP_HEADER_SECRET)).toHaveLength(1);
    expect(JSON.stringify(snapshots).split(SECRET)).toHaveLength(1);
  }, 120_000);
});
