import { describe, expect, it } from 'vitest';
import { runOnFakeHost } from './fake-host.ts';
import { testEngine, workflow } from './test-workflow.ts';

/** A try that always faults, retried with `policy` (YAML, indented for the catch block). */
async function alwaysFailing(policy: string, extra = ''): Promise<Awaited<ReturnType<typeof workflow>>> {
  return workflow(`${extra}
do:
  - flaky:
      try:
        - fail:
            raise:
              error: { type: https://serverlessworkflow.io/spec/1.0.0/errors/communication, status: 503 }
      catch:
        retry:
${policy}
`);
}

async function retryDelays(policy: string, randoms?: number[]): Promise<number[]> {
  const { result, host } = await runOnFakeHost(await alwaysFailing(policy), {}, { engine: await testEngine(), ...(randoms ? { randoms } : {}) });
  expect(result.status).toBe('completed');
  return host.sleeps.map((sleep) => sleep.ms);
}

describe('retry delays on the fake host (virtual clock)', () => {
  it('constant backoff waits the same delay before every retry', async () => {
    expect(await retryDelays(`
          delay: { milliseconds: 100 }
          backoff: { constant: {} }
          limit: { attempt: { count: 4 } }`)).toEqual([100, 100, 100]);
  });

  it('linear backoff grows by the delay each retry', async () => {
    expect(await retryDelays(`
          delay: { milliseconds: 100 }
          backoff: { linear: {} }
          limit: { attempt: { count: 4 } }`)).toEqual([100, 200, 300]);
  });

  it('exponential backoff multiplies by the factor (2 by default) each retry', async () => {
    expect(await retryDelays(`
          delay: { milliseconds: 100 }
          backoff: { exponential: {} }
          limit: { attempt: { count: 5 } }`)).toEqual([100, 200, 400, 800]);
    expect(await retryDelays(`
          delay: PT1S
          backoff: { exponential: { factor: 3 } }
          limit: { attempt: { count: 3 } }`)).toEqual([1000, 3000]);
  });

  it('jitter adds from + random × (to − from), with the host supplying the random numbers', async () => {
    expect(await retryDelays(`
          delay: { milliseconds: 100 }
          jitter: { from: { milliseconds: 10 }, to: { milliseconds: 50 } }
          limit: { attempt: { count: 4 } }`, [0, 0.5, 1])).toEqual([110, 130, 150]);
  });

  it('reports each retry at the virtual time it is decided, with the attempt about to start', async () => {
    const { host } = await runOnFakeHost(await alwaysFailing(`
          delay: { seconds: 1 }
          backoff: { exponential: {} }
          limit: { attempt: { count: 3 } }`), {}, { engine: await testEngine() });
    const retried = host.events.filter((event) => event.type === 'io.serverlessworkflow.task.retried.v1');
    expect(retried.map((event) => [event.subject, event.attempt, event.time])).toEqual([
      ['/do/0/flaky', 1, '2026-01-01T00:00:00.000Z'],
      ['/do/0/flaky', 2, '2026-01-01T00:00:01.000Z'],
    ]);
  });

  it('limit.duration stops retrying when the next attempt would start past it', async () => {
    expect(await retryDelays(`
          delay: { milliseconds: 100 }
          limit: { duration: { milliseconds: 250 } }`)).toEqual([100, 100]);
  });

  it('limit.attempt.duration times out each attempt on the virtual clock', async () => {
    const document = await workflow(`
do:
  - slow:
      try:
        - hang:
            wait: { minutes: 10 }
      catch:
        errors:
          with: { status: 408 }
        retry:
          delay: { seconds: 1 }
          limit: { attempt: { count: 3, duration: { seconds: 5 } } }
        do:
          - gaveUp:
              set: { at: '\${ $error.type }' }
`);
    const { result, host } = await runOnFakeHost(document, {}, { engine: await testEngine() });
    expect(result).toMatchObject({ status: 'completed', output: { at: 'https://serverlessworkflow.io/spec/1.0.0/errors/timeout' } });
    // 3 attempts of 5 s each, separated by 1 s delays.
    expect(host.now() - Date.UTC(2026, 0, 1)).toBe(3 * 5_000 + 2 * 1_000);
  });

  it('a policy named in use.retries applies like an inline one', async () => {
    const document = await workflow(`
use:
  retries:
    quick:
      delay: { milliseconds: 7 }
      limit: { attempt: { count: 3 } }
do:
  - flaky:
      try:
        - fail:
            raise:
              error: { type: https://serverlessworkflow.io/spec/1.0.0/errors/communication, status: 503 }
      catch:
        retry: quick
`);
    const { host } = await runOnFakeHost(document, {}, { engine: await testEngine() });
    expect(host.sleeps.map((sleep) => sleep.ms)).toEqual([7, 7]);
  });
});
