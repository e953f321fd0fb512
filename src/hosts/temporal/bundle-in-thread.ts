import { dirname, extname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';

/**
 * Builds the workflow bundle (webpack) in a worker thread: webpack's heap goes away with the
 * thread, where in the worker's own thread it left ~160 MiB of resident memory behind for the
 * process's lifetime. The thread runs this module again and answers with the bundle.
 */
export function bundleInThread(traced: boolean): Promise<WorkflowBundleWithSourceMap> {
  const self = JSON.stringify(import.meta.url);
  // From sources (tests, tsx) the thread registers tsx to load TypeScript first; compiled code needs
  // nothing (and an installed package has no tsx).
  const entry = extname(fileURLToPath(import.meta.url)) === '.ts' ? `import(${tsxApiUrl()}).then((tsx) => tsx.register()).then(() => import(${self}))` : `import(${self})`;
  return new Promise((resolve, reject) => {
    const thread = new Worker(entry, { eval: true, workerData: { bundleWorkflow: true, traced } });
    thread.once('message', resolve);
    thread.once('error', reject);
    thread.once('exit', (code) => reject(new Error(`the workflow bundler thread exited (${code}) without a bundle`)));
  });
}

function tsxApiUrl(): string {
  return JSON.stringify(pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href);
}

// Not a top-level await: worker.ts imports this module, and awaiting its import here would deadlock the cycle.
const request = workerData as { bundleWorkflow?: boolean; traced?: boolean } | undefined;
if (!isMainThread && request?.bundleWorkflow) {
  void import('./worker.ts')
    .then(({ bundleWorkflowCodeHere }) => bundleWorkflowCodeHere(request.traced === true))
    .then((bundle) => parentPort!.postMessage(bundle));
}
