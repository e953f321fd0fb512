import { afterEach, expect, it } from 'vitest';
import { InstanceLease } from '../../../src/service/cluster/instance-lease.ts';
import type { ExecutionStore } from '../../../src/store/execution-store.ts';
import { openStore } from '../../../src/store/open-store.ts';

let store: ExecutionStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

/** Two instances on one SQLite database with a clock the test moves. */
async function twoInstances() {
  store = await openStore(':memory:');
  let now = 1_000_000;
  const adopted: Array<{ by: string; ids: string[] }> = [];
  const lease = (id: string) =>
    new InstanceLease({ sql: store!.sql, instanceId: id, leaseMs: 3_000, now: () => now, log: () => undefined, adopt: async (ids) => void adopted.push({ by: id, ids }) });
  const a = lease('a');
  const b = lease('b');
  return { a, b, adopted, advance: (ms: number) => (now += ms) };
}

it('hands the executions of an instance whose lease expired to exactly one other instance', async () => {
  const { a, b, adopted, advance } = await twoInstances();
  await a.start();
  await b.start();
  expect(await a.claim('run-1')).toBe(true);
  expect(await a.claim('run-2')).toBe(true);
  expect(await b.claim('run-1')).toBe(false);
  expect(await b.ownerOf('run-1')).toBe('a');

  advance(2_000);
  await b.sweep();
  expect(adopted).toEqual([]);

  advance(2_000); // a has been silent for 4 s, longer than its 3 s lease
  await b.sweep();
  await b.sweep();
  expect(adopted).toEqual([{ by: 'b', ids: ['run-1', 'run-2'] }]);
  expect(await b.ownerOf('run-1')).toBeUndefined();
  await a.stop();
  await b.stop();
});

it('leaves the executions of a live instance alone and forgets released ones', async () => {
  const { a, b, adopted } = await twoInstances();
  await a.start();
  await b.start();
  await a.claim('run-1');
  await a.release('run-1');
  expect(await b.ownerOf('run-1')).toBeUndefined();
  await a.claim('run-2');
  await b.sweep();
  expect(adopted).toEqual([]);
  await a.stop();
  await b.sweep();
  expect(adopted).toEqual([{ by: 'b', ids: ['run-2'] }]);
  await b.stop();
});
