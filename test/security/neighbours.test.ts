import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServeProcess, type ServeProcess } from '../support/serve-process.ts';
import { serviceApi } from './service-api.ts';

/**
 * Each execution has a worker thread of its own. A runaway stopped at a limit (its thread stopped
 * with it, or its expression's step budget) must not touch the execution started just before it:
 * that one still runs, and still answers a cancel. A fresh service holds one warm thread, so the
 * two are started back to back and a service sharing threads would give them the same one.
 */

let service: ServeProcess;
beforeAll(async () => {
  service = await startServeProcess({ args: ['--max-cpu', '3', '--max-memory', '128', '--max-tasks', '2000'] });
  await runToEnd(workflow('warm-up', '  - hello:\n      set: { ok: true }\n'));
}, 60_000);
afterAll(() => service?.stop());

const workflow = (name: string, tasks: string) => `document: {dsl: '1.0.0', namespace: neighbours, name: ${name}, version: '1.0.0'}
do:
${tasks}`;

const { api, start, untilEnded, runToEnd } = serviceApi(() => service);

describe('the neighbour of a runaway', () => {
  it('goes on while the runaway is stopped at a limit, and answers a cancel afterwards', { timeout: 120_000 }, async () => {
    const neighbour = await start(workflow('neighbour', '  - idle:\n      wait:\n        hours: 1\n'));
    const runaway = await untilEnded(await start(workflow('hoard', "  - hoard:\n      set: { all: '${ [range(1e9)] | length }' }\n")));
    expect(runaway.status).toBe('faulted');
    console.log(`runaway stopped by ${runaway.error.code === 'CAIRN_ERR_LIMIT' ? runaway.error.limit : 'its step budget'}`);
    expect((await api(`/v1/executions/${neighbour}`)).body.execution.status).toBe('running');
    expect((await api(`/v1/executions/${neighbour}/cancel`, { method: 'POST', body: JSON.stringify({ reason: 'test over' }) })).status).toBe(200);
    expect(await untilEnded(neighbour)).toMatchObject({ status: 'cancelled' });
  });

  it('goes on while a then: loop is stopped with its thread at the task limit', { timeout: 120_000 }, async () => {
    const neighbour = await start(workflow('neighbour', '  - idle:\n      wait:\n        hours: 1\n'));
    const loop = await untilEnded(await start(workflow('loop', "  - again:\n      set: { n: '${ (.n // 0) + 1 }' }\n      then: again\n")));
    expect(loop).toMatchObject({ status: 'faulted', error: { code: 'CAIRN_ERR_LIMIT', limit: 'max-tasks' } });
    expect((await api(`/v1/executions/${neighbour}`)).body.execution.status).toBe('running');
    expect((await api(`/v1/executions/${neighbour}/cancel`, { method: 'POST', body: JSON.stringify({ reason: 'test over' }) })).status).toBe(200);
    expect(await untilEnded(neighbour)).toMatchObject({ status: 'cancelled' });
  });
});
