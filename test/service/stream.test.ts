import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { EVENT_TYPES } from '../../src/core/events.ts';
import { completedRun, progressEvent } from '../store/events.ts';
import { API_TOKEN, auth, startTestService, type TestService } from './service-fixture.ts';
import { readStream, seqs } from './sse-client.ts';

let service: TestService;
let base = '';

beforeAll(async () => {
  service = await startTestService({ heartbeatMs: 50 });
  base = await service.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await service.close();
});

function report(events: object[]) {
  return service.app.inject({ method: 'POST', url: '/v1/progress', headers: auth, payload: { events } });
}

/** Ten task-state events then the terminal pair: seq 1..12, workflow completed at 11. */
function longRun(id: string) {
  const events = [progressEvent(id, 1, EVENT_TYPES.workflowStarted)];
  for (let seq = 2; seq <= 10; seq++) events.push(progressEvent(id, seq, EVENT_TYPES.taskState, { subject: `/do/${seq}/t`, data: { output: seq } }));
  events.push(progressEvent(id, 11, EVENT_TYPES.workflowCompleted, { data: { output: { done: true } } }));
  events.push(progressEvent(id, 12, EVENT_TYPES.workflowStatusChanged, { data: { status: 'completed' } }));
  return events;
}

describe('SSE per execution', () => {
  it('sends the backlog, then live events under one sequence, then an explicit end', async () => {
    const events = longRun('sse-1');
    await report(events.slice(0, 5));
    const reading = readStream(`${base}/v1/executions/sse-1/events`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await report(events.slice(5, 9));
    await report(events.slice(9));
    const { messages, headers, ended } = await reading;
    expect(headers.get('content-type')).toContain('text/event-stream');
    expect(headers.get('x-accel-buffering')).toBe('no');
    expect(seqs(messages)).toEqual(events.map((event) => event.seq));
    expect(messages.filter((m) => m.event === 'message').map((m) => JSON.parse(m.data).id)).toEqual(events.map((event) => event.id));
    expect(messages[messages.length - 1]).toEqual({ event: 'end', data: JSON.stringify({ executionId: 'sse-1', status: 'completed' }) });
    expect(ended).toBe(true);
  });

  it('resumes after Last-Event-ID with neither a gap nor a duplicate', async () => {
    await report(longRun('sse-2'));
    const first = await readStream(`${base}/v1/executions/sse-2/events`, { stopWhen: (messages) => messages.length === 4 });
    expect(seqs(first.messages)).toEqual([1, 2, 3, 4]);
    const rest = await readStream(`${base}/v1/executions/sse-2/events`, { lastEventId: first.messages[3]!.id! });
    expect(seqs(rest.messages)).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('holds events back behind a sequence gap until it is filled', async () => {
    const events = longRun('sse-3');
    await report([...events.slice(0, 3), ...events.slice(5)]);
    const reading = readStream(`${base}/v1/executions/sse-3/events`);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await report(events.slice(3, 5));
    expect(seqs((await reading).messages)).toEqual(events.map((event) => event.seq));
  });

  it('sends heartbeats while nothing happens, and refuses clients without a token', async () => {
    await report([progressEvent('sse-4', 1, EVENT_TYPES.workflowStarted)]);
    const response = await fetch(`${base}/v1/executions/sse-4/events?access_token=${API_TOKEN}`);
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes(': heartbeat')) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(text).toContain('id: 1\n');
    expect((await fetch(`${base}/v1/executions/sse-4/events`)).status).toBe(401);
    expect((await fetch(`${base}/v1/executions/missing/events?access_token=${API_TOKEN}`)).status).toBe(404);
  });
});

describe('SSE for the executions list', () => {
  it('sends current records, then each change', async () => {
    await report(completedRun('list-1'));
    const reading = readStream(`${base}/v1/executions/stream?name=hello`, {
      stopWhen: (messages) => messages.some((m) => JSON.parse(m.data).id === 'list-2' && JSON.parse(m.data).status === 'completed'),
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await report(completedRun('list-2'));
    const { messages } = await reading;
    const records = messages.map((m) => JSON.parse(m.data) as { id: string; status: string });
    expect(records.find((record) => record.id === 'list-1')?.status).toBe('completed');
    expect(messages.map((m) => Number(m.id))).toEqual(messages.map((_, index) => index + 1));
  });
});

describe('WebSocket', () => {
  it('multiplexes execution subscriptions with resume points, and the list', async () => {
    await report(longRun('ws-1'));
    const socket = new WebSocket(`${base.replace('http', 'ws')}/v1/ws?access_token=${API_TOKEN}`);
    const received: Array<{ type: string; executionId?: string; event?: { seq: number }; status?: string; execution?: { id: string } }> = [];
    await new Promise((resolve) => socket.once('open', resolve));
    const done = new Promise<void>((resolve) =>
      socket.on('message', (data) => {
        received.push(JSON.parse(String(data)));
        const ends = received.filter((message) => message.type === 'end').length;
        if (ends === 2 && received.some((message) => message.type === 'execution')) resolve();
      }),
    );
    socket.send(JSON.stringify({ subscribe: 'executions' }));
    socket.send(JSON.stringify({ subscribe: 'ws-1', after: 8 }));
    socket.send(JSON.stringify({ subscribe: 'ws-2' }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await report(longRun('ws-2'));
    await done;
    socket.close();
    const seqsOf = (id: string) => received.filter((m) => m.type === 'event' && m.executionId === id).map((m) => m.event!.seq);
    expect(seqsOf('ws-1')).toEqual([9, 10, 11, 12]);
    expect(seqsOf('ws-2')).toEqual(longRun('ws-2').map((event) => event.seq));
    expect(received.filter((m) => m.type === 'end').map((m) => [m.executionId, m.status]).sort()).toEqual([
      ['ws-1', 'completed'],
      ['ws-2', 'completed'],
    ]);
    expect(received.some((m) => m.type === 'execution' && m.execution?.id === 'ws-2')).toBe(true);
  });

  it('refuses a connection without an API token', async () => {
    const socket = new WebSocket(`${base.replace('http', 'ws')}/v1/ws`);
    const status = await new Promise<number | undefined>((resolve) => socket.once('unexpected-response', (_request, response) => resolve(response.statusCode)));
    expect(status).toBe(401);
  });
});
