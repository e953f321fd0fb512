import { readFileSync } from 'node:fs';
import type { ExpressionEngine } from '../../src/jq/engine.ts';
import { createJqWasmEngine } from '../../src/jq/wasm/jq-wasm-engine.ts';
import { loadWorkflow, WorkflowLoadError, type LoadWorkflowOptions, type ValidationIssue } from '../../src/loader/load-workflow.ts';

let engine: Promise<ExpressionEngine> | undefined;

/** One jq-wasm engine per test file: loading WASM is the slow part. */
export function sharedEngine(): Promise<ExpressionEngine> {
  engine ??= createJqWasmEngine();
  return engine;
}

export function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

/** The issues `loadWorkflow` rejects `text` with; fails the test when the document loads. */
export async function issuesOf(text: string, fileName = 'workflow.yaml', limits?: LoadWorkflowOptions['limits']): Promise<ValidationIssue[]> {
  try {
    loadWorkflow(text, fileName, { engine: await sharedEngine(), ...(limits ? { limits } : {}) });
  } catch (error) {
    if (error instanceof WorkflowLoadError) return [...error.issues];
    throw error;
  }
  throw new Error('expected the document to be rejected');
}

/** `line:col code` of each issue: compact and exact. */
export function positions(issues: ValidationIssue[]): string[] {
  return issues.map((issue) => `${issue.line}:${issue.column} ${issue.code}`);
}

export const HEADER = `document:
  dsl: '1.0.3'
  namespace: examples
  name: test
  version: '0.1.0'
`;
