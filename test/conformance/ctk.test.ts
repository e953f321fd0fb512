import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConformanceFixtures, type ConformanceFixtures } from '../fixtures/conformance-fixtures.ts';
import { runScenario, type WorkflowRunner } from './ctk-steps.ts';
import { hostRunner } from './host-runner.ts';
import { KITS, loadScenarios } from './load-features.ts';

// The conformance kits (v1.0.3's and the specification main's), one test per scenario, on the local host.
let fixtures: ConformanceFixtures;
let run: WorkflowRunner;

beforeAll(async () => {
  fixtures = await startConformanceFixtures();
  run = hostRunner('local', { endpointRewrites: fixtures.endpointRewrites });
});
afterAll(async () => {
  await fixtures.close();
});

for (const [kit, directory] of Object.entries(KITS)) {
  describe(`conformance kit ${kit} (local host)`, () => {
    for (const scenario of loadScenarios(directory)) {
      it(`${scenario.feature} › ${scenario.name}`, async () => {
        const outcome = await runScenario(scenario, run);
        expect(outcome.reason).toBeUndefined();
        expect(outcome.passed).toBe(true);
      });
    }
  });
}
