import { describe, expect, it } from 'vitest';
import { progressEventId } from '../../src/core/events.ts';
import { runOnFakeHost } from './fake-host.ts';
import { testEngine, workflow } from './test-workflow.ts';

const BUSY_WORKFLOW = `
do:
  - loop:
      for:
        in: '\${ [1, 2, 3] }'
      do:
        - both:
            fork:
              branches:
                - slow:
                    wait: { milliseconds: 30 }
                - fast:
                    wait: { milliseconds: 10 }
  - flaky:
      try:
        - count:
            set: '\${ . }'
            export:
              as: '\${ {n: (($context.n // 0) + 1)} }'
        - fail:
            if: '\${ $context.n < 3 }'
            raise:
              error: { type: https://serverlessworkflow.io/spec/1.0.0/errors/communication, status: 503 }
      catch:
        retry:
          delay: { milliseconds: 100 }
          jitter: { from: { milliseconds: 0 }, to: { milliseconds: 50 } }
          limit: { attempt: { count: 5 } }
  - announce:
      emit:
        event:
          with: { source: https://test.example, type: test.done, data: '\${ $context }' }
`;

describe('progress events on the fake host (virtual clock)', () => {
  it('numbers events 1..N contiguously with ids derived from the execution id and seq', async () => {
    const { result, host } = await runOnFakeHost(await workflow(BUSY_WORKFLOW), {}, { engine: await testEngine(), executionId: 'exec-1' });
    expect(result.status).toBe('completed');
    expect(host.events.map((event) => event.seq)).toEqual(host.events.map((_, index) => index + 1));
    expect(host.events.map((event) => event.id)).toEqual(host.events.map((event) => progressEventId('exec-1', event.seq)));
    expect(new Set(host.events.map((event) => event.id)).size).toBe(host.events.length);
    expect(result.lastSeq).toBe(host.events.length);
  });

  it('produces identical event lists (ids, times, data) in two runs of the same workflow', async () => {
    const document = await workflow(BUSY_WORKFLOW);
    const engine = await testEngine();
    const first = await runOnFakeHost(document, { order: 1 }, { engine, executionId: 'same', randoms: [0.25, 0.75] });
    const second = await runOnFakeHost(document, { order: 1 }, { engine, executionId: 'same', randoms: [0.25, 0.75] });
    expect(first.host.events.length).toBeGreaterThan(50);
    expect(second.host.events).toEqual(first.host.events);
    expect(second.result).toEqual(first.result);
  });

  it('stamps events with the virtual clock, so times follow the waits exactly', async () => {
    const document = await workflow(`
do:
  - first:
      wait: { seconds: 2 }
  - second:
      wait: PT0.5S
`);
    const { host } = await runOnFakeHost(document, {}, { engine: await testEngine(), startAt: Date.UTC(2026, 0, 1) });
    const completed = host.events.filter((event) => event.type === 'io.serverlessworkflow.task.completed.v1');
    expect(completed.map((event) => [event.subject, event.time])).toEqual([
      ['/do/0/first', '2026-01-01T00:00:02.000Z'],
      ['/do/1/second', '2026-01-01T00:00:02.500Z'],
    ]);
    expect(host.pendingTimers).toBe(0);
  });

  it('leaves no timer behind when work finishes before its deadline', async () => {
    const document = await workflow(`
timeout:
  after: { minutes: 1 }
do:
  - quick:
      timeout:
        after: { seconds: 10 }
      wait: { milliseconds: 5 }
`);
    const { result, host } = await runOnFakeHost(document, {}, { engine: await testEngine() });
    expect(result.status).toBe('completed');
    expect(host.sleeps.map((sleep) => [sleep.ms, sleep.outcome])).toEqual([
      [5, 'elapsed'],
      [10_000, 'cancelled'],
      [60_000, 'cancelled'],
    ]);
    expect(host.pendingTimers).toBe(0);
  });
});
