import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadJq } from 'jq-wasm';
import type { Json } from '../../src/core/json.ts';
import { createNativeJqEngine } from '../../src/jq/native-engine.ts';
import { equals, type V } from '../../src/jq/values.ts';
import { readValue } from './jq-cases.ts';
import { expressionArbitrary, jsonArbitrary } from './expression-arbitrary.ts';

/** A run's outcome: every output, or an error (messages are not compared). */
type Outcome = { error: true } | { error: false; outputs: V[] };

const BATCH = 100;
const RUNS = 200;
/** Fixed so CI is reproducible; set JQ_DIFFERENTIAL_SEED to explore other programs. */
const SEED = Number(process.env['JQ_DIFFERENTIAL_SEED'] ?? 20261125);
const ERROR_MARK = '__jq_differential_error__';

/**
 * Random programs on random inputs must behave as jq 1.8.2 (jq-wasm) does: same outputs, or both
 * fail. jq-wasm recompiles on every call (~1,200 calls/s), so a batch of cases runs as one program
 * `[(.[0] | try [E0] catch MARK), ...]` over the array of inputs.
 */
describe('native jq against jq-wasm on generated programs', () => {
  it(`agrees on ${BATCH * RUNS} generated cases`, async () => {
    const jq = await loadJq();
    const engine = createNativeJqEngine({ maxSteps: 1_000_000 });
    let cases = 0;

    const reference = (batch: [string, Json][]): Outcome[] => {
      const program = `[${batch.map(([e], i) => `(.[${i}] | try [${e}] catch "${ERROR_MARK}")`).join(',\n')}]`;
      const r = jq.raw(JSON.stringify(batch.map(([, input]) => input)), program, ['-c']);
      if (r.exitCode !== 0) throw new Error(`jq-wasm rejected a generated batch: ${r.stderr}`);
      const results = readValue(r.stdout.trim()) as V[];
      return results.map((x) => (x === ERROR_MARK ? { error: true } : { error: false, outputs: x as V[] }));
    };

    const native = (expression: string, input: Json): Outcome => {
      const compiled = engine.compile(`. as $x | ${expression}`, []);
      try {
        return { error: false, outputs: compiled.evaluate(input, {}) as V[] };
      } catch {
        return { error: true };
      }
    };

    const agree = (a: Outcome, b: Outcome): boolean =>
      a.error === b.error && (a.error || (b.error === false && a.outputs.length === b.outputs.length && a.outputs.every((v, i) => equals(v, b.outputs[i]!))));

    const run = fc.check(
      fc.property(fc.array(fc.tuple(expressionArbitrary, jsonArbitrary), { minLength: BATCH, maxLength: BATCH }), (batch) => {
        const expected = reference(batch.map(([e, input]) => [`. as $x | ${e}`, input]));
        batch.forEach(([e, input], i) => {
          const got = native(e, input);
          cases++;
          if (!agree(got, expected[i]!)) {
            throw new Error(`disagreement on ${JSON.stringify(input)} | ${e}\n native: ${JSON.stringify(got)}\n jq-wasm: ${JSON.stringify(expected[i])}`);
          }
        });
      }),
      { numRuns: RUNS, endOnFailure: true, seed: SEED },
    );
    // the disagreeing case alone, not fast-check's dump of the whole batch
    if (run.failed) throw run.errorInstance;
    console.log(`differential: ${cases} cases agreed with jq-wasm`);
    expect(cases).toBeGreaterThanOrEqual(20_000);
  }, 120_000);
});
