import type { Command } from '@commander-js/extra-typings';
import { Option } from '@commander-js/extra-typings';
import { problemToJson } from '../../core/errors.ts';
import { loadDefaultEngine } from '../../jq/node/engine-choice.ts';
import { formatWarning, WorkflowLoadError } from '../../loader/load-workflow.ts';
import { loadRunnableWorkflowFile } from '../../catalogs/load-runnable-workflow.ts';
import { loadSecrets, parseSecretSource, SecretSourceError } from '../../secrets/load-secrets.ts';
import { createDirectoryRegistry } from '../../effects/run/workflow-registry.ts';
import { HOST_NAMES, runOnHost, type HostName } from '../../hosts/index.ts';
import { EXIT } from '../exit-codes.ts';
import { InProcessEventBus } from '../../bus/in-process-bus.ts';
import { handleInterrupt } from '../interrupt.ts';
import { readEventFile, RunEventFeeder } from '../run-events.ts';
import { ArgumentError, parseJsonArgument } from '../parse-json-argument.ts';
import { DEFAULT_MAX_INPUT_BYTES, inputLimitViolation } from '../../core/input-limits.ts';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../../effects/response-body.ts';
import { createProgressView } from '../views/progress-view.ts';
import { parseLimitFlags } from '../limit-options.ts';
import type { ExecutionLimits } from '../../hosts/local/execution-limits.ts';
import type { IsolatedRunOptions } from '../../hosts/local/isolated-run.ts';
import type { ProgressEvent } from '../../core/events.ts';
import type { Json } from '../../core/json.ts';
import type { WorkflowDocument } from '../../core/model.ts';

/** Checked by name so local runs never load the Temporal host's modules. */
function isTemporalUnavailable(error: unknown): boolean {
  return error instanceof Error && error.name === 'TemporalUnavailableError';
}

/**
 * `cairn run FILE`: validates and runs a workflow; the output goes to stdout as JSON, live task
 * progress to stderr. Exit codes: 0 completed, 1 faulted (the RFC 7807 error is the last stderr
 * line), 2 invalid document or arguments, 3 cancelled (Ctrl-C), 4 Temporal unreachable.
 */
