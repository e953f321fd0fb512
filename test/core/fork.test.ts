import { describe, expect, it } from 'vitest';
import { runOnFakeHost } from './fake-host.ts';
import { testEngine, workflow } from './test-workflow.ts';

const COMPLETED = 'io.serverlessworkflow.task.completed.v1';
const CANCELLED = 'io.serverlessworkflow.task.cancelled.v1';

describe('fork on the fake host (virtual clock)', () => {
  it('outputs branch results in declaration order whatever order they complete in', async () => {
    const document = await workflow(`
do:
  - gather:
      fork:
        branches:
          - a:
              do:
                - nap: { wait: { milliseconds: 300 } }
                - out: { set: { branch: a } }
          - b:
              do:
                - nap: { wait: { milliseconds: 100 } }
                - out: { set: { branch: b } }
          - c:
              do:
                - nap: { wait: { milliseconds: 200 } }
                - out: { set: { branch: c } }
`);
    const { result, host } = await runOnFakeHost(document, {}, { engine: await testEngine() });
    expect(result).toMatchObject({ status: 'completed', output: [{ branch: 'a' }, { branch: 'b' }, { branch: 'c' }] });
    const branchCompletions = host.events
      .filter((event) => event.type === COMPLETED && /branches\/\d\/\w$/.test(event.subject ?? ''))
      .map((event) => event.subject);
    expect(branchCompletions).toEqual([
      '/do/0/gather/fork/branches/1/b',
      '/do/0/gather/fork/branches/2/c',
      '/do/0/gather/fork/branches/0/a',
    ]);
  });

  it('with compete, outputs the first branch to finish and cancels the losers (sleeps rejected, task.cancelled)', async () => {
    const document = await workflow(`
do:
  - race:
      fork:
        compete: true
        branches:
          - slow:
              wait: { seconds: 30 }
          - fast:
              do:
                - nap: { wait: { milliseconds: 50 } }
                - out: { set: { winner: fast } }
          - slower:
              do:
                - nap: { wait: { minutes: 5 } }
                - out: { set: { winner: slower } }
`);
    const { result, host } = await runOnFakeHost(document, {}, { engine: await testEngine() });
    expect(result).toMatchObject({ status: 'completed', output: { winner: 'fast' } });
    expect(host.sleeps.map((sleep) => [sleep.ms, sleep.outcome])).toEqual([
      [30_000, 'cancelled'],
      [50, 'elapsed'],
      [300_000, 'cancelled'],
    ]);
    expect(host.events.filter((event) => event.type === CANCELLED).map((event) => event.subject)).toEqual([
      '/do/0/race/fork/branches/0/slow',
      '/do/0/race/fork/branches/2/slower/do/0/nap',
      '/do/0/race/fork/branches/2/slower',
    ]);
    expect(host.pendingTimers).toBe(0);
    // The fork completed at the winner's time, not the losers'.
    expect(host.now()).toBe(Date.UTC(2026, 0, 1) + 50);
  });

  it('with compete, faults only when every branch faults, with the first error', async () => {
    const document = await workflow(`
do:
  - race:
      fork:
        compete: true
        branches:
          - late:
              do:
                - nap: { wait: { milliseconds: 20 } }
                - fail:
                    raise:
                      error: { type: https://example.com/errors/late, status: 500 }
          - early:
              raise:
                error: { type: https://example.com/errors/early, status: 503 }
`);
    const { result } = await runOnFakeHost(document, {}, { engine: await testEngine() });
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({ type: 'https://example.com/errors/early', status: 503, instance: '/do/0/race/fork/branches/1/early' });
  });

  it('with compete, a branch that faults first does not win: the first branch to complete does', async () => {
    const document = await workflow(`
do:
  - race:
      fork:
        compete: true
        branches:
          - failsFast:
              raise:
                error: { type: https://example.com/errors/fast-failure, status: 500 }
          - succeedsLater:
              do:
                - nap: { wait: { milliseconds: 40 } }
                - out: { set: { winner: succeedsLater } }
`);
    const { result, host } = await runOnFakeHost(document, {}, { engine: await testEngine() });
    expect(result).toMatchObject({ status: 'completed', output: { winner: 'succeedsLater' } });
    expect(host.now()).toBe(Date.UTC(2026, 0, 1) + 40);
  });

  it('without compete, the first fault cancels the running siblings', async () => {
    const document = await workflow(`
do:
  - all:
      fork:
        branches:
          - sleeper:
              wait: { hours: 1 }
          - failing:
              do:
                - nap: { wait: { milliseconds: 10 } }
                - fail:
                    raise:
                      error: { type: https://example.com/errors/x, status: 500 }
`);
    const { result, host } = await runOnFakeHost(document, {}, { engine: await testEngine() });
    expect(result.error).toMatchObject({ type: 'https://example.com/errors/x', instance: '/do/0/all/fork/branches/1/failing/do/1/fail' });
    expect(host.sleeps.map((sleep) => [sleep.ms, sleep.outcome])).toEqual([
      [3_600_000, 'cancelled'],
      [10, 'elapsed'],
    ]);
    expect(host.now()).toBe(Date.UTC(2026, 0, 1) + 10);
  });
});
