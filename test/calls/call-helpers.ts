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

export function workflowPath(name: string): string {
  return fileURLToPath(new URL(`./workflows/${name}.yaml`, import.meta.url));
}

/** Loads `test/calls/workflows/<name>.yaml` through the same loader as `cairn run`. */
export async function loadCallWorkflow(name: string): Promise<WorkflowDocument> {
  return loadWorkflowFile(workflowPath(name), { engine: await sharedEngine() });
}

/** Runs a loaded document on the local host with the shared engine. */
export async function runDocument(document: WorkflowDocument, input: Json = {}, options: RunOnHostOptions = {}): Promise<ExecutionResult> {
  return runOnHost('local', document, input, { engine: await sharedEngine(), ...options });
}

/** Pointers of the tasks that started, in order. */
export function startedTasks(result: ExecutionResult): string[] {
  return result.events
    .filter((event) => event.type === 'io.serverlessworkflow.task.started.v1')
    .map((event) => String((event.data as { task?: unknown }).task));
}
