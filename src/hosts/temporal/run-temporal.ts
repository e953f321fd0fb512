import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { Json } from '../../core/json.ts';
import { executionTraceparent } from '../../core/trace-context.ts';
import type { WorkflowDocument } from '../../core/model.ts';
import type { ExecutionResult, LocalRunOptions } from '../local/run-local.ts';
import { awaitChildExecutions, routeProgressByExecution } from './child-executions.ts';
import { followExecution, ProgressCollector, startExecution } from './client.ts';
import { CODEC_KEY_ENV, EncryptionCodec, payloadCodecs } from './encryption-codec.ts';
import { DEFAULT_TASK_QUEUE } from './messages.ts';
import { SecretStore } from '../../secrets/secret-store.ts';
import { acquireDevServer } from './shared-dev-server.ts';
import { connectWorker, createCairnWorker } from './worker.ts';

export interface TemporalConnectionOptions {
  /** `HOST:PORT` of a Temporal frontend; without it a dev server is started (and stopped) for the run. */
  address?: string;
  namespace?: string;
  /**
   * Run an in-process worker for this execution (on a task queue of its own, so the run's
   * endpoint rewrites and event bus apply). When false, a `cairn worker` on `taskQueue` must run.
   */
  startWorker?: boolean;
  taskQueue?: string;
  /**
   * Base64 AES-256 key of the payload codec (default `CAIRN_TEMPORAL_CODEC_KEY`); required to pass
   * secrets to an external worker. A run with its own worker and secrets makes a one-off key.
   */
  codecKey?: string;
}

export interface TemporalRunOptions extends LocalRunOptions {
  temporal?: TemporalConnectionOptions;
}

/** Temporal could not be reached, or no dev server could be started (the CLI's exit code 4). */
export class TemporalUnavailableError extends Error {
  readonly code = 'CAIRN_ERR_TEMPORAL_UNAVAILABLE';
  constructor(message: string) {
    super(message);
    this.name = 'TemporalUnavailableError';
  }
}

/** Environment variable naming a Temporal server the temporal host uses when given no address. */
export const TEMPORAL_ADDRESS_ENV = 'CAIRN_TEMPORAL_ADDRESS';

/**
 * `runOnHost('temporal', …)`: runs a validated document as the generic Temporal workflow and
 * returns what the local host returns (status, output or error, every progress event in order).
 */
export async function runTemporal(document: WorkflowDocument, input: Json, options: TemporalRunOptions = {}): Promise<ExecutionResult> {
  const executionId = options.executionId ?? randomUUID();
  const startWorker = options.temporal?.startWorker ?? true;
  const hasSecrets = options.secrets !== undefined && Object.keys(options.secrets).length > 0;
  const codecKey = options.temporal?.codecKey ?? process.env[CODEC_KEY_ENV] ?? (hasSecrets && startWorker ? EncryptionCodec.generateKey() : undefined);
  if (hasSecrets && !codecKey) {
    throw new Error(`secrets need an encrypting payload codec shared with the worker: set ${CODEC_KEY_ENV} on both, so they never reach Temporal history in clear`);
  }
  const taskQueue = options.temporal?.taskQueue ?? (startWorker ? `cairn-run-${executionId}` : DEFAULT_TASK_QUEUE);
  const namespace = options.temporal?.namespace ?? 'default';
  const address = options.temporal?.address ?? process.env[TEMPORAL_ADDRESS_ENV];
  const devServer = address ? undefined : await acquireDevServer().catch((error: Error) => {
    throw new TemporalUnavailableError(`no Temporal address given and no dev server could be started: ${error.message}`);
  });
  const target = address ?? devServer!.address;
  let connection: Connection | undefined;
  let workerConnection: Awaited<ReturnType<typeof connectWorker>> | undefined;
  try {
    try {
      connection = await Connection.connect({ address: target });
      workerConnection = startWorker ? await connectWorker(target) : undefined;
    } catch (error) {
      throw new TemporalUnavailableError(`cannot reach Temporal at ${target}: ${(error as Error).message}`);
    }
    // With its own worker the run's events are pushed by the reportProgress activity, in process.
    const pushed = workerConnection ? new ProgressCollector(options.onEvent) : undefined;
    const worker = workerConnection
      ? await createCairnWorker({
          connection: workerConnection,
          namespace,
          taskQueue,
          bus: options.bus,
          endpointRewrites: options.endpointRewrites,
          maxCachedWorkflows: 10,
          codecKey,
          progressSink: routeProgressByExecution(executionId, pushed!, options.onEvent),
          ...(hasSecrets ? { secrets: new SecretStore(options.secrets!) } : {}),
          allowProcesses: options.allowProcesses === true,
          ...(options.workflows ? { workflows: options.workflows } : {}),
          ...(options.effectPolicy ? { effectPolicy: options.effectPolicy } : {}),
        })
      : undefined;
    const tracing = options.trace ? await import('../../observability/temporal-tracing.ts') : undefined;
    const client = new Client({ connection, namespace, dataConverter: { payloadCodecs: payloadCodecs(codecKey) }, ...(tracing ? { interceptors: await tracing.clientInterceptors() } : {}) });
    const run = async (): Promise<ExecutionResult> => {
      const start = () =>
        startExecution(client, document, input, {
          executionId,
          taskQueue,
          options: { reportProgress: pushed !== undefined, ...(options.parsing ? { parsing: options.parsing } : {}), ...(options.trace ? { trace: options.trace } : {}) },
          ...(hasSecrets ? { secrets: options.secrets } : {}),
        });
      // Temporal's own spans of the execution (start, run, activities) go below the execution's span.
      const handle = await (tracing && options.trace ? tracing.underSpan(executionTraceparent(options.trace, executionId), start) : start());
      const followed = await followExecution(handle, { onEvent: options.onEvent, signal: options.signal, pushed });
      if (worker) await awaitChildExecutions(client, executionId, options.signal);
      return { status: followed.status, output: followed.output, error: followed.error, lastSeq: followed.lastSeq, executionId, events: followed.events };
    };
    return worker ? await worker.runUntil(run) : await run();
  } finally {
    await connection?.close();
    await workerConnection?.close();
    await devServer?.release();
  }
}
