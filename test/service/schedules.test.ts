import { afterEach, describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../src/store/execution-store.ts';
import { auth, eventually, example, executionsOf, isEnded, ManualClock, startScheduledService, type ScheduledService } from './schedules-fixture.ts';

let service: ScheduledService | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
});

async function register(document: string) {
  return service!.app.inject({ method: 'POST', url: '/v1/workflows', headers: auth, payload: { document } });
}

async function schedules() {
  const response = await service!.app.inject({ url: '/v1/schedules', headers: auth });
  expect(response.statusCode).toBe(200);
  return response.json().items as Array<Record<string, unknown>>;
}

async function publish(event: object) {
  const response = await service!.app.inject({ method: 'POST', url: '/v1/events', headers: { ...auth, 'content-type': 'application/cloudevents+json' }, payload: JSON.stringify(event) });
  expect(response.statusCode).toBe(202);
}

/** The same workflow under another version, without its schedule (registering it replaces the schedule). */
function unscheduled(text: string, version: string): string {
  return text.replace("version: '1.0.0'", `version: '${version}'`).replace(/^schedule:\n(?: {2}.*\n)+/m, '');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('schedule.every', () => {
  it('starts an execution every interval until a version without schedule replaces it', { timeout: 30_000 }, async () => {
    service = await startScheduledService();
    expect((await register(example('every.yaml'))).statusCode).toBe(201);
    const [armed] = await schedules();
    expect(armed).toMatchObject({ workflow: { namespace: 'examples', name: 'heartbeat', version: '1.0.0' }, kind: 'every', schedule: { every: { milliseconds: 200 } } });
    expect(Date.parse(armed!.nextFireAt as string) % 200).toBe(0);

    const completed = await eventually('two completed heartbeats', async () => {
      const done = (await executionsOf(service!.store, 'examples', 'heartbeat')).filter((execution) => execution.status === 'completed');
      return done.length >= 2 ? done : undefined;
    });
    for (const execution of completed) {
      expect(execution).toMatchObject({ trigger: 'schedule.every', input: {}, output: { beat: 'ok', execution: execution.id } });
    }
    // Scheduled executions are ordinary ones: listed by the API with their trigger and task progress.
    const listed = await service.app.inject({ url: '/v1/executions?namespace=examples&name=heartbeat', headers: auth });
    expect(listed.json().items.map((item: ExecutionRecord) => item.trigger)).toContain('schedule.every');
    const snapshot = await service.app.inject({ url: `/v1/executions/${completed[0]!.id}`, headers: auth });
    expect(snapshot.json().tasks).toMatchObject([{ ref: '/do/0/beat', status: 'completed' }]);

    expect((await register(unscheduled(example('every.yaml'), '1.1.0'))).statusCode).toBe(201);
    expect(await schedules()).toEqual([]);
    await sleep(100); // a start already under way when the schedule was replaced lands
    const before = (await executionsOf(service.store, 'examples', 'heartbeat')).length;
    await sleep(800); // four intervals
    expect((await executionsOf(service.store, 'examples', 'heartbeat')).length).toBe(before);
  });

  it('stops with the service and is armed again when it starts on the same store', { timeout: 30_000 }, async () => {
    service = await startScheduledService();
    expect((await register(example('every.yaml'))).statusCode).toBe(201);
    await eventually('a heartbeat', async () => ((await executionsOf(service!.store, 'examples', 'heartbeat')).length > 0 ? true : undefined));
    const location = service.location;
    await service.close();
    service = undefined;

    service = await startScheduledService({ location });
    const before = (await executionsOf(service.store, 'examples', 'heartbeat')).length;
    expect(await schedules()).toMatchObject([{ workflow: { name: 'heartbeat', version: '1.0.0' }, kind: 'every' }]);
    await eventually('a heartbeat after the restart', async () => {
      const after = await executionsOf(service!.store, 'examples', 'heartbeat');
      return after.length > before && after.some((execution) => execution.status === 'completed' && execution.createdAt > after[before - 1]!.createdAt) ? true : undefined;
    });
  });
});

describe('schedule.cron', () => {
  it('starts at each fire time of the expression (a test clock: cron fires once a minute at most)', { timeout: 30_000 }, async () => {
    const clock = new ManualClock(Date.parse('2026-01-01T00:07:30.000Z'));
    service = await startScheduledService({ clock });
    expect((await register(example('cron.yaml'))).statusCode).toBe(201);
    expect(await schedules()).toMatchObject([{ kind: 'cron', schedule: { cron: '*/15 * * * *' }, nextFireAt: '2026-01-01T00:15:00.000Z' }]);
    expect(await executionsOf(service.store, 'examples', 'quarter-hour-report')).toEqual([]);

    clock.advance(Date.parse('2026-01-01T00:15:00.000Z'));
    const [first] = await eventually('the 00:15 report', async () => {
      const runs = await executionsOf(service!.store, 'examples', 'quarter-hour-report');
      return runs.length === 1 && isEnded(runs[0]!) ? runs : undefined;
    });
    expect(first).toMatchObject({ status: 'completed', trigger: 'schedule.cron', output: { report: 'quarterly', execution: first!.id } });
    expect(await schedules()).toMatchObject([{ nextFireAt: '2026-01-01T00:30:00.000Z' }]);

    clock.advance(Date.parse('2026-01-01T00:44:00.000Z'));
    await eventually('the 00:30 report', async () => {
      const runs = await executionsOf(service!.store, 'examples', 'quarter-hour-report');
      return runs.length === 2 && runs.every(isEnded) ? runs : undefined;
    });
    expect(await schedules()).toMatchObject([{ nextFireAt: '2026-01-01T00:45:00.000Z' }]);
    expect(clock.pending).toBe(1);
  });

  it('two services sharing one store start each tick once between them', { timeout: 30_000 }, async () => {
    const start = Date.parse('2026-01-01T00:07:30.000Z');
    const [clockA, clockB] = [new ManualClock(start), new ManualClock(start)];
    service = await startScheduledService({ clock: clockA });
    expect((await register(example('cron.yaml'))).statusCode).toBe(201);
    // The second service arms the registered schedule as it starts.
    const other = await startScheduledService({ location: service.location, clock: clockB });
    try {
      expect(clockB.pending).toBe(1);
      clockA.advance(Date.parse('2026-01-01T00:15:00.000Z'));
      clockB.advance(Date.parse('2026-01-01T00:15:00.000Z'));
      await eventually('the 00:15 report', async () => {
        const runs = await executionsOf(service!.store, 'examples', 'quarter-hour-report');
        return runs.length > 0 && runs.every(isEnded) ? runs : undefined;
      });
      await sleep(200); // the later of the two attempts is refused as a conflict
      expect(await executionsOf(service.store, 'examples', 'quarter-hour-report')).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('rejects an invalid cron expression at registration: 400 naming schedule.cron and its line', async () => {
    service = await startScheduledService();
    const response = await register(example('cron.yaml').replace("'*/15 * * * *'", "'61 * * * *'"));
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.code).toBe('CAIRN_ERR_INVALID_WORKFLOW');
    expect(body.message).toBe("workflow.yaml:9:9: schedule.cron: minute field '61': '61' is out of range 0-59");
    expect(body.details).toEqual([
      { file: 'workflow.yaml', line: 9, column: 9, path: '/schedule/cron', message: "schedule.cron: minute field '61': '61' is out of range 0-59", code: 'CAIRN_ERR_SCHEDULE' },
    ]);
    const listed = await service.app.inject({ url: '/v1/workflows', headers: auth });
    expect(listed.json().items).toEqual([]);
    expect(await schedules()).toEqual([]);
  });
});

describe('schedule.after', () => {
  it('runs continuously: each run starts the delay after the previous one ended', { timeout: 30_000 }, async () => {
    service = await startScheduledService();
    expect((await register(example('after.yaml'))).statusCode).toBe(201);
    const runs = await eventually('three runs, two of them ended', async () => {
      const all = await executionsOf(service!.store, 'examples', 'poller');
      return all.length >= 3 && all.slice(0, 2).every(isEnded) ? all : undefined;
    });
    for (const run of runs) expect(run.trigger).toBe('schedule.after');
    for (const [index, run] of runs.slice(0, 2).entries()) {
      expect(run).toMatchObject({ status: 'completed', output: { polled: true, execution: run.id } });
      const next = runs[index + 1]!;
      expect(Date.parse(next.createdAt)).toBeGreaterThanOrEqual(Date.parse(run.endedAt!) + 300);
    }
    expect((await schedules())[0]).toMatchObject({ kind: 'after', workflow: { name: 'poller' } });

    expect((await register(unscheduled(example('after.yaml'), '2.0.0'))).statusCode).toBe(201);
    expect(await schedules()).toEqual([]);
    const stopped = await eventually('the last run to end', async () => {
      const all = await executionsOf(service!.store, 'examples', 'poller');
      return all.every(isEnded) ? all.length : undefined;
    });
    await sleep(700); // the delay and a run's length, twice over
    expect((await executionsOf(service.store, 'examples', 'poller')).length).toBe(stopped);
  });

  it('resumes the chain after a service restart: the next run follows the last one', { timeout: 30_000 }, async () => {
    service = await startScheduledService();
    expect((await register(example('after.yaml'))).statusCode).toBe(201);
    await eventually('a first run', async () => {
      const all = await executionsOf(service!.store, 'examples', 'poller');
      return all.length > 0 && all.every(isEnded) ? all : undefined;
    });
    const location = service.location;
    await service.close();
    const restartedAt = new Date().toISOString();
    service = await startScheduledService({ location });
    // A run the stop interrupted is ended (faulted) by the restart; either way it is the chain's last.
    const before = (await executionsOf(service.store, 'examples', 'poller')).filter((run) => run.createdAt < restartedAt);
    const last = before[before.length - 1]!;
    expect(isEnded(last)).toBe(true);
    const next = await eventually('a run after the restart', async () => {
      const all = await executionsOf(service!.store, 'examples', 'poller');
      return all.length > before.length ? all[before.length] : undefined;
    });
    expect(next.trigger).toBe('schedule.after');
    expect(Date.parse(next.createdAt)).toBeGreaterThanOrEqual(Date.parse(last.endedAt!) + 300);
  });
});

describe('schedule.on', () => {
  const placed = (id: string, order: string, paid: boolean) => ({
    specversion: '1.0',
    id,
    source: 'urn:test:shop',
    type: 'com.example.order.placed',
    datacontenttype: 'application/json',
    data: { order, paid },
  });

  it('starts one execution per matching event, with the events as input; others start nothing', { timeout: 30_000 }, async () => {
    service = await startScheduledService();
    expect((await register(example('on-one.yaml'))).statusCode).toBe(201);
    await publish(placed('e1', 'A-1', false));
    await publish({ ...placed('e2', 'A-2', true), type: 'com.example.order.cancelled' });
    await publish(placed('e3', 'A-3', true));
    const [shipped] = await eventually('the A-3 shipment', async () => {
      const runs = await executionsOf(service!.store, 'examples', 'ship-order');
      return runs.length > 0 && runs.every(isEnded) ? runs : undefined;
    });
    expect(shipped).toMatchObject({ trigger: 'schedule.on', status: 'completed', input: [placed('e3', 'A-3', true)], output: { shipped: 'A-3', from: 'urn:test:shop' } });

    // The same event again (a producer's retry) starts nothing; a new one does.
    await publish(placed('e3', 'A-3', true));
    await publish(placed('e4', 'A-4', true));
    const runs = await eventually('the A-4 shipment', async () => {
      const all = await executionsOf(service!.store, 'examples', 'ship-order');
      return all.length === 2 && all.every(isEnded) ? all : undefined;
    });
    expect(runs.map((run) => run.output)).toEqual([
      { shipped: 'A-3', from: 'urn:test:shop' },
      { shipped: 'A-4', from: 'urn:test:shop' },
    ]);
  });

  it('all: starts once every filter has a correlated event, with the events in arrival order', { timeout: 30_000 }, async () => {
    service = await startScheduledService();
    expect((await register(example('on-all.yaml'))).statusCode).toBe(201);
    const paid7 = { specversion: '1.0', id: 'p7', source: 'urn:test:bank', type: 'com.example.payment.received', data: { order: 7 } };
    const placed8 = { specversion: '1.0', id: 'o8', source: 'urn:test:shop', type: 'com.example.order.placed', data: { order: 8 } };
    const placed7 = { specversion: '1.0', id: 'o7', source: 'urn:test:shop', type: 'com.example.order.placed', data: { order: 7 } };
    await publish(paid7);
    await publish(placed8);
    expect(await schedules()).toMatchObject([{ kind: 'on', pendingEvents: 2 }]);
    expect(await executionsOf(service.store, 'examples', 'settle-order')).toEqual([]);

    await publish(placed7);
    const [settled] = await eventually('order 7 settled', async () => {
      const runs = await executionsOf(service!.store, 'examples', 'settle-order');
      return runs.length > 0 && runs.every(isEnded) ? runs : undefined;
    });
    expect(settled).toMatchObject({
      trigger: 'schedule.on',
      status: 'completed',
      input: [paid7, placed7],
      output: { order: 7, types: ['com.example.order.placed', 'com.example.payment.received'] },
    });
    expect(await schedules()).toMatchObject([{ kind: 'on', pendingEvents: 1 }]);
    expect(await executionsOf(service.store, 'examples', 'settle-order')).toHaveLength(1);
  });

  it('an event a workflow emits in the service starts a scheduled workflow too', { timeout: 30_000 }, async () => {
    service = await startScheduledService();
    expect((await register(example('on-one.yaml'))).statusCode).toBe(201);
    const emitter = `
document: { dsl: '1.0.3', namespace: examples, name: checkout, version: '1.0.0' }
do:
  - announce:
      emit:
        event:
          with: { id: c-1, source: 'https://shop.example/checkout', type: com.example.order.placed, data: { order: C-1, paid: true } }
`;
    const started = await service.app.inject({ method: 'POST', url: '/v1/executions', headers: auth, payload: { document: emitter } });
    expect(started.statusCode).toBe(201);
    const [shipped] = await eventually('the C-1 shipment', async () => {
      const runs = await executionsOf(service!.store, 'examples', 'ship-order');
      return runs.length > 0 && runs.every(isEnded) ? runs : undefined;
    });
    expect(shipped).toMatchObject({ trigger: 'schedule.on', status: 'completed', output: { shipped: 'C-1', from: 'https://shop.example/checkout' } });
  });

  it('keeps an event schedule across a service restart', { timeout: 30_000 }, async () => {
    service = await startScheduledService();
    expect((await register(example('on-one.yaml'))).statusCode).toBe(201);
    const location = service.location;
    await service.close();
    service = await startScheduledService({ location });
    expect(await schedules()).toMatchObject([{ kind: 'on', workflow: { name: 'ship-order', version: '1.0.0' } }]);
    await publish(placed('r1', 'R-1', true));
    await eventually('the R-1 shipment', async () => {
      const runs = await executionsOf(service!.store, 'examples', 'ship-order');
      return runs.length === 1 && runs[0]!.status === 'completed' ? runs : undefined;
    });
  });
});