function positiveInteger(value: string, option: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new ArgumentError(`${option} must be a positive integer, got "${value}"`);
  return number;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run a workflow file and print its output')
    .argument('<file>', 'workflow document (YAML or JSON)')
    .option('--input <json>', 'workflow input as JSON, or @file.json|yaml', '{}')
    .addOption(new Option('--host <host>', 'where the workflow runs').choices(HOST_NAMES).default('local' as HostName))
    .option('--temporal <host:port>', 'Temporal frontend for --host temporal (default $CAIRN_TEMPORAL_ADDRESS; without either, a local dev server is started when the temporal binary is available)')
    .option('--no-worker', 'with --host temporal: leave the work to a running `cairn worker` instead of starting one in this process')
    .option('--quiet', 'do not show task progress on stderr')
    .option('--workflows <dir>', 'folder of workflow files that run: workflow tasks may start (by namespace, name and version)')
    .option('--secret <NAME=env:VAR|NAME=file:PATH>', 'provide a secret ($secrets.NAME) from an environment variable or a file; repeatable', (spec: string, all: string[]) => [...all, spec], [] as string[])
    .option('--event <file>', 'a CloudEvent (JSON object or array) for the run\'s listen tasks; - reads NDJSON CloudEvents from stdin; repeatable', (spec: string, all: string[]) => [...all, spec], [] as string[])
    .option('--max-input-bytes <bytes>', 'the largest workflow input accepted (serialized JSON)', String(DEFAULT_MAX_INPUT_BYTES))
    .option('--max-response-bytes <bytes>', 'the largest response body an effect reads', String(DEFAULT_MAX_RESPONSE_BYTES))
    .option('--max-memory <MiB>', 'with a limit, the run goes in a worker thread: its heap (local host)')
    .option('--max-duration <seconds>', 'run time of the execution (local host)')
    .option('--max-cpu <seconds>', 'busy (CPU) time of the execution (local host)')
    .option('--max-tasks <n>', 'task instances the execution may start (local host)')
    .option('--max-events <n>', 'progress events the execution may report (local host)')
    .option('--json', 'print the progress events on stderr as NDJSON (one CloudEvent per line) instead of the task tree')
    .addHelpText(
      'after',
      `
Examples:
  $ cairn run examples/order-pipeline.yaml --input @examples/order.json
  $ cairn run flow.yaml --input '{"n": 3}' --host temporal
  $ cairn run approval.yaml --event approved.json          # a CloudEvent for a listen task
  $ producer | cairn run approval.yaml --event -           # NDJSON CloudEvents on stdin

Exit codes: 0 completed, 1 faulted, 2 invalid document/input/arguments, 3 cancelled (Ctrl-C), 4 Temporal unreachable.`,
    )
    .action(async (file, options) => {
      const writeError = (line: string) => process.stderr.write(`${line}\n`);
      let input;
      let document;
      let interrupt: ReturnType<typeof handleInterrupt> | undefined;
      let view: ReturnType<typeof createProgressView> | undefined;
      try {
        input = parseJsonArgument(options.input, '--input');
        const maxInputBytes = positiveInteger(options.maxInputBytes, '--max-input-bytes');
        const maxResponseBytes = positiveInteger(options.maxResponseBytes, '--max-response-bytes');
        const violation = inputLimitViolation(input, maxInputBytes);
        if (violation) throw new ArgumentError(`--input: ${violation}`);
        const limits = parseLimitFlags(options);
        const limited = Object.keys(limits).length > 0;
        if (limited && options.host !== 'local') throw new ArgumentError('--max-memory, --max-duration, --max-cpu, --max-tasks and --max-events apply to --host local');
        const secrets = await loadSecrets(options.secret.map(parseSecretSource));
        const engine = await loadDefaultEngine();
        const startedAt = Date.now();
        document = await loadRunnableWorkflowFile(file, { engine, ...(options.quiet ? {} : { onWarning: (warning) => writeError(formatWarning(warning)) }) });
        const parsing = { startedAt, completedAt: Date.now() };
        const cancel = new AbortController();
        interrupt = handleInterrupt(() => cancel.abort());
        const bus = new InProcessEventBus();
        const feeder = new RunEventFeeder(bus, options.event.length > 0, writeError);
        for (const source of options.event) if (source !== '-') feeder.add(readEventFile(source));
        if (options.event.includes('-')) {
          feeder.readStdin((error) => {
            writeError(`cairn run: ${error.message}`);
            process.exitCode = EXIT.invalid;
            cancel.abort();
          });
        }
        // A run waiting for events has nothing else keeping Node's event loop alive (it would exit with 13).
        const keepAlive = setInterval(() => {}, 60_000);
        view = options.quiet ? undefined : createProgressView({ stream: process.stderr, json: options.json === true });
        // A caller's trace context in the environment (OpenTelemetry's carrier for processes): the execution's trace continues it.
        const traceparent = process.env.TRACEPARENT?.trim();
        const runOptions = {
          engine,
          parsing,
          ...(traceparent ? { traceparent } : {}),
          signal: cancel.signal,
          // Users run their own file: run tasks may start processes (the service decides for itself).
          allowProcesses: true,
          secrets,
          effectPolicy: { maxResponseBytes },
          // The view reads every event as it comes; keeping them all too would grow without bound on long loops.
          retainEvents: false,
          temporal: { ...(options.temporal ? { address: options.temporal } : {}), startWorker: options.worker },
          ...(options.workflows ? { workflows: createDirectoryRegistry(options.workflows, (path) => loadRunnableWorkflowFile(path, { engine })) } : {}),
          bus,
          onEvent: (event: ProgressEvent) => {
            feeder.onProgress(event);
            view?.onEvent(event);
          },
        };
        const result = await (limited
          ? runLimited(document, input, limits, { ...runOptions, ...(options.workflows ? { workflowsDirectory: options.workflows } : {}) })
          : runOnHost(options.host as HostName, document, input, runOptions)
        ).finally(() => {
          clearInterval(keepAlive);
          if (options.event.includes('-')) process.stdin.destroy();
        });
        view?.finish();
        if (result.status === 'completed') {
          process.stdout.write(`${JSON.stringify(result.output ?? null, null, 2)}\n`);
          process.exitCode = EXIT.ok;
        } else if (result.status === 'faulted') {
          writeError(JSON.stringify(problemToJson(result.error!)));
          // An input its workflow's input.schema rejects is bad input (2), not a run that failed (1).
          const inputRejected = result.error!.instance === '/' && result.error!.detail?.startsWith('input does not match its schema') === true;
          process.exitCode = inputRejected ? EXIT.invalid : EXIT.faulted;
        } else if (process.exitCode !== EXIT.invalid) {
          writeError('cancelled');
          process.exitCode = EXIT.cancelled;
        }
      } catch (error) {
        if (error instanceof WorkflowLoadError) writeError(error.format());
        else if (error instanceof ArgumentError || error instanceof SecretSourceError) writeError(`cairn run: ${error.message}`);
        else if (isTemporalUnavailable(error)) {
          writeError(`cairn run: ${(error as Error).message}`);
          process.exitCode = EXIT.unavailable;
          return;
        } else if (interrupt?.interrupted) {
          // Ctrl-C while the host was starting or stopping (a Temporal connection, a worker): still a cancel.
          view?.finish();
          writeError('cancelled');
          process.exitCode = EXIT.cancelled;
          return;
        } else throw error;
        process.exitCode = EXIT.invalid;
      } finally {
        interrupt?.dispose();
      }
    });
}

/** A local run under limits: in a worker thread, stopped from this thread when it exceeds one. */
async function runLimited(
  document: WorkflowDocument,
  input: Json,
  limits: ExecutionLimits,
  options: IsolatedRunOptions & { signal: AbortSignal },
) {
  const { ExecutionWorkerPool } = await import('../../hosts/local/isolated-run.ts');
  const pool = new ExecutionWorkerPool(limits.maxMemoryMb);
  const { signal, allowProcesses, secrets, parsing, workflowsDirectory, onEvent, bus, effectPolicy, traceparent } = options;
  const execution = pool.start(document, input, {
    limits,
    ...(bus ? { bus } : {}),
    ...(effectPolicy ? { effectPolicy } : {}),
    ...(allowProcesses ? { allowProcesses } : {}),
    ...(secrets ? { secrets } : {}),
    ...(parsing ? { parsing } : {}),
    ...(workflowsDirectory ? { workflowsDirectory } : {}),
    ...(onEvent ? { onEvent } : {}),
    ...(traceparent ? { traceparent } : {}),
  });
  signal.addEventListener('abort', () => execution.cancel(), { once: true });
  try {
    return await execution.done;
  } finally {
    await pool.close();
  }
}
