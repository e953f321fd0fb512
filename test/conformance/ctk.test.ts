import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConformanceFixtures, type ConformanceFixtures } from '../fixtures/conformance-fixtures.ts';
import { runScenario, type WorkflowRunner } from './ctk-steps.ts';
import { hostRunner } from './host-runner.ts';
import { loadScenarios } from './load-features.ts';

// The Serverless Workflow conformance kit, one test per scenario, on the local host.
let fixtures: ConformanceFixtures;
let run: WorkflowRunner;

beforeAll(async () => {
  fixtures = await startConformanceFixtures();
  run = hostRunner('local', { endpointRewrites: fixtures.endpointRewrites });
});
afterAll(async () => {
  await fixtures.close();
});

describe('conformance kit (local host)', () => {
  for (const scenario of loadScenarios()) {
    it(`${scenario.feature} › ${scenario.name}`, async () => {
      const outcome = await runScenario(scenario, run);
      expect(outcome.reason).toBeUndefined();
      expect(outcome.passed).toBe(true);
    });
  }
});
