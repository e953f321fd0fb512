import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startServeProcess, type ServeProcess } from '../support/serve-process.ts';
import { startTemporalServer, type DevServer } from '../support/temporal-server.ts';

// `cairn serve --temporal` with no worker on its task queue: what the Temporal engine says about an
// execution is one of the service's JSON records on stdout, as its own records are.
let server: DevServer;
let service: ServeProcess;

beforeAll(async () => {
  server = await startTemporalServer();
  service = await startServeProcess({ args: ['--temporal', server.address, '--task-queue', 'serve-temporal-logs'], sharedToken: true });
}, 120_000);

afterAll(async () => {
  await service?.stop();
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
    const started = await api(service.url, 'POST', '/v1/executions', {
      document: "document: { dsl: '1.0.0', namespace: logs, name: big, version: '1.0.0' }\ndo:\n  - one: { set: { a: 1 } }\n",
      input: { big: 'x'.repeat(3_000_000) },
    });
    expect(started.status).toBe(201);
    const id = started.json.id as string;
    const refusal = (): LogRecord | undefined =>
      service
        .records()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as LogRecord)
        .find((record) => record.level === 50 && record.executionId === id);
    for (let waited = 0; !refusal() && waited < 15_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(refusal()).toMatchObject({ msg: `starting execution ${id} on Temporal failed`, err: { message: expect.stringContaining('Blob data size exceeds limit') } });
    expect(service.log()).not.toContain('on Temporal failed');
  }, 60_000);
});
