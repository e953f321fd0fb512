import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, startTestService, type TestService } from './service-fixture.ts';

const large = JSON.stringify(Array.from({ length: 5_000 }, (_, index) => ({ index, name: `item ${index}` })));

function document(name: string, tasks: string): string {
  return `document: { dsl: '1.0.0', namespace: test, name: ${name}, version: '1.0.0' }\ndo:\n${tasks}`;
}

describe('retention (cairn serve --retention)', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService({ storeOptions: { inlineValueLimit: 1024 }, retention: { maxAgeMs: 1_000, sweepEveryMs: 200 } });
  });
  afterAll(async () => {
    await service.close();
  });

  async function start(text: string, input: unknown = {}): Promise<string> {
    const response = await service.app.inject({ method: 'POST', url: '/v1/executions', headers: auth, payload: { document: text, input } });
    expect(response.statusCode).toBe(201);
    return response.json().id as string;
  }
  const status = async (id: string) => {
    const response = await service.app.inject({ url: `/v1/executions/${id}`, headers: auth });
    return response.statusCode === 404 ? 'deleted' : (response.json().execution.status as string);
  };

  it('deletes an execution, its events and its stored values once it ended longer ago than the retention age; running ones stay', async () => {
    const waiting = await start(document('sleepy', '  - nap:\n      wait: { seconds: 30 }\n'));
    const done = await start(document('big', '  - keep:\n      set: ${ . }\n'), JSON.parse(large));
    await expect.poll(() => status(done), { timeout: 10_000 }).toBe('completed');
    expect(Number((await service.store.sql.all('SELECT COUNT(*) AS n FROM value_blobs'))[0]!.n)).toBe(1);

    await expect.poll(() => status(done), { timeout: 15_000, interval: 200 }).toBe('deleted');
    expect(await service.store.readEvents(done, 0, { throughSeq: 1_000 })).toEqual([]);
    await expect.poll(async () => Number((await service.store.sql.all('SELECT COUNT(*) AS n FROM value_blobs'))[0]!.n), { timeout: 5_000 }).toBe(0);
    expect(await status(waiting)).toBe('running');
    const listed = (await service.app.inject({ url: '/v1/executions', headers: auth })).json().items as Array<{ id: string }>;
    expect(listed.map((item) => item.id)).toEqual([waiting]);
  });
});
