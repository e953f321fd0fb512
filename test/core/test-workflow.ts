import type { ExpressionEngine } from '../../src/jq/engine.ts';
import type { WorkflowDocument } from '../../src/core/model.ts';
import { loadDefaultEngine } from '../../src/jq/node/engine-choice.ts';
import { loadWorkflow } from '../../src/loader/load-workflow.ts';

let engine: Promise<ExpressionEngine> | undefined;

/** The expression engine the hosts use by default, created once per test file. */
export function testEngine(): Promise<ExpressionEngine> {
  engine ??= loadDefaultEngine();
  return engine;
}

/** A workflow from the YAML of its `do` list (and any other top-level fields), checked by the loader. */
export async function workflow(body: string, name = 'core-test'): Promise<WorkflowDocument> {
  const header = `document:\n  dsl: '1.0.3'\n  namespace: test\n  name: ${name}\n  version: '1.0.0'\n`;
  return loadWorkflow(header + body, `${name}.yaml`, { engine: await testEngine() });
}
