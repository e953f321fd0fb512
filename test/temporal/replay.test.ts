import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import webpack from 'webpack';
import { installQuietRuntime, replayWorkerOptions, WORKFLOW_BUNDLE_OPTIONS, WORKFLOWS_PATH } from '../../src/hosts/temporal/worker.ts';

// Histories recorded from the dev server (record-histories.ts) must replay on the current code:
// a change to the order of the interpreter's host calls breaks executions already running. Those
// recorded before a patch (a subfolder named after it, patches.ts) replay down the old path. The
// second test shows the check bites: a deliberately non-deterministic interpreter fails replay.
const HISTORIES = new URL('./histories/', import.meta.url);
const NONDETERMINISTIC = fileURLToPath(new URL('./nondeterministic-interpreter.ts', import.meta.url));

function recordedHistories(): { workflowId: string; history: unknown }[] {
  return readdirSync(HISTORIES, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => ({ workflowId: name.replace(/\.json$/, ''), history: JSON.parse(readFileSync(new URL(name, HISTORIES), 'utf8')) }));
}

async function replayErrors(workflowBundle: WorkflowBundleWithSourceMap): Promise<Record<string, string | undefined>> {
  const errors: Record<string, string | undefined> = {};
  const { sinks } = await replayWorkerOptions();
  for await (const result of Worker.runReplayHistories({ workflowBundle, sinks }, recordedHistories())) {
    errors[result.workflowId] = result.error ? `${result.error.name}: ${result.error.message}` : undefined;
  }
  return errors;
}

/** The workflow bundle with the interpreter swapped for the non-deterministic one. */
function bundleWithChangedInterpreter(): Promise<WorkflowBundleWithSourceMap> {
  const swap = new webpack.NormalModuleReplacementPlugin(/core\/interpreter\.ts$/, (resource: { context: string; request: string }) => {
    if (resource.context.endsWith('/src/hosts/temporal')) resource.request = NONDETERMINISTIC;
  });
  return bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    webpackConfigHook: (config) => {
      const hooked = WORKFLOW_BUNDLE_OPTIONS.webpackConfigHook!(config);
      hooked.plugins = [...(hooked.plugins ?? []), swap];
      return hooked;
    },
  });
}

installQuietRuntime();

describe('replaying recorded histories', () => {
  it('every recorded history replays on the current interpreter', async () => {
    const errors = await replayErrors((await replayWorkerOptions()).workflowBundle);
    expect(Object.keys(errors).length).toBeGreaterThanOrEqual(21);
    expect(errors).toEqual(Object.fromEntries(Object.keys(errors).map((id) => [id, undefined])));
  }, 120_000);

  it('a non-deterministic interpreter change fails the replay of histories with effects', async () => {
    const errors = await replayErrors(await bundleWithChangedInterpreter());
    for (const version of ['', 'before-fewer-promises/', 'before-progress-sink/']) {
      expect(errors[`${version}http-error`]).toMatch(/DeterminismViolationError|[Nn]ondetermin/);
      expect(errors[`${version}try-retry`]).toMatch(/DeterminismViolationError|[Nn]ondetermin/);
      expect(errors[`${version}set-switch`]).toBeUndefined();
    }
  }, 120_000);
});
