import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProgressReporter } from '../../src/service/progress-client.ts';
import { completedRun } from '../store/events.ts';
import { API_TOKEN, auth, HELLO, startTestService, waitForEnd, type TestService } from './service-fixture.ts';

let service: TestService;
let url = '';
beforeAll(async () => {
  service = await startTestService();
  url = await service.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await service.close();
});

describe('the ReportProgress client for remote runners', () => {
  it.each(['grpc', 'connect'] as const)('reports batches over %s, idempotently, with gaps to backfill', async (protocol) => {
    const report = createProgressReporter({ url, token: API_TOKEN, protocol });
    const run = completedRun(`client-${protocol}`);
    expect(await report([run[0]!, run[1]!, run[4]!])).toEqual([
      { executionId: `client-${protocol}`, inserted: 3, duplicates: 0, lastSeq: 2, maxSeq: 5, gaps: [{ from: 3, to: 4 }], status: 'completed' },
    ]);
    expect((await report(run))[0]).toMatchObject({ inserted: 2, duplicates: 3, lastSeq: 5, gaps: [] });
    expect(await service.store.readEvents(`client-${protocol}`, 0)).toEqual(run);
  });

  it('uses each execution’s report token, and fails loudly when a token does not fit', async () => {
    const started = (await service.app.inject({ method: 'POST', url: '/v1/executions', headers: auth, payload: { document: HELLO } })).json();
    await waitForEnd(service.store, started.id);
    const tokens = new Map([[started.id as string, started.reportToken as string]]);
    const report = createProgressReporter({ url, token: (id) => tokens.get(id) ?? started.reportToken });
    const late = completedRun(started.id).map((event) => ({ ...event, id: `${event.id}-late`, seq: event.seq + 1000 }));
    expect((await report(late))[0]).toMatchObject({ executionId: started.id, inserted: 5 });
    await expect(report(completedRun('someone-else'))).rejects.toMatchObject({ code: 7 });
    await expect(createProgressReporter({ url: 'http://127.0.0.1:1', token: API_TOKEN, timeoutMs: 2_000 })(completedRun('x'))).rejects.toMatchObject({ code: 14 });
  });
});
