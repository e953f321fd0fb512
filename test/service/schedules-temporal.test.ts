import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ExecutionStore } from '../../src/store/execution-store.ts';
import { startTemporalServer, type DevServer } from '../support/temporal-server.ts';
import { eventually, example, executionsOf } from './schedules-fixture.ts';
import { startTemporalService, type TemporalService } from './temporal-service-fixture.ts';

// A real Temporal dev server, a real worker and a real service (SQLite, on loopback): the
// scheduler starts executions through the service's start path, so they run on Temporal.
const TASK_QUEUE = 'service-schedules';
const auth = { authorization: 'Bearer temporal-schedules-token' };

let server: DevServer;
let service: TemporalService;
let store: ExecutionStore;
let app: FastifyInstance;

beforeAll(async () => {
  server = await startTemporalServer();
  service = await startTemporalService({ address: server.address, taskQueue: TASK_QUEUE, apiToken: 'temporal-schedules-token' });
  ({ store, app } = service);
}, 120_000);

afterAll(async () => {
  await service?.close();
  await server?.stop();
});

it('a workflow scheduled with every runs on the Temporal engine, marked as scheduled, with its output', async () => {
  // One second rather than the example's 200 ms: Temporal runs take longer on a shared 2-core machine.
  const text = example('every.yaml').replace('milliseconds: 200', 'seconds: 1');
  expect((await app.inject({ method: 'POST', url: '/v1/workflows', headers: auth, payload: { document: text } })).statusCode).toBe(201);
  const completed = await eventually(
    'two heartbeats completed on Temporal',
    async () => {
      const done = (await executionsOf(store, 'examples', 'heartbeat')).filter((execution) => execution.status === 'completed');
      return done.length >= 2 ? done : undefined;
    },
    90_000,
  );
  for (const execution of completed) {
    expect(execution).toMatchObject({ engine: 'temporal', trigger: 'schedule.every', output: { beat: 'ok', execution: execution.id } });
  }
  const unscheduled = text.replace("version: '1.0.0'", "version: '1.1.0'").replace(/^schedule:\n(?: {2}.*\n)+/m, '');
  expect((await app.inject({ method: 'POST', url: '/v1/workflows', headers: auth, payload: { document: unscheduled } })).statusCode).toBe(201);
  expect((await app.inject({ url: '/v1/schedules', headers: auth })).json().items).toEqual([]);
  // Let the runs already started end before the worker stops.
  await eventually(
    'every heartbeat to end',
    async () => ((await executionsOf(store, 'examples', 'heartbeat')).every((execution) => execution.status === 'completed') ? true : undefined),
    60_000,
  );
}, 180_000);

it('schedule.on and schedule.after start their executions on the Temporal engine too', async () => {
  expect((await app.inject({ method: 'POST', url: '/v1/workflows', headers: auth, payload: { document: example('on-one.yaml') } })).statusCode).toBe(201);
  const event = { specversion: '1.0', id: 'order-7', source: 'https://shop.example', type: 'com.example.order.placed', data: { order: 7, paid: true } };
  const accepted = await app.inject({ method: 'POST', url: '/v1/events', headers: { ...auth, 'content-type': 'application/cloudevents+json' }, payload: JSON.stringify(event) });
  expect(accepted.statusCode).toBeLessThan(300);
  const [shipped] = await eventually(
    'the event-started execution to complete on Temporal',
    async () => {
      const done = (await executionsOf(store, 'examples', 'ship-order')).filter((execution) => execution.status === 'completed');
      return done.length === 1 ? done : undefined;
    },
    60_000,
  );
  expect(shipped).toMatchObject({ engine: 'temporal', trigger: 'schedule.on', output: { shipped: 7, from: 'https://shop.example' } });

  expect((await app.inject({ method: 'POST', url: '/v1/workflows', headers: auth, payload: { document: example('after.yaml') } })).statusCode).toBe(201);
  const polls = await eventually(
    'two polls completed on Temporal, one after the other',
    async () => {
      const done = (await executionsOf(store, 'examples', 'poller')).filter((execution) => execution.status === 'completed');
      return done.length >= 2 ? done : undefined;
    },
    90_000,
  );
  for (const poll of polls) expect(poll).toMatchObject({ engine: 'temporal', trigger: 'schedule.after', output: { polled: true, execution: poll.id } });
  const stopped = example('after.yaml').replace("version: '1.0.0'", "version: '1.1.0'").replace(/^schedule:\n(?: {2}.*\n)+/m, '');
  expect((await app.inject({ method: 'POST', url: '/v1/workflows', headers: auth, payload: { document: stopped } })).statusCode).toBe(201);
  await eventually(
    'every poll to end',
    async () => ((await executionsOf(store, 'examples', 'poller')).every((execution) => execution.status === 'completed') ? true : undefined),
    60_000,
  );
}, 240_000);
