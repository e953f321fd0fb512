/**
 * The `cairn/temporal` entry: run Cairn's generic workflow in your own `@temporalio/worker` Worker
 * and start or follow executions with your own `@temporalio/client` Client.
 *
 *   const worker = await Worker.create({ connection, taskQueue: 'cairn-workflows', ...(await cairnWorkerOptions()) });
 *   const handle = await startExecution(client, document, { input, taskQueue: 'cairn-workflows' });
 *   const result = await executionResult(handle);
 */
import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Json, JsonObject } from '../core/json.ts';
import type { WorkflowDocument } from '../core/model.ts';
import type { ProgressEvent } from '../core/events.ts';
import type { ExecutionOutcome } from '../hosts/temporal/messages.ts';
import { outcomeOf, startExecution as startGenericWorkflow } from '../hosts/temporal/client.ts';
import { registerSearchAttributes } from '../hosts/temporal/register-search-attributes.ts';
import { SecretStore } from '../secrets/secret-store.ts';
import { operatorEffectPolicy, type OperatorPolicyOptions } from '../effects/operator-policy.ts';
import { cairnWorkerParts, type CairnWorkerParts } from '../hosts/temporal/worker.ts';

export { DEFAULT_TASK_QUEUE, WORKFLOW_TYPE, progressQuery, taskTreeQuery, suspendSignal, resumeSignal, eventSignal } from '../hosts/temporal/messages.ts';
export type { ExecutionOutcome, ExecutionStatus, ProgressQueryResult, TaskTreeQueryResult } from '../hosts/temporal/messages.ts';
export type { CairnWorkerParts } from '../hosts/temporal/worker.ts';
export { EgressRuleError } from '../effects/egress/egress-policy.ts';

export interface CairnWorkerOptions {
  /** `$secrets` the activities resolve `{ secret }` references with (values never enter history). */
  secrets?: JsonObject;
  /** Whether `run` tasks and MCP over stdio may start processes on the worker's machine (default false). */
  allowProcesses?: boolean;
  /** Called with each batch of progress events (in `seq` order per execution) of executions started with `reportProgress`. */
  onProgress?: (events: ProgressEvent[]) => void | Promise<void>;
  /** Base64 AES-256 key of the encrypting payload codec (default `$CAIRN_TEMPORAL_CODEC_KEY`); clients need the same. */
  codecKey?: string;
  /**
   * What effects may reach and read, as on `cairn worker`: given, the service's defaults apply (cloud
   * metadata refused; loopback, private and link-local ranges closed unless `egressAllow` opens them;
   * local files only under `allowFiles`); absent, effects reach any address and read any file.
   */
  effectPolicy?: WorkerEffectPolicy;
}

/** The operator's policy for a worker's effects (rules as `cairn worker --egress-allow` takes them; see docs/security.md). */
export type WorkerEffectPolicy = OperatorPolicyOptions;

/**
 * The options to spread into `Worker.create`: the bundled generic workflow (`workflowBundle`),
 * Cairn's `activities`, the `sinks` progress events leave workflows through, and the
 * `dataConverter` with its payload codec. The bundle is built once per process.
 * A malformed `effectPolicy` rule throws `EgressRuleError` naming it.
 */
export function cairnWorkerOptions(options: CairnWorkerOptions = {}): Promise<CairnWorkerParts> {
  const policy = options.effectPolicy;
  return cairnWorkerParts({
    ...(policy ? { effectPolicy: operatorEffectPolicy(policy) } : {}),
    ...(options.secrets ? { secrets: new SecretStore(options.secrets) } : {}),
    ...(options.allowProcesses ? { allowProcesses: true } : {}),
    ...(options.onProgress ? { progressSink: options.onProgress } : {}),
    ...(options.codecKey ? { codecKey: options.codecKey } : {}),
  });
}

export interface StartExecutionOptions {
  input?: Json;
  /** The Temporal workflow id (default a random UUID). */
  executionId?: string;
  /** The worker's task queue (default `cairn-workflows`). */
  taskQueue?: string;
  /** Ship progress batches to the worker's `onProgress` as the workflow runs. */
  reportProgress?: boolean;
  /** Only with a client whose payload codec encrypts (`cairnWorkerOptions().dataConverter`). */
  secrets?: JsonObject;
}

/**
 * Starts an execution of a loaded document as the generic workflow. Registers Cairn's search
 * attributes in the client's namespace first when they are missing (needs operator rights once).
 */
export async function startExecution(client: Client, document: WorkflowDocument, options: StartExecutionOptions = {}): Promise<WorkflowHandle> {
  await registerSearchAttributes(client.connection.operatorService, client.options.namespace);
  return startGenericWorkflow(client, document, options.input ?? {}, {
    executionId: options.executionId ?? randomUUID(),
    ...(options.taskQueue ? { taskQueue: options.taskQueue } : {}),
    ...(options.secrets ? { secrets: options.secrets } : {}),
    options: options.reportProgress ? { reportProgress: true } : {},
  });
}

/** Waits for the execution's end: `completed` with `output`, `faulted` with an RFC 7807 `error`, or `cancelled`. */
export function executionResult(handle: WorkflowHandle): Promise<ExecutionOutcome> {
  return outcomeOf(handle);
}
