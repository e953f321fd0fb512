import { fileURLToPath } from 'node:url';
import type { ExpressionEngine } from '../../src/jq/engine.ts';
import type { Json } from '../../src/core/json.ts';
import type { WorkflowDocument } from '../../src/core/model.ts';
import { loadDefaultEngine } from '../../src/jq/node/engine-choice.ts';
import { runOnHost, type ExecutionResult, type RunOnHostOptions } from '../../src/hosts/index.ts';
import { loadWorkflowFile } from '../../src/loader/load-workflow.ts';

let engine: Promise<ExpressionEngine> | undefined;

export function sharedEngine(): Promise<ExpressionEngine> {
  engine ??= loadDefaultEngine();
  return engine;
}

/** Loads `test/dsl/workflows/<name>.yaml` through the same loader as `cairn run`. */
export async function loadDslWorkflow(name: string): Promise<WorkflowDocument> {
  const path = fileURLToPath(new URL(`./workflows/${name}.yaml`, import.meta.url));
  return loadWorkflowFile(path, { engine: await sharedEngine() });
}

/** Runs a workflow file of `test/dsl/workflows` on the local host. */
export async function runDslWorkflow(name: string, input: Json = {}, options: RunOnHostOptions = {}): Promise<ExecutionResult> {
  const document = await loadDslWorkflow(name);
  return runOnHost('local', document, input, { engine: await sharedEngine(), ...options });
}

/** Polls `check` until it holds (bounded): for effects that happen after a task already returned. */
export async function eventually(check: () => boolean, what: string, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
