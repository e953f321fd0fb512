import { PassThrough } from 'node:stream';
import { afterEach, expect, it } from 'vitest';
import { auth, failingFirstAppend, HELLO, startTestService, waitForEnd, type TestService } from './service-fixture.ts';

let service: TestService | undefined;
afterEach(async () => {
  await service?.close();
});

it('re-stores an embedded run’s events when a batch write failed on the way (fault-injected store)', async () => {
  const logs = new PassThrough();
  let logged = '';
  logs.on('data', (chunk: Buffer) => (logged += chunk.toString()));
  service = await startTestService({ wrapStore: failingFirstAppend, logStream: logs });
  const { id } = (await service.app.inject({ method: 'POST', url: '/v1/executions', headers: auth, payload: { document: HELLO, input: { who: 'x' } } })).json();
  await waitForEnd(service.store, id);
  const events = await service.store.readEvents(id, 0);
  expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
  expect(await service.store.getExecution(id)).toMatchObject({ status: 'completed', lastSeq: events.length, maxSeq: events.length });
  expect(events[0]?.type).toBe('io.cairn.runner.parsing.v1');
  // The failure's log line is structured like the execution's other lines: its ids are fields, not only words of the message.
  const failure = logged.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>).find((record) => record.level === 50);
  expect(failure).toMatchObject({ executionId: id, traceId: expect.stringMatching(/^[0-9a-f]{32}$/), err: { message: 'injected write failure' } });
});
