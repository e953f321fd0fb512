import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runOnFakeHost } from './fake-host.ts';
import { testEngine } from './test-workflow.ts';
import { workflowDocument, workflowInput } from './workflow-arbitrary.ts';

/** Runs per CI run: the acceptance floor is 2,000 documents. */
const RUNS = Number(process.env.CAIRN_PROPERTY_RUNS ?? 2_000);

describe('interpreter property on the fake host', () => {
  it(`runs ${RUNS} generated documents to completed, faulted (typed RFC 7807 error) or cancelled, never throwing or hanging`, async () => {
    const engine = await testEngine();
    let executed = 0;
    const statuses = { completed: 0, faulted: 0, cancelled: 0 };
    await fc.assert(
      fc.asyncProperty(workflowDocument, workflowInput, async (document, input) => {
        executed += 1;
        // maxEvents cancels runaway loops (backward jumps, retries of retries): the run must still end cleanly.
        const { result, host } = await runOnFakeHost(document, input, {
          engine,
          executionId: `property-${executed}`,
          secrets: { key: 'generated-secret' },
          maxEvents: 150,
          maxTimers: 2_000,
        });
        expect(['completed', 'faulted', 'cancelled']).toContain(result.status);
        statuses[result.status] += 1;
        if (result.status === 'faulted') {
          expect(typeof result.error?.type).toBe('string');
          expect(Number.isInteger(result.error?.status)).toBe(true);
          expect(result.error?.instance).toMatch(/^\//);
        } else {
          expect(result.error).toBeUndefined();
        }
        expect(host.events.map((event) => event.seq)).toEqual(host.events.map((_, index) => index + 1));
        expect(host.pendingTimers).toBe(0);
      }),
      { numRuns: RUNS },
    );
    expect(executed).toBeGreaterThanOrEqual(RUNS);
    // The generator must exercise every outcome, or the property proves little.
    expect(statuses.completed).toBeGreaterThan(0);
    expect(statuses.faulted).toBeGreaterThan(0);
    expect(statuses.cancelled).toBeGreaterThan(0);
  }, 300_000);
});
