import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresAdminUrl } from '../store/postgres.ts';
import { auth, HELLO, metricSeries, startTestService, waitForEnd, type TestService } from './service-fixture.ts';
import { readStream, seqs } from './sse-client.ts';

const adminUrl = postgresAdminUrl();

describe.skipIf(!adminUrl)('the service on PostgreSQL', () => {
  let service: TestService;
  let drop = async () => {};
  let base = '';
  beforeAll(async () => {
    const database = await createTestDatabase(adminUrl!);
    drop = database.drop;
    service = await startTestService({ location: database.url });
    base = await service.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await service?.close();
    await drop();
  });

  it('runs an execution, serves its snapshot and streams its events, and times its writes on /metrics', async () => {
    const started = await service.app.inject({ method: 'POST', url: '/v1/executions', headers: auth, payload: { document: HELLO, input: { who: 'pg' } } });
    const { id } = started.json();
    const { messages } = await readStream(`${base}/v1/executions/${id}/events`);
    await waitForEnd(service.store, id);
    const { execution, tasks } = (await service.app.inject({ url: `/v1/executions/${id}`, headers: auth })).json();
    expect(execution).toMatchObject({ status: 'completed', output: { loud: 'HELLO PG' } });
    expect(tasks).toHaveLength(2);
    expect(seqs(messages)).toEqual(Array.from({ length: execution.lastSeq }, (_, index) => index + 1));
    expect(messages[messages.length - 1]?.event).toBe('end');
    expect((await service.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok', store: 'postgres' });
    const metrics = await metricSeries(service.app);
    expect(metrics('cairn_store_write_seconds_count')).toBeGreaterThan(0);
    expect(metrics('cairn_store_write_seconds_sum')).toBeGreaterThan(0);
    expect(metrics('cairn_executions_completed_total{workflow="test/hello"}')).toBe(1);
  });
});
