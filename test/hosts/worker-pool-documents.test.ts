import { afterAll, describe, expect, it } from 'vitest';
import { ExecutionWorkerPool } from '../../src/hosts/local/isolated-run.ts';
import { DOCUMENTS_PER_THREAD } from '../../src/hosts/local/document-shelf.ts';
import { createNativeJqEngine } from '../../src/jq/native-engine.ts';
import { loadWorkflow } from '../../src/loader/load-workflow.ts';

/**
 * A worker thread is sent each document once and afterwards only its id, keeping a bounded shelf
 * of them. Executions run one after another (so on one warm thread) must each run their own
 * document, also when more documents went through the thread than its shelf holds and an evicted
 * one comes back.
 */

const engine = createNativeJqEngine();
const pool = new ExecutionWorkerPool();
afterAll(() => pool.close());

const documents = Array.from({ length: DOCUMENTS_PER_THREAD + 2 }, (_, index) =>
  loadWorkflow(`document: { dsl: '1.0.0', namespace: shelf, name: doc${index}, version: '1.0.0' }\ndo:\n  - mark:\n      set: { document: ${index}, doubled: '\${ .n * 2 }' }\n`, 'workflow.yaml', { engine }),
);

async function run(index: number, n: number) {
  const result = await pool.start(documents[index]!, { n }).done;
  expect(result).toMatchObject({ status: 'completed', output: { document: index, doubled: n * 2 } });
}

describe('documents held by a worker thread', () => {
  it('runs each execution on its own document and input, across more documents than a thread holds', { timeout: 120_000 }, async () => {
    await run(0, 1);
    await run(0, 2);
    for (let index = 1; index < documents.length; index++) await run(index, index);
    await run(0, 3);
    await run(documents.length - 1, 4);
  });
});
