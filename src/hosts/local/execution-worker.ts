import { parentPort } from 'node:worker_threads';
import type { ProgressEvent } from '../../core/events.ts';
import type { JsonObject } from '../../core/json.ts';
import type { EventBus } from '../../bus/event-bus.ts';
import { loadDefaultEngine } from '../../jq/node/engine-choice.ts';
import { createDirectoryRegistry, type WorkflowRegistry } from '../../effects/run/workflow-registry.ts';
import type { WorkflowDocument } from '../../core/model.ts';
import type { ExpressionEngine } from '../../jq/engine.ts';
import { effectPolicyFromData } from './effect-policy-data.ts';
import { runOnHost } from '../index.ts';
import { LocalSuspension } from './suspension.ts';
import type { FromWorker, ToWorker, WorkerRunRequest } from './worker-protocol.ts';

/**
 * Entry of an execution worker thread (see `isolated-run.ts`): runs one execution at a time on the
 * local host and reports back through messages; the parent may reuse it for the next execution.
 */

const port = parentPort!;
const post = (message: FromWorker) => port.postMessage(message);
/** Events go out in batches: one message per event would cost more than running the task. */
const BATCH = 256;

/** The parent's bus seen from here: emits go up, published CloudEvents come down. */
class ParentBus implements EventBus {
  private readonly listeners = new Set<(event: JsonObject) => void>();

  async publish(event: JsonObject): Promise<void> {
    post({ kind: 'publish', event });
  }

  subscribe(listener: (event: JsonObject) => void): () => void {
    const entry = (event: JsonObject) => listener(event);
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  deliver(event: JsonObject): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}

/** `run: workflow` lookups waiting for the parent's answer, by request id. */
const lookups = new Map<number, { resolve: (document: WorkflowDocument | undefined) => void; reject: (error: Error) => void }>();
let nextLookup = 0;

/** The parent's workflow registry (the service's registered workflows), asked through messages. */
const parentRegistry: WorkflowRegistry = {
  find(namespace, name, version) {
    const requestId = (nextLookup += 1);
    return new Promise((resolve, reject) => {
      lookups.set(requestId, { resolve, reject });
      post({ kind: 'find-workflow', requestId, namespace, name, version });
    });
  },
};

function workflowsFor(request: WorkerRunRequest, engine: ExpressionEngine): WorkflowRegistry | undefined {
  if (request.workflowsFromParent) return parentRegistry;
  if (!request.workflowsDirectory) return undefined;
  // The loader is imported only by runs that load workflow files: a thread loads faster without it.
  return createDirectoryRegistry(request.workflowsDirectory, async (path) => {
    const { loadRunnableWorkflowFile } = await import('../../catalogs/load-runnable-workflow.ts');
    return loadRunnableWorkflowFile(path, { engine });
  });
}

const engineLoaded = loadDefaultEngine();
let current: { abort: AbortController; suspension: LocalSuspension; bus: ParentBus } | undefined;

async function run(request: WorkerRunRequest): Promise<void> {
  const abort = new AbortController();
  const suspension = new LocalSuspension();
  const bus = new ParentBus();
  current = { abort, suspension, bus };
  let pending: ProgressEvent[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    post({ kind: 'events', events: pending });
    pending = [];
  };
  let scheduled = false;
  const onEvent = (event: ProgressEvent) => {
    pending.push(event);
    if (pending.length >= BATCH) flush();
    else if (!scheduled) {
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        flush();
      });
    }
  };
  try {
    const engine = await engineLoaded;
    const workflows = workflowsFor(request, engine);
    const result = await runOnHost('local', request.document, request.input, {
      executionId: request.executionId,
      engine,
      bus,
      onEvent,
      retainEvents: false,
      signal: abort.signal,
      suspension,
      ...(request.allowProcesses ? { allowProcesses: true } : {}),
      ...(request.secrets ? { secrets: request.secrets } : {}),
      ...(request.parsing ? { parsing: request.parsing } : {}),
      ...(request.endpointRewrites ? { endpointRewrites: request.endpointRewrites } : {}),
      ...(workflows ? { workflows } : {}),
      ...(request.effectPolicy ? { effectPolicy: effectPolicyFromData(request.effectPolicy) } : {}),
      ...(request.traceparent ? { traceparent: request.traceparent } : {}),
      ...(request.outputUri ? { outputUri: request.outputUri } : {}),
    });
    flush();
    post({
      kind: 'finished',
      status: result.status,
      ...(result.output !== undefined ? { output: result.output } : {}),
      ...(result.error ? { error: result.error } : {}),
    });
  } catch (error) {
    flush();
    post({ kind: 'crashed', message: error instanceof Error ? error.message : String(error) });
  } finally {
    current = undefined;
  }
}

port.on('message', (message: ToWorker) => {
  switch (message.kind) {
    case 'start':
      void run(message.run);
      return;
    case 'cancel':
      current?.suspension.resume();
      current?.abort.abort();
      return;
    case 'suspend':
      current?.suspension.suspend();
      return;
    case 'resume':
      current?.suspension.resume();
      return;
    case 'cloudevent':
      current?.bus.deliver(message.event);
      return;
    case 'workflow': {
      const lookup = lookups.get(message.requestId);
      lookups.delete(message.requestId);
      if (message.error !== undefined) lookup?.reject(new Error(message.error));
      else lookup?.resolve(message.document);
      return;
    }
  }
});

void engineLoaded.then(() => post({ kind: 'ready' }));
