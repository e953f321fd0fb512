import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSse } from '../../src/cli/service-client.ts';
import { api, INSTANCE_TOKEN, startServeProcess, type ServeProcess } from '../support/serve-process.ts';
import { createTestDatabase, postgresAdminUrl } from '../store/postgres.ts';

const adminUrl = postgresAdminUrl();
const LEASE_SECONDS = 3;

const STEPS = `
document: { dsl: '1.0.0', namespace: test, name: steps, version: '1.0.0' }
do:
  - one:
      wait: { milliseconds: 300 }
  - two:
      set: { step: 2 }
  - three:
      wait: { milliseconds: 300 }
  - four:
      set: { done: true }
`;

const SLEEPY = `
document: { dsl: '1.0.0', namespace: test, name: sleepy, version: '1.0.0' }
do:
  - nap:
      wait: { milliseconds: 600 }
  - again:
      wait: { milliseconds: 600 }
  - woke:
      set: { woke: true }
`;

const LONG = `
document: { dsl: '1.0.0', namespace: test, name: long, version: '1.0.0' }
do:
  - nap:
      wait: { seconds: 120 }
`;

const LISTENING = `
document: { dsl: '1.0.0', namespace: test, name: listener, version: '1.0.0' }
do:
  - hear:
      listen:
        to:
          one:
            with: { type: com.example.cross }
`;

const EVERY = `
document: { dsl: '1.0.0', namespace: test, name: ticker, version: '1.0.0' }
schedule:
  every: { milliseconds: 500 }
do:
  - tick:
      set: { ticked: true }
`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function statusOn(instance: ServeProcess, id: string): Promise<string> {
  return (await api(instance.url, 'GET', `/v1/executions/${id}`)).json.execution.status;
}

function becomes(instance: ServeProcess, id: string, status: string, timeoutMs?: number): Promise<true> {
  return eventually(`${id} ${status}`, async () => ((await statusOn(instance, id)) === status ? true : undefined), timeoutMs);
}

/** Every SSE message of an execution from the start, until `end`. */
async function follow(instance: ServeProcess, id: string): Promise<{ seqs: number[]; end: string | undefined }> {
  const response = await fetch(`${instance.url}/v1/executions/${id}/events`, { headers: { authorization: `Bearer ${INSTANCE_TOKEN}` } });
  const seqs: number[] = [];
  for await (const message of readSse(response.body!)) {
    if (message.event === 'end') return { seqs, end: message.data };
    if (message.event === 'message') seqs.push(Number(message.id));
  }
  return { seqs, end: undefined };
}

async function start(instance: ServeProcess, document: string): Promise<string> {
  const started = await api(instance.url, 'POST', '/v1/executions', { document, input: {} });
  expect(started.status).toBe(201);
  return started.json.id as string;
}

describe.skipIf(!adminUrl)('several `cairn serve` instances on one PostgreSQL (embedded engine)', () => {
  let drop: (() => Promise<void>) | undefined;
  let a: ServeProcess;
  let b: ServeProcess;

  beforeAll(async () => {
    const database = await createTestDatabase(adminUrl!);
    drop = database.drop;
    const args = ['--database', database.url, '--lease', String(LEASE_SECONDS)];
    a = await startServeProcess({ args, sharedToken: true });
    b = await startServeProcess({ args, sharedToken: true });
  }, 120_000);

  afterAll(async () => {
    await a?.stop('SIGKILL');
    await b?.stop('SIGKILL');
    await drop?.();
  });

  it('streams an execution started on one instance live on the other, every event once, then `end`', { timeout: 60_000 }, async () => {
    const id = await start(a, STEPS);
    const [onB, onA] = await Promise.all([follow(b, id), follow(a, id)]);
    expect(onB.end).toBeDefined();
    expect(onB.seqs.length).toBeGreaterThan(8);
    expect(onB.seqs).toEqual(onB.seqs.map((_, index) => index + 1));
    expect(onB.seqs).toEqual(onA.seqs);
    expect(await statusOn(b, id)).toBe('completed');
  });

  it('delivers a CloudEvent accepted by one instance to a `listen` task running on the other', { timeout: 60_000 }, async () => {
    const id = await start(a, LISTENING);
    await becomes(b, id, 'running');
    await sleep(200);
    const accepted = await api(b.url, 'POST', '/v1/events', { specversion: '1.0', id: 'cross-1', source: 'test', type: 'com.example.cross', data: { n: 1 } });
    expect(accepted.status).toBe(202);
    await becomes(a, id, 'completed');
  });

  it('suspends, resumes and cancels through the instance that does not run the execution', { timeout: 60_000 }, async () => {
    const sleepy = await start(a, SLEEPY);
    await becomes(b, sleepy, 'running');
    expect((await api(b.url, 'POST', `/v1/executions/${sleepy}/suspend`)).status).toBe(200);
    await becomes(b, sleepy, 'suspended');
    expect((await api(b.url, 'POST', `/v1/executions/${sleepy}/resume`)).status).toBe(200);
    await becomes(b, sleepy, 'completed');

    const long = await start(a, LONG);
    await becomes(b, long, 'running');
    expect((await api(b.url, 'POST', `/v1/executions/${long}/cancel`)).status).toBe(200);
    await becomes(a, long, 'cancelled');
  });

  it('arms a schedule registered on one instance on the other, and starts each occasion once', { timeout: 60_000 }, async () => {
    const registeredAt = Date.now();
    expect((await api(a.url, 'POST', '/v1/workflows', { document: EVERY })).status).toBe(201);
    await eventually('the schedule armed on B', async () => ((await api(b.url, 'GET', '/v1/schedules')).json.items.length === 1 ? true : undefined), 5_000);
    await sleep(2_600);
    const listed = (await api(a.url, 'GET', '/v1/executions?namespace=test&name=ticker&limit=100')).json.items as Array<{ id: string; trigger: string }>;
    // Both instances fire every occasion (fire times are multiples of 500 ms since the epoch); each starts once.
    const occasions = Math.floor(Date.now() / 500) - Math.floor(registeredAt / 500);
    expect(listed.length).toBeGreaterThanOrEqual(2);
    expect(listed.length).toBeLessThanOrEqual(occasions);
    expect(new Set(listed.map((execution) => execution.id)).size).toBe(listed.length);
    expect((await api(a.url, 'POST', '/v1/workflows', { document: EVERY.replace("version: '1.0.0'", "version: '1.1.0'").replace(/^schedule:\n(?: {2}.*\n)+/m, '') })).status).toBe(201);
    await eventually('the schedule disarmed on B', async () => ((await api(b.url, 'GET', '/v1/schedules')).json.items.length === 0 ? true : undefined), 5_000);
  });

  it('after a SIGKILL of one instance, the other ends its executions as interrupted within the lease and keeps streaming', { timeout: 60_000 }, async () => {
    const orphan = await start(a, LONG);
    await becomes(b, orphan, 'running');
    const streamed = await start(b, STEPS);
    const following = follow(b, streamed);
    await a.stop('SIGKILL');
    const killedAt = Date.now();
    await becomes(b, orphan, 'faulted', 30_000);
    // A sweep runs three times per lease: the takeover lands within about 1⅓ leases (plus load).
    expect(Date.now() - killedAt).toBeLessThan(LEASE_SECONDS * 1000 * 4);
    expect((await api(b.url, 'GET', `/v1/executions/${orphan}`)).json.execution.error).toMatchObject({ title: 'Interrupted' });
    const { seqs, end } = await following;
    expect(end).toBeDefined();
    expect(seqs).toEqual(seqs.map((_, index) => index + 1));
  });
});
