import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessControl } from '../../src/service/access.ts';
import { ExecutionService } from '../../src/service/gen/cairn/v1/execution_service_pb.ts';
import { completedRun } from '../store/events.ts';
import { auth, HELLO, startTestService, waitForEnd, type TestService } from './service-fixture.ts';

let service: TestService;
let baseUrl = '';

beforeAll(async () => {
  service = await startTestService();
  baseUrl = await service.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await service.close();
});

async function startExecution(): Promise<{ id: string; reportToken: string }> {
  const started = (await service.app.inject({ method: 'POST', url: '/v1/executions', headers: auth, payload: { document: HELLO } })).json();
  await waitForEnd(service.store, started.id);
  return started;
}

describe('forged reports', () => {
  it('a report token for execution A cannot write events for execution B (HTTP/JSON)', async () => {
    const a = await startExecution();
    const b = await startExecution();
    const before = await service.store.getExecution(b.id);
    const forged = completedRun(b.id).map((event) => ({ ...event, seq: event.seq + 100, id: `${event.id}-forged` }));
    const response = await service.app.inject({ method: 'POST', url: '/v1/progress', headers: { authorization: `Bearer ${a.reportToken}` }, payload: { events: forged } });
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('CAIRN_ERR_FORBIDDEN');
    // A batch mixing A's and B's events is refused as a whole.
    const mixed = [...completedRun(a.id).map((event) => ({ ...event, seq: event.seq + 100, id: `${event.id}-more` })), forged[0]];
    expect((await service.app.inject({ method: 'POST', url: '/v1/progress', headers: { authorization: `Bearer ${a.reportToken}` }, payload: { events: mixed } })).statusCode).toBe(403);
    expect(await service.store.getExecution(b.id)).toEqual(before);
    expect((await service.store.getExecution(a.id))?.maxSeq).toBeLessThan(100);
  });

  it('a report token for execution A cannot write events for execution B (gRPC), but writes A', async () => {
    const a = await startExecution();
    const b = await startExecution();
    const grpc = createClient(ExecutionService, createGrpcTransport({ baseUrl }));
    const headers = { authorization: `Bearer ${a.reportToken}` };
    const toProto = (id: string, offset: number) => completedRun(id).map((event) => ({ ...event, id: `${event.id}-x`, seq: BigInt(event.seq + offset) }));
    await expect(grpc.reportProgress({ events: toProto(b.id, 100) }, { headers })).rejects.toMatchObject({ code: 7 });
    const own = await grpc.reportProgress({ events: toProto(a.id, 100) }, { headers });
    expect(own.results[0]).toMatchObject({ executionId: a.id, inserted: 5 });
    expect((await service.store.getExecution(b.id))?.maxSeq).toBeLessThan(100);
    // A made-up token of the right shape is no better.
    await expect(grpc.reportProgress({ events: toProto(b.id, 200) }, { headers: { authorization: 'Bearer cairn-report.AAAA' } })).rejects.toMatchObject({ code: 7 });
  });

  it("a report token for execution A writes A's run: workflow children (A.child) and no one else's", async () => {
    const a = await startExecution();
    const b = await startExecution();
    const report = (token: string, events: unknown[]) =>
      service.app.inject({ method: 'POST', url: '/v1/progress', headers: { authorization: `Bearer ${token}` }, payload: { events } });
    const child = `${a.id}.child-1`;
    expect((await report(a.reportToken, completedRun(child))).statusCode).toBe(200);
    expect(await service.store.getExecution(child)).toMatchObject({ id: child, status: 'completed' });
    for (const other of [`${b.id}.child-1`, `${a.id}x.child-1`, `${a.id.slice(0, -1)}.child-1`]) {
      const refused = await report(a.reportToken, completedRun(other));
      expect(refused.statusCode).toBe(403);
      expect(await service.store.getExecution(other)).toBeUndefined();
    }
    // The child's own token does not reach back to its parent.
    expect((await report(new AccessControl({ apiTokens: [], reportSecret: 'test-report-secret' }).reportToken(child), completedRun(a.id).map((event) => ({ ...event, seq: event.seq + 100, id: `${event.id}-up` })))).statusCode).toBe(403);
  });

  it("a reporter cannot list its execution among another execution's children: a parent claim must be an ancestor in the id", async () => {
    const a = await startExecution();
    const b = await startExecution();
    const report = (token: string, events: unknown[]) =>
      service.app.inject({ method: 'POST', url: '/v1/progress', headers: { authorization: `Bearer ${token}` }, payload: { events } });
    const claiming = (id: string, parent: string) => {
      const [started, ...rest] = completedRun(id).map((event) => ({ ...event, seq: event.seq + 300, id: `${event.id}-claim` }));
      return [{ ...started!, data: { ...started!.data, parent: { executionId: parent, task: '/do/0/run' } } }, ...rest];
    };
    const forged = await report(a.reportToken, claiming(a.id, b.id));
    expect(forged.statusCode).toBe(403);
    expect(forged.json().message).toContain('cannot report');
    const children = await service.app.inject({ url: `/v1/executions?parent=${b.id}`, headers: auth });
    expect(children.json().items).toEqual([]);

    const child = `${a.id}.child-2`;
    expect((await report(a.reportToken, claiming(child, a.id))).statusCode).toBe(200);
    expect((await service.app.inject({ url: `/v1/executions?parent=${a.id}`, headers: auth })).json().items.map((item: { id: string }) => item.id)).toEqual([child]);
  });
});
