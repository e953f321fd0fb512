import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../src/core/events.ts';
import { completedRun, progressEvent } from '../store/events.ts';
import { auth, HELLO, SERVICE_URL, startTestService, waitForEnd, type TestService } from './service-fixture.ts';

const WAITING = `
document: { dsl: '1.0.0', namespace: test, name: sleepy, version: '1.0.0' }
do:
  - nap:
      wait: { seconds: 30 }
  - after:
      set: { woke: true }
`;

const LISTENING = `
document: { dsl: '1.0.0', namespace: test, name: listener, version: '1.0.0' }
do:
  - hear:
      listen:
        to:
          one:
            with: { type: com.example.ping }
`;

let service: TestService;
beforeEach(async () => {
  service = await startTestService();
});
afterEach(async () => {
  await service.close();
});

async function start(payload: object) {
  return service.app.inject({ method: 'POST', url: '/v1/executions', headers: auth, payload });
}

async function waitForStatus(id: string, status: string) {
  for (let attempt = 0; attempt < 300; attempt++) {
    if ((await service.store.getExecution(id))?.status === status) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`execution ${id} never became ${status}`);
}

describe('executions', () => {
  it('starts an inline document and serves its snapshot: status, output, per-task state, last seq', async () => {
    const started = await start({ document: HELLO, input: { who: 'ada' } });
    expect(started.statusCode).toBe(201);
    const { id, status, reportToken } = started.json();
    expect(status).toBe('pending');
    expect(reportToken).toMatch(/^cairn-report\./);
    await waitForEnd(service.store, id);
    const snapshot = await service.app.inject({ url: `/v1/executions/${id}`, headers: auth });
    expect(snapshot.statusCode).toBe(200);
    const { execution, tasks } = snapshot.json();
    expect(execution).toMatchObject({ id, status: 'completed', output: { loud: 'HELLO ADA' }, input: { who: 'ada' }, workflow: { namespace: 'test', name: 'hello', version: '1.0.0' } });
    expect(execution.lastSeq).toBe((await service.store.readEvents(id, 0)).length);
    expect(tasks.map((task: { ref: string; status: string; attempts: number }) => [task.ref, task.status, task.attempts])).toEqual([
      ['/do/0/greet', 'completed', 1],
      ['/do/1/shout', 'completed', 1],
    ]);
    expect(tasks[0]).toMatchObject({ output: { greeting: 'hello ada' }, startedAt: expect.any(String), endedAt: expect.any(String) });
    const document = await service.app.inject({ url: `/v1/executions/${id}/document`, headers: auth });
    expect(document.json().document).toBe(HELLO);
  });

  it("reports main's outputUri for a document opting into main: the execution URL, whose snapshot holds the output", async () => {
    const { id } = (await start({ document: HELLO.replace("dsl: '1.0.0'", "dsl: '1.1.0'"), input: { who: 'ada' } })).json();
    await waitForEnd(service.store, id);
    const completed = (await service.store.readEvents(id, 0)).find((event) => event.type === EVENT_TYPES.workflowCompleted)!;
    const outputUri = completed.data['outputUri'] as string;
    expect(outputUri).toBe(`${SERVICE_URL}/v1/executions/${id}`);
    const snapshot = await service.app.inject({ url: outputUri.slice(SERVICE_URL.length), headers: auth });
    expect(snapshot.json().execution.output).toEqual({ loud: 'HELLO ADA' });
  });

  it('starts the latest registered version by name, or the version asked for', async () => {
    for (const version of ['1.0.0', '1.1.0']) {
      const registered = await service.app.inject({ method: 'POST', url: '/v1/workflows', headers: auth, payload: { document: HELLO.replace("version: '1.0.0'", `version: '${version}'`) } });
      expect(registered.statusCode).toBe(201);
    }
    const latest = await start({ workflow: { namespace: 'test', name: 'hello' }, input: { who: 'x' } });
    expect(latest.json().workflow.version).toBe('1.1.0');
    const pinned = await start({ workflow: { namespace: 'test', name: 'hello', version: '1.0.0' } });
    expect(pinned.json().workflow.version).toBe('1.0.0');
    const missing = await start({ workflow: { namespace: 'test', name: 'nope' } });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('CAIRN_ERR_NOT_FOUND');
    await Promise.all([waitForEnd(service.store, latest.json().id), waitForEnd(service.store, pinned.json().id)]);
  });

  it('rejects an invalid document with every issue located by line and column', async () => {
    const response = await start({ document: 'document:\n  dsl: "1.0.0"\n  name: broken\ndo: 7\n' });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.code).toBe('CAIRN_ERR_INVALID_WORKFLOW');
    expect(body.details.length).toBeGreaterThan(0);
    expect(body.details[0]).toMatchObject({ file: 'workflow.yaml', line: expect.any(Number), column: expect.any(Number) });
    expect((await service.app.inject({ method: 'POST', url: '/v1/executions', headers: auth, payload: {} })).statusCode).toBe(400);
  });

  it('cancels a running execution, and refuses to control one that ended', async () => {
    const { id } = (await start({ document: WAITING })).json();
    await waitForStatus(id, 'running');
    const cancel = await service.app.inject({ method: 'POST', url: `/v1/executions/${id}/cancel`, headers: auth, payload: { reason: 'wrong customer' } });
    expect(cancel.statusCode).toBe(200);
    expect(cancel.json().cancelReason).toBe('wrong customer');
    await waitForEnd(service.store, id);
    const snapshot = await service.app.inject({ url: `/v1/executions/${id}`, headers: auth });
    expect(snapshot.json().execution).toMatchObject({ status: 'cancelled', cancelReason: 'wrong customer' });
    const listed = await service.app.inject({ url: '/v1/executions?status=cancelled', headers: auth });
    expect(listed.json().items[0]).toMatchObject({ id, cancelReason: 'wrong customer' });
    const again = await service.app.inject({ method: 'POST', url: `/v1/executions/${id}/cancel`, headers: auth });
    expect(again.statusCode).toBe(409);
    expect((await service.app.inject({ method: 'POST', url: '/v1/executions/unknown/suspend', headers: auth })).statusCode).toBe(404);
  });

  it('records which task of which execution started a run: workflow child, and lists the children', async () => {
    await service.app.inject({ method: 'POST', url: '/v1/workflows', headers: auth, payload: { document: HELLO } });
    const parentDocument = `
document: { dsl: '1.0.0', namespace: test, name: parent, version: '1.0.0' }
do:
  - each:
      for: { in: '\${ ["ada", "bob"] }', each: who }
      do:
        - greetOne:
            run:
              workflow: { namespace: test, name: hello, version: '1.0.0', input: { who: '\${ $who }' } }
`;
    const { id } = (await start({ document: parentDocument })).json();
    await waitForEnd(service.store, id);
    expect((await service.store.getExecution(id))?.error).toBeUndefined();
    const children = await service.app.inject({ url: `/v1/executions?parent=${id}`, headers: auth });
    const items = children.json().items as Array<{ id: string; parentExecutionId: string; parentTask: string; parentIteration: string; output: unknown }>;
    expect(items.map((item) => [item.parentExecutionId, item.parentTask, item.parentIteration]).sort()).toEqual([
      [id, '/do/0/each/do/0/greetOne', '0'],
      [id, '/do/0/each/do/0/greetOne', '1'],
    ]);
    const child = items.find((item) => item.parentIteration === '1')!;
    const snapshot = await service.app.inject({ url: `/v1/executions/${child.id}`, headers: auth });
    expect(snapshot.json().execution).toMatchObject({ parentExecutionId: id, parentTask: '/do/0/each/do/0/greetOne', output: { loud: 'HELLO BOB' } });
    expect((await service.app.inject({ url: `/v1/executions?parent=${child.id}`, headers: auth })).json().items).toEqual([]);
  });

  it("pages a 1,000-iteration loop's instances on the server: one page of events per request, newest first", async () => {
    const loop = `
document: { dsl: '1.0.0', namespace: test, name: big-loop, version: '1.0.0' }
do:
  - each:
      for: { in: '\${ [range(1000)] }', each: n }
      do:
        - square:
            set: { square: '\${ $n * $n }' }
`;
    const { id } = (await start({ document: loop })).json();
    await waitForEnd(service.store, id);
    const pointer = '/do/0/each/do/0/square';
    const tasks = (query: string) => service.app.inject({ url: `/v1/executions/${id}/tasks?pointer=${encodeURIComponent(pointer)}&${query}`, headers: auth });
    const iterations = (events: Array<{ iteration: string }>) => [...new Set(events.map((event) => event.iteration))];
    const first = (await tasks('limit=10')).json() as { events: Array<{ iteration: string; subject: string; type: string; data: { output?: unknown } }>; nextCursor: string };
    expect(iterations(first.events)).toEqual(['990', '991', '992', '993', '994', '995', '996', '997', '998', '999']);
    expect(first.events.every((event) => event.subject === pointer)).toBe(true);
    expect(first.events.length).toBeLessThan(100);
    expect(first.events.find((event) => event.iteration === '999' && event.type === EVENT_TYPES.taskState)?.data.output).toEqual({ square: 998001 });
    const second = (await tasks(`limit=10&cursor=${first.nextCursor}`)).json() as { events: Array<{ iteration: string }> };
    expect(iterations(second.events)).toEqual(['980', '981', '982', '983', '984', '985', '986', '987', '988', '989']);
    const third = (await tasks('iteration=3')).json() as { events: Array<{ iteration: string; type: string; data: { output?: unknown } }>; nextCursor?: string };
    expect(iterations(third.events)).toEqual(['3']);
    expect(third.events.find((event) => event.type === EVENT_TYPES.taskState)?.data.output).toEqual({ square: 9 });
    expect(third.nextCursor).toBeUndefined();
    expect((await tasks('cursor=nonsense')).statusCode).toBe(400);
    expect((await service.app.inject({ url: `/v1/executions/missing/tasks?pointer=${pointer}`, headers: auth })).statusCode).toBe(404);
  }, 60_000);

  it('suspends before the next task and resumes', async () => {
    const { id } = (await start({ document: WAITING.replace('seconds: 30', 'milliseconds: 300') })).json();
    await waitForStatus(id, 'running');
    expect((await service.app.inject({ method: 'POST', url: `/v1/executions/${id}/suspend`, headers: auth })).statusCode).toBe(200);
    await waitForStatus(id, 'suspended');
    expect((await service.store.getTasks(id)).tasks.map((task) => task.ref)).toEqual(['/do/0/nap']);
    expect((await service.app.inject({ method: 'POST', url: `/v1/executions/${id}/resume`, headers: auth })).statusCode).toBe(200);
    await waitForEnd(service.store, id);
    expect(await service.store.getExecution(id)).toMatchObject({ status: 'completed', output: { woke: true } });
  });

  it('lists newest first with workflow and status filters and a cursor', async () => {
    const ids: string[] = [];
    for (let index = 0; index < 3; index++) ids.push((await start({ document: HELLO, input: { who: String(index) } })).json().id);
    await Promise.all(ids.map((id) => waitForEnd(service.store, id)));
    const first = await service.app.inject({ url: '/v1/executions?limit=2&namespace=test&name=hello&status=completed', headers: auth });
    expect(first.statusCode).toBe(200);
    const page = first.json();
    expect(page.items).toHaveLength(2);
    const second = (await service.app.inject({ url: `/v1/executions?limit=2&cursor=${page.nextCursor}`, headers: auth })).json();
    expect([...page.items, ...second.items].map((item: { id: string }) => item.id).sort()).toEqual([...ids].sort());
    expect(second.nextCursor).toBeUndefined();
    expect((await service.app.inject({ url: '/v1/executions?status=faulted', headers: auth })).json().items).toEqual([]);
    expect((await service.app.inject({ url: '/v1/executions?cursor=zzz', headers: auth })).statusCode).toBe(400);
  });
});

