import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completedRun } from '../store/events.ts';
import { auth, HELLO, metricSeries, startTestService, waitForEnd, type TestService } from './service-fixture.ts';

let service: TestService;
let base: string;

beforeAll(async () => {
  service = await startTestService();
  base = await service.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await service?.close();
});

const workflow = (name: string, tasks: string) => `
document: { dsl: '1.0.0', namespace: metrics, name: ${name}, version: '1.0.0' }
do:
${tasks}`;

const COMPLETES = workflow('completes', `  - one: { set: { a: 1 } }\n  - two: { wait: { milliseconds: 5 } }`);
const FAULTS = workflow('faults', `  - boom: { raise: { error: { type: https://example.com/boom, status: 500 } } }`);
const WAITS = workflow('waits', `  - nap: { wait: { seconds: 30 } }`);
const RETRIES = workflow(
  'retries',
  `  - guarded:
      try:
        - boom: { raise: { error: { type: https://example.com/boom, status: 503 } } }
      catch:
        errors: { with: { type: https://example.com/boom } }
        retry: { delay: { milliseconds: 1 }, limit: { attempt: { count: 3 } } }`,
);

async function start(document: string): Promise<string> {
  return (await startWithToken(document)).id;
}

async function startWithToken(document: string): Promise<{ id: string; reportToken: string }> {
  const response = await service.app.inject({ method: 'POST', url: '/v1/executions', headers: auth, payload: { document } });
  expect(response.statusCode).toBe(201);
  return response.json();
}

/** The sum of a series over all its label sets, as /metrics serves it now. */
async function total(name: string): Promise<number> {
  const body = (await service.app.inject({ url: '/metrics' })).body;
  return body
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

describe('/metrics moves as executions run', () => {
  it('counts executions by workflow and outcome, task durations by kind, retries, report lag, store writes and stream subscribers', async () => {
    const before = await metricSeries(service.app);
    expect(before('cairn_executions_started_total{workflow="metrics/completes"}')).toBe(0);

    await waitForEnd(service.store, await start(COMPLETES));
    await waitForEnd(service.store, await start(FAULTS));
    await waitForEnd(service.store, await start(RETRIES));
    const waiting = await start(WAITS);
    const stream = await fetch(`${base}/v1/executions/stream`, { headers: auth });
    await service.app.inject({ method: 'POST', url: `/v1/executions/${waiting}/cancel`, headers: auth });
    await waitForEnd(service.store, waiting);
    const after = await metricSeries(service.app);

    expect(after('cairn_executions_started_total{workflow="metrics/completes"}')).toBe(1);
    expect(after('cairn_executions_completed_total{workflow="metrics/completes"}')).toBe(1);
    expect(after('cairn_executions_faulted_total{workflow="metrics/faults"}')).toBe(1);
    expect(after('cairn_executions_cancelled_total{workflow="metrics/waits"}')).toBe(1);
    expect(after('cairn_executions_completed_total{workflow="metrics/retries"}')).toBe(1);
    expect(after('cairn_task_retries_total{workflow="metrics/retries"}')).toBe(2);
    expect(after('cairn_task_duration_seconds_count{kind="set",status="completed"}')).toBe(1);
    expect(after('cairn_task_duration_seconds_count{kind="wait",status="completed"}')).toBe(1);
    expect(after('cairn_task_duration_seconds_count{kind="wait",status="cancelled"}')).toBe(1);
    expect(after('cairn_task_duration_seconds_count{kind="raise",status="faulted"}')).toBe(4);
    expect(after('cairn_task_duration_seconds_count{kind="try",status="completed"}')).toBe(1);
    expect(after('cairn_progress_report_lag_seconds_count')).toBeGreaterThan(before('cairn_progress_report_lag_seconds_count'));
    expect(after('cairn_store_write_seconds_count')).toBeGreaterThan(before('cairn_store_write_seconds_count'));
    expect(after('cairn_stream_clients')).toBe(1);
    await stream.body?.cancel();
    expect(after('cairn_progress_batches_failed_total')).toBe(0);
  });

  it('counts an execution once when its reporter sends its events again after its end (a retried report)', async () => {
    const { id, reportToken } = await startWithToken(workflow('resent', `  - one: { set: { a: 1 } }`));
    await waitForEnd(service.store, id);
    const [started, completed] = [await total('cairn_executions_started_total'), await total('cairn_executions_completed_total')];
    const events = await service.store.readEvents(id, 0);
    const again = await service.app.inject({ method: 'POST', url: '/v1/progress', headers: { authorization: `Bearer ${reportToken}` }, payload: { events } });
    expect(again.json().results[0]).toMatchObject({ inserted: 0, duplicates: events.length });
    expect(await total('cairn_executions_started_total')).toBe(started);
    expect(await total('cairn_executions_completed_total')).toBe(completed);
  });

  it('labels executions it did not start (run: workflow children, reported ones) by their stored workflow, their tasks by kind', async () => {
    await service.app.inject({ method: 'POST', url: '/v1/workflows', headers: auth, payload: { document: HELLO } });
    const before = await metricSeries(service.app);
    const parent = await startWithToken(
      workflow('parent', `  - each:\n      for: { in: '\${ ["ada", "bob"] }', each: who }\n      do:\n        - greetOne:\n            run:\n              workflow: { namespace: test, name: hello, version: '1.0.0', input: { who: '\${ $who }' } }`),
    );
    await waitForEnd(service.store, parent.id);
    // A worker reports a child the service never saw start; the name its start event gives is the reporter's to choose.
    const reported = completedRun(`${parent.id}.child-9`).map((event, index) => (index === 0 ? { ...event, data: { ...event.data, name: 'named-by-the-reporter' } } : event));
    expect((await service.app.inject({ method: 'POST', url: '/v1/progress', headers: { authorization: `Bearer ${parent.reportToken}` }, payload: { events: reported } })).statusCode).toBe(200);
    const after = await metricSeries(service.app);

    expect(after('cairn_executions_started_total{workflow="test/hello"}') - before('cairn_executions_started_total{workflow="test/hello"}')).toBe(3);
    expect(after('cairn_executions_completed_total{workflow="test/hello"}') - before('cairn_executions_completed_total{workflow="test/hello"}')).toBe(3);
    // Two sets in each of the two children the engine ran, and the reported child's one.
    expect(after('cairn_task_duration_seconds_count{kind="set",status="completed"}') - before('cairn_task_duration_seconds_count{kind="set",status="completed"}')).toBe(5);
    expect(after('cairn_task_duration_seconds_count{kind="unknown",status="completed"}')).toBe(0);
    expect(await total('cairn_executions_started_total{workflow="unknown"}')).toBe(0);
    expect((await service.app.inject({ url: '/metrics' })).body).not.toContain('named-by-the-reporter');
  });
});
