import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveCatalogFunctions } from '../../src/catalogs/resolve-catalog-functions.ts';
import type { Json } from '../../src/core/json.ts';
import { createNativeJqEngine } from '../../src/jq/native-engine.ts';
import { runOnHost } from '../../src/hosts/index.ts';
import { ISSUE, loadWorkflowFile, type ValidationIssue } from '../../src/loader/load-workflow.ts';
import { validateAgainstSchema } from '../../src/loader/schema.ts';
import { CORPUS_RUNS, NOT_RUN } from './expected.ts';
import { startCorpusServices, type CorpusServices } from './corpus-server.ts';

// The specification's own examples (see NOTICE): every one validates against the v1.0.3 and main
// schemas, and every one that needs no external service runs against loopback stand-ins.
const folder = fileURLToPath(new URL('./examples/', import.meta.url));
const examples = readdirSync(folder).filter((name) => name.endsWith('.yaml')).sort();
const engine = createNativeJqEngine({ now: () => Date.now() / 1000 });
/** Examples that use constructs only the specification's main defines (they load with a warning under 1.0.3). */
const POST_RELEASE = new Set(['for-inline-array.yaml', 'try-catch-then-directive.yaml']);

describe('spec examples validate', () => {
  for (const name of examples) {
    it(name, async () => {
      const document = parse(readFileSync(join(folder, name), 'utf8'));
      expect(validateAgainstSchema(document, 'main')).toEqual([]);
      expect(validateAgainstSchema(document, 'release').length === 0).toBe(!POST_RELEASE.has(name));
      const warnings: ValidationIssue[] = [];
      await loadWorkflowFile(join(folder, name), { engine, onWarning: (warning) => warnings.push(warning) });
      expect(warnings.some((warning) => warning.code === ISSUE.postRelease)).toBe(POST_RELEASE.has(name));
    });
  }

  it('every example is either run below or says why it is not', () => {
    const covered = new Set([...CORPUS_RUNS.map((run) => run.file), ...Object.keys(NOT_RUN)]);
    expect(examples.filter((name) => !covered.has(name))).toEqual([]);
  });
});

describe('spec examples run against loopback services (local host)', () => {
  let services: CorpusServices;
  beforeAll(async () => {
    services = await startCorpusServices();
  });
  afterAll(async () => {
    await services.close();
  });

  for (const run of CORPUS_RUNS) {
    it(`${run.file}: ${run.title}`, { timeout: 20_000 }, async () => {
      const file = join(folder, run.file);
      const loaded = await loadWorkflowFile(file, { engine });
      const document = await resolveCatalogFunctions(loaded, { fileName: file, engine, endpointRewrites: services.endpointRewrites });
      const result = await runOnHost('local', document, run.input as Json, {
        engine,
        endpointRewrites: services.endpointRewrites,
        allowProcesses: true,
        signal: AbortSignal.timeout(15_000),
      });
      if (run.error) {
        expect(result.status).toBe('faulted');
        expect(result.error).toMatchObject(run.error);
      } else {
        expect(result.error).toBeUndefined();
        expect(result.status).toBe('completed');
        expect(result.output).toEqual(run.output);
      }
    });
  }
});
