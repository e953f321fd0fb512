import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../src/core/events.ts';
import { auth, startTestService, waitForEnd, type TestService } from './service-fixture.ts';

const LIMIT = 2048;

/** Passes its input through three tasks unchanged, so every task's input and output is the same value. */
const PASS_THROUGH = `
document: { dsl: '1.0.0', namespace: test, name: pass-through, version: '1.0.0' }
do:
  - first:
      set: { items: '\${ .items }' }
  - second:
      set: { items: '\${ .items }' }
  - third:
      set: { items: '\${ .items }' }
`;

const large = { items: Array.from({ length: 400 }, (_, index) => `value number ${index}`) };
const small = { items: ['a', 'b'] };

let service: TestService;
beforeAll(async () => {
  service = await startTestService({ storeOptions: { inlineValueLimit: LIMIT } });
});
afterAll(async () => {
  await service.close();
});

async function start(input: object): Promise<{ id: string; reportToken: string }> {
  const started = await service.app.inject({ method: 'POST', url: '/v1/executions', headers: auth, payload: { document: PASS_THROUGH, input } });
  expect(started.statusCode).toBe(201);
  const { id, reportToken } = started.json();
  await waitForEnd(service.store, id);
  return { id, reportToken };
}

const run = async (input: object) => (await start(input)).id;

const blobCount = async () => Number((await service.store.sql.all('SELECT COUNT(*) AS n FROM value_blobs'))[0]!.n);

describe('values above the inline value limit', () => {
  it('are stored once; snapshot and events carry references that the values route resolves', async () => {
    const before = await blobCount();
    const id = await run(large);
    expect(await blobCount()).toBe(before + 1);

    const snapshot = (await service.app.inject({ url: `/v1/executions/${id}`, headers: auth })).json();
    const uri = `/v1/executions/${id}/values/${snapshot.execution.inputUri.split('/').pop()}`;
    expect(snapshot.execution).toMatchObject({ status: 'completed', inputUri: uri, outputUri: uri });
    expect(snapshot.execution).not.toHaveProperty('input');
    expect(snapshot.execution).not.toHaveProperty('output');
    expect(snapshot.tasks.map((task: { outputUri?: string }) => task.outputUri)).toEqual([uri, uri, uri]);

    const states = (await service.store.readEvents(id, 0)).filter((event) => event.type === EVENT_TYPES.taskState);
    expect(states.map((event) => event.data)).toEqual(states.map((event) => ({ workflow: event.data.workflow, task: event.data.task, inputUri: uri, outputUri: uri })));

    const value = await service.app.inject({ url: uri, headers: auth });
    expect(value.statusCode).toBe(200);
    expect(value.headers['content-type']).toMatch(/^application\/json/);
    expect(value.json()).toEqual(large);
  });

  it('are readable only through an execution that holds them, and only with an API token', async () => {
    const { id: holder, reportToken } = await start(large);
    const other = await run(small);
    const hash = (await service.store.getExecution(holder))!.outputUri!.split('/').pop()!;

    const foreign = await service.app.inject({ url: `/v1/executions/${other}/values/${hash}`, headers: auth });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toMatchObject({ code: 'CAIRN_ERR_NOT_FOUND' });

    // Even the execution's own report token only reports.
    const asReporter = await service.app.inject({ url: `/v1/executions/${holder}/values/${hash}`, headers: { authorization: `Bearer ${reportToken}` } });
    expect(asReporter.statusCode).toBe(403);
    expect((await service.app.inject({ url: `/v1/executions/${holder}/values/${hash}` })).statusCode).toBe(401);
    expect((await service.app.inject({ url: `/v1/executions/${holder}/values/not-a-hash`, headers: auth })).statusCode).toBe(400);
  });

  it('stay inline up to the limit', async () => {
    const before = await blobCount();
    const id = await run(small);
    expect(await blobCount()).toBe(before);
    const snapshot = (await service.app.inject({ url: `/v1/executions/${id}`, headers: auth })).json();
    expect(snapshot.execution).toMatchObject({ input: small, output: small });
    expect(snapshot.tasks[0]).toMatchObject({ output: small });
    expect(snapshot.tasks[0]).not.toHaveProperty('outputUri');
  });
});