describe('events', () => {
  it('delivers an accepted CloudEvent to a waiting listen task', async () => {
    const { id } = (await start({ document: LISTENING })).json();
    await waitForStatus(id, 'running');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const accepted = await service.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...auth, 'content-type': 'application/cloudevents+json' },
      payload: JSON.stringify({ specversion: '1.0', id: 'ping-1', source: 'test', type: 'com.example.ping', data: { n: 1 } }),
    });
    expect(accepted.statusCode).toBe(202);
    expect(accepted.json()).toEqual({ accepted: 1 });
    await waitForEnd(service.store, id);
    expect((await service.store.getExecution(id))?.status).toBe('completed');
  });

  it('accepts batches and rejects events missing a required attribute', async () => {
    const batch = [1, 2].map((n) => ({ specversion: '1.0', id: `e${n}`, source: 'test', type: 'com.example.other' }));
    const accepted = await service.app.inject({ method: 'POST', url: '/v1/events', headers: { ...auth, 'content-type': 'application/cloudevents-batch+json' }, payload: JSON.stringify(batch) });
    expect(accepted.json()).toEqual({ accepted: 2 });
    const rejected = await service.app.inject({ method: 'POST', url: '/v1/events', headers: auth, payload: { specversion: '1.0', id: 'x', source: 'test' } });
    expect(rejected.statusCode).toBe(400);
    expect(rejected.json().message).toContain('"type"');
  });
});

