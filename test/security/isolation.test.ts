import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBystander } from './bystander.ts';
import { startServeProcess, type ServeProcess } from '../support/serve-process.ts';
import { serviceApi } from './service-api.ts';

/**
 * Runaway executions against a real `cairn serve`: each ends `faulted` with a CAIRN_ERR_LIMIT
 * runtime error naming the limit, while a concurrent client's /healthz and an unrelated
 * execution's SSE stream keep answering.
 */

let service: ServeProcess;
beforeAll(async () => {
  service = await startServeProcess({ args: ['--max-cpu', '3', '--max-memory', '128', '--max-tasks', '2000'] });
  // The service loads its execution path on first use: warm it, so the first attack is measured against a running service.
  await runToEnd(workflow('warm-up', "  - hello:\n      set: { ok: true }\n"));
}, 60_000);
afterAll(() => service?.stop());

const workflow = (name: string, tasks: string) => `document: {dsl: '1.0.0', namespace: attacks, name: ${name}, version: '1.0.0'}
do:
${tasks}`;

const { api, runToEnd } = serviceApi(() => service);

async function underAttack(document: string) {
  const bystander = await startBystander(service.url, service.token);
  const execution = await runToEnd(document);
  const report = await bystander.stop();
  console.log(`bystander: /healthz p99 ${report.healthP99Ms.toFixed(0)} ms, stream p99 ${report.streamP99Ms.toFixed(0)} ms`);
  expect(report.failures).toEqual([]);
  expect(report.healthP99Ms).toBeLessThan(250);
  expect(report.streamP99Ms).toBeLessThan(250);
  return execution;
}

/**
 * A runaway expression is bounded twice: the jq engine's step budget (an `expression` error naming
 * it) or, failing that, the execution's limit (`CAIRN_ERR_LIMIT`). Either ends it faulted.
 */
function expectBoundedExpression(execution: Record<string, any>, limits: string[]) {
  expect(execution.status).toBe('faulted');
  if (execution.error.code === 'CAIRN_ERR_LIMIT') expect(limits).toContain(execution.error.limit);
  else expect(execution.error).toMatchObject({ type: 'https://serverlessworkflow.io/spec/1.0.0/errors/expression', detail: expect.stringContaining('exceeded the limit') });
}

describe('runaway executions are stopped at their limits; the service goes on', () => {
  it('a runaway reduce ends faulted at the step budget or the CPU limit', { timeout: 120_000 }, async () => {
    const execution = await underAttack(workflow('reduce', "  - spin:\n      set: { total: '${ reduce range(1e12) as $x (0; . + $x) }' }\n"));
    expectBoundedExpression(execution, ['max-cpu']);
  });

  it('a runaway range that fills memory ends faulted at the step budget or the memory (or CPU) limit', { timeout: 120_000 }, async () => {
    const execution = await underAttack(workflow('range', "  - hoard:\n      set: { all: '${ [range(1e9)] | length }' }\n"));
    expectBoundedExpression(execution, ['max-memory', 'max-cpu']);
  });

  it('a then: loop ends faulted at the task limit instead of filling the store', { timeout: 120_000 }, async () => {
    const execution = await underAttack(workflow('loop', "  - again:\n      set: { n: '${ (.n // 0) + 1 }' }\n      then: again\n"));
    expect(execution).toMatchObject({ status: 'faulted', error: { code: 'CAIRN_ERR_LIMIT', limit: 'max-tasks' } });
    // 2,000 tasks of a few events each, then the two end events: bounded, not millions.
    expect(execution.lastSeq).toBeLessThan(2000 * 6 + 20);
  });
});

describe('an execution in a thread keeps what the service gives it', () => {
  it('runs `run: workflow` children registered at the service (asked of the service by the thread)', { timeout: 120_000 }, async () => {
    const registered = await api('/v1/workflows', { method: 'POST', body: JSON.stringify({ document: workflow('child', "  - double:\n      set: { doubled: '${ .n * 2 }' }\n") }) });
    expect(registered.status).toBe(201);
    const parent = await runToEnd(workflow('parent', "  - callChild:\n      run:\n        workflow: { namespace: attacks, name: child, version: '1.0.0', input: { n: 21 } }\n"));
    expect(parent).toMatchObject({ status: 'completed', output: { doubled: 42 } });
  });

  it('applies the service egress policy: a loopback call is refused', { timeout: 120_000 }, async () => {
    const execution = await runToEnd(workflow('egress', `  - fetch:\n      call: http\n      with:\n        method: get\n        endpoint: ${service.url}/healthz\n`));
    expect(execution.status).toBe('faulted');
    expect(execution.error.detail).toContain('the egress policy does not allow connecting to');
  });
});
