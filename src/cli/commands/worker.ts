import { statSync } from 'node:fs';
import type { Command } from '@commander-js/extra-typings';
import { loadRunnableWorkflowFile } from '../../catalogs/load-runnable-workflow.ts';
import { createDirectoryRegistry } from '../../effects/run/workflow-registry.ts';
import { loadDefaultEngine } from '../../jq/node/engine-choice.ts';
import { loadSecrets, parseSecretSource, SecretSourceError } from '../../secrets/load-secrets.ts';
import { SecretStore } from '../../secrets/secret-store.ts';
import { EXIT } from '../exit-codes.ts';
import { EFFECT_POLICY_OPTIONS, ownEndpointRulesOf, parseEffectPolicyFlags, repeatable } from '../effect-policy-options.ts';
import { ArgumentError } from '../parse-json-argument.ts';

/** Same value as the Temporal host's default; repeated so `cairn --help` does not load the Temporal SDK. */
const DEFAULT_TASK_QUEUE = 'cairn-workflows';

/**
 * `cairn worker --temporal HOST:PORT`: runs the generic workflow and Cairn's activities for one
 * task queue until SIGINT/SIGTERM, then drains (running activities finish) and exits 0.
 * Exit code 4 when Temporal cannot be reached. Its effects run under the service's policy (it runs
 * documents `cairn serve --temporal` accepted): egress and local files closed unless opened.
 */
export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run a Temporal worker for workflows started with --host temporal')
    .requiredOption('--temporal <host:port>', 'Temporal frontend address')
    .option('--namespace <ns>', 'Temporal namespace', 'default')
    .option('--task-queue <queue>', 'task queue to poll', DEFAULT_TASK_QUEUE)
    .option('--secret <NAME=env:VAR|NAME=file:PATH>', 'a secret effects may use ({ secret } references); repeatable', (spec: string, all: string[]) => [...all, spec], [] as string[])
    .option('--allow-processes', 'let run tasks start processes (shell, script, container)')
    .option('--workflows <dir>', 'folder of workflow files that run: workflow tasks may start (by namespace, name and version)')
    .option('--service <url>', 'execution service that receives progress (ReportProgress with each execution\'s report token); default: the URL the execution names')
    .option(...EFFECT_POLICY_OPTIONS.allowFiles)
    .option(...EFFECT_POLICY_OPTIONS.egressAllow, repeatable, [] as string[])
    .option(...EFFECT_POLICY_OPTIONS.egressDeny, repeatable, [] as string[])
    .option(...EFFECT_POLICY_OPTIONS.maxResponseBytes)
    .action(async (options) => {
      const { connectWorker, createCairnWorker } = await import('../../hosts/temporal/worker.ts');
      let secrets;
      try {
        secrets = new SecretStore(await loadSecrets(options.secret.map(parseSecretSource)));
      } catch (error) {
        if (!(error instanceof SecretSourceError)) throw error;
        process.stderr.write(`cairn worker: ${error.message}\n`);
        process.exitCode = EXIT.invalid;
        return;
      }
      if (options.service !== undefined && !/^https?:\/\/[^/]+/.test(options.service)) {
        process.stderr.write(`cairn worker: --service must be the service's http(s) URL, e.g. http://127.0.0.1:8420, got "${options.service}"\n`);
        process.exitCode = EXIT.invalid;
        return;
      }
      let effectPolicy;
      try {
        // Effects must not call the worker's own Temporal frontend or the service it reports to.
        const ownEndpoints = [...ownEndpointRulesOf(options.temporal, 7233), ...(options.service ? ownEndpointRulesOf(options.service, /^https:/.test(options.service) ? 443 : 80) : [])];
        effectPolicy = parseEffectPolicyFlags(options, ownEndpoints);
      } catch (error) {
        if (!(error instanceof ArgumentError)) throw error;
        process.stderr.write(`cairn worker: ${error.message}\n`);
        process.exitCode = EXIT.invalid;
        return;
      }
      if (options.workflows !== undefined && !statSync(options.workflows, { throwIfNoEntry: false })?.isDirectory()) {
        process.stderr.write(`cairn worker: --workflows must name a folder of workflow files, got "${options.workflows}"\n`);
        process.exitCode = EXIT.invalid;
        return;
      }
      let connection;
      try {
        connection = await connectWorker(options.temporal);
      } catch (error) {
        process.stderr.write(`cairn worker: cannot reach Temporal at ${options.temporal}: ${(error as Error).message}\n`);
        process.exitCode = EXIT.unavailable;
        return;
      }
      const worker = await createCairnWorker({
        connection,
        namespace: options.namespace,
        taskQueue: options.taskQueue,
        secrets,
        allowProcesses: options.allowProcesses === true,
        effectPolicy,
        ...(options.service ? { serviceUrl: options.service } : {}),
        ...(options.workflows ? { workflows: await directoryRegistry(options.workflows) } : {}),
      });
      const stop = () => worker.shutdown();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      process.stderr.write(
        `cairn worker: polling ${options.taskQueue} on ${options.temporal} (namespace ${options.namespace})${options.service ? `, reporting progress to ${options.service}` : ''}\n`,
      );
      try {
        await worker.run();
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        await connection.close();
      }
      process.exitCode = EXIT.ok;
    });
}

/** Sub-workflows are loaded (and validated) on first use, as `cairn run --workflows` loads them. */
async function directoryRegistry(directory: string) {
  const engine = await loadDefaultEngine();
  return createDirectoryRegistry(directory, (path) => loadRunnableWorkflowFile(path, { engine }));
}