describe('ReportProgress over HTTP/JSON', () => {
  it('stores a batch idempotently and reports gaps', async () => {
    const run = completedRun('external-1');
    const report = (events: object[]) => service.app.inject({ method: 'POST', url: '/v1/progress', headers: auth, payload: { events } });
    const first = await report([run[0]!, run[1]!, run[3]!]);
    expect(first.statusCode).toBe(200);
    expect(first.json().results).toEqual([{ executionId: 'external-1', inserted: 3, duplicates: 0, lastSeq: 2, maxSeq: 4, gaps: [{ from: 3, to: 3 }], status: 'running' }]);
    const second = await report(run);
    expect(second.json().results[0]).toMatchObject({ inserted: 2, duplicates: 3, lastSeq: 5, gaps: [], status: 'completed' });
    expect((await report([{ ...run[0]!, seq: 0 }])).statusCode).toBe(400);
  });
});

describe('workflows', () => {
  it('registers validated documents, lists them and their versions', async () => {
    const register = (document: string) => service.app.inject({ method: 'POST', url: '/v1/workflows', headers: auth, payload: { document } });
    expect((await register(HELLO)).statusCode).toBe(201);
    expect((await register(HELLO)).statusCode).toBe(200);
    const changed = await register(HELLO.replace('ascii_upcase', 'ascii_downcase'));
    expect(changed.statusCode).toBe(409);
    expect((await register('document: {}\n')).statusCode).toBe(400);
    expect((await service.app.inject({ url: '/v1/workflows', headers: auth })).json()).toEqual({ items: [{ namespace: 'test', name: 'hello', versions: ['1.0.0'], latest: '1.0.0' }] });
    const versions = (await service.app.inject({ url: '/v1/workflows/test/hello', headers: auth })).json();
    expect(versions.items).toEqual([{ namespace: 'test', name: 'hello', version: '1.0.0', registeredAt: expect.any(String) }]);
    const one = (await service.app.inject({ url: '/v1/workflows/test/hello/1.0.0', headers: auth })).json();
    expect(one.document).toBe(HELLO);
    expect((await service.app.inject({ url: '/v1/workflows/test/nope', headers: auth })).statusCode).toBe(404);
  });
});

