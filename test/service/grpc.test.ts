import { createClient, type Client } from '@connectrpc/connect';
import { createConnectTransport, createGrpcTransport } from '@connectrpc/connect-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionService } from '../../src/service/gen/cairn/v1/execution_service_pb.ts';
import { completedRun } from '../store/events.ts';
import { API_TOKEN, HELLO, startTestService, type TestService } from './service-fixture.ts';

let service: TestService;
let grpc: Client<typeof ExecutionService>;
let connect: Client<typeof ExecutionService>;
const headers = { authorization: `Bearer ${API_TOKEN}` };

beforeAll(async () => {
  service = await startTestService();
  const baseUrl = await service.app.listen({ port: 0, host: '127.0.0.1' });
  // gRPC proper (HTTP/2 cleartext) and Connect's JSON over HTTP/1.1, on the same port.
  grpc = createClient(ExecutionService, createGrpcTransport({ baseUrl }));
  connect = createClient(ExecutionService, createConnectTransport({ baseUrl, httpVersion: '1.1' }));
});
afterAll(async () => {
  await service.close();
});

function protoEvents(executionId: string) {
  return completedRun(executionId).map((event) => ({ ...event, seq: BigInt(event.seq) }));
}

describe('the proto-defined API', () => {
  it('takes ReportProgress over gRPC, idempotently', async () => {
    const first = await grpc.reportProgress({ events: protoEvents('grpc-1') }, { headers });
    expect(first.results.map((result) => [result.executionId, result.inserted, result.duplicates, result.lastSeq, result.status])).toEqual([['grpc-1', 5, 0, 5n, 'completed']]);
    const again = await grpc.reportProgress({ events: protoEvents('grpc-1') }, { headers });
    expect(again.results[0]).toMatchObject({ inserted: 0, duplicates: 5 });
    const stored = await service.store.readEvents('grpc-1', 0);
    expect(stored).toEqual(completedRun('grpc-1'));
  });

  it('starts, watches to the end and reads a snapshot over gRPC, and lists over Connect JSON', async () => {
    const started = await grpc.startExecution({ document: HELLO, input: { kind: { case: 'structValue', value: { fields: {} } } } as never }, { headers });
    const id = started.execution!.id;
    const seen: number[] = [];
    for await (const event of grpc.watchExecution({ id }, { headers })) seen.push(Number(event.seq));
    expect(seen).toEqual(seen.map((_, index) => index + 1));
    const snapshot = await grpc.getExecution({ id }, { headers });
    expect(snapshot.execution?.status).toBe('completed');
    expect(snapshot.execution?.lastSeq).toBe(BigInt(seen.length));
    expect(snapshot.tasks.map((task) => task.ref)).toEqual(['/do/0/greet', '/do/1/shout']);
    const listed = await connect.listExecutions({ name: 'hello' }, { headers });
    expect(listed.items.map((item) => item.id)).toContain(id);
  });

  it('maps service errors to gRPC codes with their message', async () => {
    await expect(grpc.getExecution({ id: 'missing' }, { headers })).rejects.toMatchObject({ code: 5, rawMessage: 'execution missing does not exist' });
    await expect(grpc.listExecutions({})).rejects.toMatchObject({ code: 16 });
    const watching = async () => {
      for await (const _event of grpc.watchExecution({ id: 'missing' }, { headers })) return;
    };
    await expect(watching()).rejects.toMatchObject({ code: 5 });
  });

  it('cancels with a reason and lists run: workflow children with their parent link, like the HTTP API', async () => {
    const sleepy = "document: { dsl: '1.0.0', namespace: test, name: sleepy, version: '1.0.0' }\ndo:\n  - nap:\n      wait: { seconds: 30 }\n";
    const { execution: waiting } = await grpc.startExecution({ document: sleepy }, { headers });
    await expect(grpc.cancelExecution({ id: waiting!.id, reason: 'x'.repeat(501) }, { headers })).rejects.toMatchObject({ code: 3 });
    const cancelled = await grpc.cancelExecution({ id: waiting!.id, reason: 'wrong customer' }, { headers });
    expect(cancelled.execution?.cancelReason).toBe('wrong customer');
    await expect.poll(async () => (await grpc.getExecution({ id: waiting!.id }, { headers })).execution?.status, { timeout: 10_000 }).toBe('cancelled');
    expect((await connect.getExecution({ id: waiting!.id }, { headers })).execution?.cancelReason).toBe('wrong customer');

    await grpc.registerWorkflow({ document: HELLO }, { headers });
    const parentDocument = `document: { dsl: '1.0.0', namespace: test, name: grpc-parent, version: '1.0.0' }
do:
  - greetOne:
      run:
        workflow: { namespace: test, name: hello, version: '1.0.0', input: { who: ada } }
`;
    const { execution: parent } = await grpc.startExecution({ document: parentDocument }, { headers });
    await expect.poll(async () => (await grpc.getExecution({ id: parent!.id }, { headers })).execution?.status, { timeout: 10_000 }).toBe('completed');
    const children = await grpc.listExecutions({ parent: parent!.id }, { headers });
    expect(children.items.map((item) => [item.parentExecutionId, item.parentTask, item.status])).toEqual([[parent!.id, '/do/0/greetOne', 'completed']]);
    expect((await grpc.listExecutions({ parent: children.items[0]!.id }, { headers })).items).toEqual([]);
  });
});
