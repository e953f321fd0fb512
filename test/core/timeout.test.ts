import { describe, expect, it } from 'vitest';
import { runOnFakeHost } from './fake-host.ts';
import { testEngine, workflow } from './test-workflow.ts';

const START = Date.UTC(2026, 0, 1);
const TIMEOUT = 'https://serverlessworkflow.io/spec/1.0.0/errors/timeout';

describe('timeouts on the fake host (virtual clock)', () => {
  it('a task timeout faults the task with timeout (408) at exactly its deadline and cancels its work', async () => {
    const document = await workflow(`
do:
  - slow:
      timeout:
        after: { seconds: 3 }
      do:
        - hang:
            wait: { hours: 1 }
`);
    const { result, host } = await runOnFakeHost(document, {}, { engine: await testEngine() });
    expect(result).toMatchObject({ status: 'faulted', error: { type: TIMEOUT, status: 408, title: 'Timeout Error', instance: '/do/0/slow' } });
    expect(host.now()).toBe(START + 3_000);
    const ends = host.events.filter((event) => /task\.(cancelled|faulted)/.test(event.type)).map((event) => [event.type, event.subject, event.time]);
    expect(ends).toEqual([
      ['io.serverlessworkflow.task.cancelled.v1', '/do/0/slow/do/0/hang', '2026-01-01T00:00:03.000Z'],
      ['io.serverlessworkflow.task.faulted.v1', '/do/0/slow', '2026-01-01T00:00:03.000Z'],
    ]);
    expect(host.pendingTimers).toBe(0);
  });

  it('a workflow timeout named in use.timeouts faults the workflow (instance /) and cancels the running task', async () => {
    const document = await workflow(`
use:
  timeouts:
    budget:
      after: PT1M
timeout: budget
do:
  - first:
      wait: { seconds: 40 }
  - second:
      wait: { seconds: 40 }
`);
    const { result, host } = await runOnFakeHost(document, {}, { engine: await testEngine() });
    expect(result).toMatchObject({ status: 'faulted', error: { type: TIMEOUT, status: 408, instance: '/' } });
    expect(host.now()).toBe(START + 60_000);
    expect(host.sleeps.map((sleep) => [sleep.ms, sleep.outcome])).toEqual([
      [40_000, 'elapsed'],
      [60_000, 'elapsed'],
      [40_000, 'cancelled'],
    ]);
    const last = host.events.at(-2)!;
    expect(last.type).toBe('io.serverlessworkflow.workflow.faulted.v1');
    expect(last.data).toMatchObject({ error: { type: TIMEOUT, instance: '/' } });
  });

  it('a task timeout given as an expression is evaluated against the task input', async () => {
    const document = await workflow(`
do:
  - slow:
      timeout:
        after: '\${ .budget }'
      wait: { hours: 1 }
`);
    const { result, host } = await runOnFakeHost(document, { budget: 'PT2.5S' }, { engine: await testEngine() });
    expect(result.error).toMatchObject({ type: TIMEOUT, instance: '/do/0/slow' });
    expect(host.now()).toBe(START + 2_500);
  });

  it('an inner timeout caught by try lets the workflow go on under the outer deadline', async () => {
    const document = await workflow(`
timeout:
  after: { minutes: 5 }
do:
  - guarded:
      try:
        - slow:
            timeout:
              after: { seconds: 1 }
            wait: { minutes: 1 }
      catch:
        errors:
          with: { type: https://serverlessworkflow.io/spec/1.0.0/errors/timeout }
        do:
          - recover:
              set: { recovered: '\${ $error.instance }' }
`);
    const { result, host } = await runOnFakeHost(document, {}, { engine: await testEngine() });
    expect(result).toMatchObject({ status: 'completed', output: { recovered: '/do/0/guarded/try/0/slow' } });
    expect(host.now()).toBe(START + 1_000);
    expect(host.pendingTimers).toBe(0);
  });

  it('an external cancel ends the run as cancelled, with the running task cancelled', async () => {
    const document = await workflow(`
do:
  - hang:
      wait: { days: 1 }
`);
    const { result, host } = await runOnFakeHost(document, {}, { engine: await testEngine(), cancelAfterMs: 500 });
    expect(result.status).toBe('cancelled');
    expect(result.error).toBeUndefined();
    expect(host.sleeps.map((sleep) => sleep.outcome)).toEqual(['cancelled']);
    expect(host.now()).toBe(START + 500);
    expect(host.events.map((event) => event.type).slice(-3)).toEqual([
      'io.serverlessworkflow.task.cancelled.v1',
      'io.serverlessworkflow.workflow.cancelled.v1',
      'io.serverlessworkflow.workflow.status-changed.v1',
    ]);
  });
});
