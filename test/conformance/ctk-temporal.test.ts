import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEMPORAL_ADDRESS_ENV } from '../../src/hosts/temporal/run-temporal.ts';
import { startTemporalServer, type DevServer } from '../support/temporal-server.ts';
import { startConformanceFixtures, type ConformanceFixtures } from '../fixtures/conformance-fixtures.ts';
import { runScenario, type WorkflowRunner } from './ctk-steps.ts';
import { hostRunner } from './host-runner.ts';
import { loadScenarios } from './load-features.ts';

// The conformance kit on the Temporal host, against a real dev server: the same scenarios, the
// same step definitions and the same fixtures as on the local host.
let server: DevServer;
let fixtures: ConformanceFixtures;
let run: WorkflowRunner;

beforeAll(async () => {
  [server, fixtures] = await Promise.all([startTemporalServer(), startConformanceFixtures()]);
  process.env[TEMPORAL_ADDRESS_ENV] = server.address;
  run = hostRunner('temporal', { endpointRewrites: fixtures.endpointRewrites, scenarioTimeoutMs: 60_000 });
});
afterAll(async () => {
  delete process.env[TEMPORAL_ADDRESS_ENV];
  await fixtures?.close();
  await server?.stop();
});

describe('conformance kit (temporal host)', () => {
  for (const scenario of loadScenarios()) {
    it(`${scenario.feature} › ${scenario.name}`, async () => {
      const outcome = await runScenario(scenario, run);
      expect(outcome.reason).toBeUndefined();
      expect(outcome.passed).toBe(true);
    }, 90_000);
  }
});
