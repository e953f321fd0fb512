import { parseArgs } from 'node:util';
import { HOST_NAMES, type HostName } from '../../src/hosts/index.ts';
import { startConformanceFixtures } from '../fixtures/conformance-fixtures.ts';
import { runScenario } from './ctk-steps.ts';
import { hostRunner } from './host-runner.ts';
import { KITS, loadScenarios, type KitName } from './load-features.ts';

// `npm run ctk -- --host local [--kit v1.0.3|main] [--grep text]`: runs the conformance kit (v1.0.3's,
// or the specification main's) against loopback fixtures standing in for petstore.swagger.io and
// httpbin.org; exits 0 only when every scenario passes.
const { values } = parseArgs({
  options: { host: { type: 'string', default: 'local' }, kit: { type: 'string', default: 'v1.0.3' }, grep: { type: 'string' } },
});
const kit = values.kit as KitName;
if (!(kit in KITS)) {
  console.error(`--kit must be one of ${Object.keys(KITS).join(', ')}, not ${values.kit}`);
  process.exit(2);
}
const host = values.host as HostName;
if (!HOST_NAMES.includes(host)) {
  console.error(`--host must be one of ${HOST_NAMES.join(', ')}, not ${values.host}`);
  process.exit(2);
}

const scenarios = loadScenarios(KITS[kit]).filter(
  (scenario) => values.grep === undefined || `${scenario.feature} › ${scenario.name}`.includes(values.grep),
);
const fixtures = await startConformanceFixtures();
const run = hostRunner(host, { endpointRewrites: fixtures.endpointRewrites });
let passed = 0;
let failed = 0;
try {
  for (const scenario of scenarios) {
    const outcome = await runScenario(scenario, run);
    const title = `${scenario.feature} › ${scenario.name}`;
    if (outcome.passed) {
      passed += 1;
      console.log(`✓ ${title}`);
    } else {
      failed += 1;
      console.log(`✗ ${title} (${scenario.location}): ${outcome.reason}`);
    }
  }
} finally {
  await fixtures.close();
}
console.log(`ctk: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
