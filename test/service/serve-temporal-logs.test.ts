import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.ts';
import { startTemporalServer, type DevServer } from '../support/temporal-server.ts';

// `cairn serve --temporal` with no worker on its task queue: what the Temporal engine says about an
// execution is one of the service's JSON records on stdout, as its own records are.
const API_TOKEN = 'serve-temporal-logs-token';

let server: DevServer;
let service: ChildProcess;
let port: number;
let stdout = '';
let stderr = '';

beforeAll(async () => {
  server = await startTemporalServer();
  port = await freePort();
  service = spawn(
    process.execPath,
    ['bin/cairn.js', 'serve', '--temporal', server.address, '--task-queue', 'serve-temporal-logs', '--data', mkdtempSync(join(tmpdir(), 'cairn-serve-logs-')), '--port', String(port)],
    { cwd: join(import.meta.dirname, '../..'), env: { ...process.env, CAIRN_API_TOKENS: API_TOKEN }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  service.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  await new Promise<void>((listening, failed) => {
    service.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('listening on')) listening();
    });
    service.once('exit', (code) => failed(new Error(`cairn serve exited with ${code}: ${stderr}`)));
  });
}, 120_000);

afterAll(async () => {
  if (service && service.exitCode === null) {
    const exited = new Promise((done) => service.once('exit', done));
    service.kill('SIGTERM');
    await exited;
  }
  await server?.stop();
});

interface LogRecord {
  level: number;
  msg: string;
  executionId?: string;
  err?: { message?: string };
}

describe('cairn serve --temporal logs', () => {
  it("writes Temporal's refusal of an execution as a JSON error record naming the execution, not a text line on stderr", async () => {
    // Temporal refuses payloads over its blob limit (2 MB on the dev server); the service accepts larger inputs.
    const response = await fetch(`http://127.0.0.1:${port}/v1/executions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ document: "document: { dsl: '1.0.0', namespace: logs, name: big, version: '1.0.0' }\ndo:\n  - one: { set: { a: 1 } }\n", input: { big: 'x'.repeat(3_000_000) } }),
    });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    const refusal = (): LogRecord | undefined =>
      stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as LogRecord)
        .find((record) => record.level === 50 && record.executionId === id);
    for (let waited = 0; !refusal() && waited < 15_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(refusal()).toMatchObject({ msg: `starting execution ${id} on Temporal failed`, err: { message: expect.stringContaining('Blob data size exceeds limit') } });
    expect(stderr).not.toContain('on Temporal failed');
  }, 60_000);
});
