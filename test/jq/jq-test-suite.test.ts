import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createNativeJqEngine } from '../../src/jq/native-engine.ts';
import { loadReferenceJq, passes, runNative, runReference } from './jq-cases.ts';
import { readJqTests, type JqTestCase } from './jq-test-file.ts';

/**
 * jq's official tests/jq.test (copied here with its COPYING licence) against the native engine, with
 * jq-wasm (jq 1.8.2) as the reference: every case jq-wasm passes must pass natively, except these,
 * which need what workflow expressions may not do. `%%FAIL` cases must fail to compile (the message
 * is not compared: jq's bison messages name parser states). A runtime error after the expected
 * outputs passes, as in jq's own runner.
 */
const EXCLUDED: Record<string, string> = {
  'try input catch .': 'input is disabled: expressions read no input stream',
};
const MODULE_CASE = /^(import|include) |modulemeta/;

const cases = readJqTests(fileURLToPath(new URL('./jq.test', import.meta.url)));

function excludedReason(c: JqTestCase): string | undefined {
  if (c.fail) return undefined;
  return EXCLUDED[c.program] ?? (MODULE_CASE.test(c.program) ? 'modules are disabled: import/include reach outside the expression' : undefined);
}

describe('jq.test conformance', () => {
  it('passes every case jq-wasm passes, except the disabled builtins', async () => {
    let jq = await loadReferenceJq();
    const engine = createNativeJqEngine({ maxSteps: 100_000_000, maxDepth: 10_001 });
    let nativePassed = 0;
    let referencePassed = 0;
    const regressions: string[] = [];
    for (const c of cases) {
      const native = passes(c, runNative(engine, c));
      const referenceRun = runReference(jq, c);
      if (referenceRun === null) jq = await loadReferenceJq();
      const reference = passes(c, referenceRun);
      if (native) nativePassed++;
      if (reference) referencePassed++;
      if (reference && !native && !excludedReason(c)) regressions.push(`jq.test:${c.line}: ${c.program}`);
    }
    console.log(`native jq: ${nativePassed}/${cases.length} passed, jq-wasm: ${referencePassed}/${cases.length}`);
    expect(regressions).toEqual([]);
  });

  it('excludes only cases that exist and that the native engine rejects', () => {
    const engine = createNativeJqEngine();
    const excluded = cases.filter((c) => excludedReason(c));
    expect(excluded.length).toBeGreaterThan(0);
    for (const c of excluded) expect(() => engine.compile(c.program, []), c.program).toThrow(/not allowed in workflow expressions/);
  });
});
