import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { Json } from '../../src/core/json.ts';
import { runLocal } from '../../src/hosts/local/run-local.ts';
import { ISSUE, loadWorkflow, WorkflowLoadError } from '../../src/loader/load-workflow.ts';
import type { WorkflowDocument } from '../../src/core/model.ts';
import { mutate, mutationArbitrary } from './document-mutations.ts';
import { fixture, sharedEngine } from './load-helpers.ts';

const RUNS = Number(process.env.CAIRN_MUTATION_RUNS ?? 2_000);
const CODES = new Set<string>(Object.values(ISSUE));
const BASES = ['runnable.yaml', 'valid.yaml'].map((name) => {
  const text = fixture(name);
  return { name, text, data: parse(text) as Json };
});
/** Aborting a run after this long turns endless waits and listens into a `cancelled` result. */
const RUN_BUDGET_MS = 150;
/** A run still going this long after its abort is a hang, reported with the document. */
const HANG_LIMIT_MS = 10_000;

describe('mutated documents (property)', () => {
  it(`loader and local interpreter: ${RUNS} mutated documents, never an untyped failure`, async () => {
    const engine = await sharedEngine();
    const tally = { accepted: 0, rejected: 0, ran: 0 };
    const statuses = new Set(['completed', 'faulted', 'cancelled']);
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: BASES.length - 1 }),
        fc.boolean(),
        fc.array(mutationArbitrary, { minLength: 1, maxLength: 4 }),
        async (baseIndex, asJson, mutations) => {
          const base = BASES[baseIndex]!;
          const fileName = asJson ? 'mutant.json' : 'mutant.yaml';
          const text = mutate(asJson ? JSON.stringify(base.data, null, 2) : base.text, base.data, mutations, asJson);
          let document: WorkflowDocument;
          try {
            document = loadWorkflow(text, fileName, { engine });
          } catch (error) {
            if (!(error instanceof WorkflowLoadError)) throw error;
            tally.rejected++;
            expect(error.issues.length).toBeGreaterThan(0);
            for (const issue of error.issues) {
              expect(CODES.has(issue.code), issue.code).toBe(true);
              expect(issue.file).toBe(fileName);
              expect(issue.line).toBeGreaterThanOrEqual(1);
              expect(issue.column).toBeGreaterThanOrEqual(1);
            }
            return;
          }
          tally.accepted++;
          // Only the runnable base avoids network calls; its mutants go through the interpreter.
          if (base.name !== 'runnable.yaml') return;
          const abort = new AbortController();
          const timer = setTimeout(() => abort.abort(), RUN_BUDGET_MS);
          let stuck: NodeJS.Timeout | undefined;
          const hang = new Promise<never>((_, reject) => {
            stuck = setTimeout(() => reject(new Error(`run ignored cancellation:\n${text}`)), HANG_LIMIT_MS);
          });
          try {
            const result = await Promise.race([runLocal(document, {}, { engine, signal: abort.signal }), hang]);
            expect(statuses.has(result.status), result.status).toBe(true);
            tally.ran++;
          } finally {
            clearTimeout(timer);
            clearTimeout(stuck);
          }
        },
      ),
      { numRuns: RUNS },
    );
    console.log(`mutated documents: ${tally.accepted} accepted (${tally.ran} run), ${tally.rejected} rejected with typed issues`);
    expect(tally.accepted + tally.rejected).toBe(RUNS);
    expect(tally.rejected).toBeGreaterThan(RUNS / 10);
  }, 300_000);
});
