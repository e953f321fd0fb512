import type { ExpressionEngine } from '../../src/jq/engine.ts';
import { loadDefaultEngine } from '../../src/jq/node/engine-choice.ts';
import { runOnHost, type HostName } from '../../src/hosts/index.ts';
import { loadWorkflow } from '../../src/loader/load-workflow.ts';
import type { RunResult, WorkflowRunner } from './ctk-steps.ts';

export interface HostRunnerOptions {
  /** Public origins → loopback fixtures (see `startConformanceFixtures`). */
  endpointRewrites: Record<string, string>;
  /** A scenario still running after this long is cancelled, and so fails. */
  scenarioTimeoutMs?: number;
}

/**
 * Runs scenario workflows on one host, sharing one expression engine across scenarios. Documents
 * go through the same loader as `cairn run` (schema, semantic and expression checks), so a
 * scenario also fails when Cairn would reject its document.
 */
export function hostRunner(host: HostName, options: HostRunnerOptions): WorkflowRunner {
  let engine: Promise<ExpressionEngine> | undefined;
  return async (definition, input, scenario) => {
    engine ??= loadDefaultEngine();
    const document = loadWorkflow(definition, `${scenario.location} (definition)`, { engine: await engine });
    const timeoutMs = options.scenarioTimeoutMs ?? 30_000;
    const signal = AbortSignal.timeout(timeoutMs);
    const result = await runOnHost(host, document, input, {
      engine: await engine,
      endpointRewrites: options.endpointRewrites,
      signal,
    });
    if (signal.aborted) throw new Error(`the workflow did not finish within ${timeoutMs / 1000} s and was cancelled`);
    const outcome: RunResult = { status: result.status, events: result.events };
    if (result.output !== undefined) outcome.output = result.output;
    if (result.error !== undefined) outcome.error = result.error;
    return outcome;
  };
}