describe('health, metrics and access', () => {
  it('reports health and Prometheus counters without a token', async () => {
    expect((await service.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok', store: 'sqlite' });
    await service.app.inject({ method: 'POST', url: '/v1/progress', headers: auth, payload: { events: completedRun('m1') } });
    const metrics = await service.app.inject({ url: '/metrics' });
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toMatch(/^cairn_progress_events_stored_total 5$/m);
  });

  it('refuses API calls without a valid API token, and report tokens outside ReportProgress', async () => {
    expect((await service.app.inject({ url: '/v1/executions' })).statusCode).toBe(401);
    expect((await service.app.inject({ url: '/v1/executions', headers: { authorization: 'Bearer wrong' } })).json().code).toBe('CAIRN_ERR_UNAUTHENTICATED');
    const { reportToken } = (await start({ document: HELLO })).json();
    const withReportToken = await service.app.inject({ url: '/v1/executions', headers: { authorization: `Bearer ${reportToken}` } });
    expect(withReportToken.statusCode).toBe(403);
  });

  it('serves a snapshot whose stored record is malformed', async () => {
    await service.store.appendEvents([progressEvent('broken', 1, EVENT_TYPES.workflowStarted)]);
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(service.location);
    db.exec(`UPDATE executions SET input = '{oops' WHERE id = 'broken'`);
    db.close();
    const snapshot = await service.app.inject({ url: '/v1/executions/broken', headers: auth });
    expect(snapshot.statusCode).toBe(200);
    expect(snapshot.json().execution).toMatchObject({ id: 'broken', input: null, malformed: ['input'] });
  });
});
