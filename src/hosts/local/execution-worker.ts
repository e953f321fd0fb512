import { parentPort, workerData } from 'node:worker_threads';
import type { ProgressEvent } from '../../core/events.ts';
import type { JsonObject } from '../../core/json.ts';
import type { EventBus } from '../../bus/event-bus.ts';
import { loadDefaultEngine } from '../../jq/node/engine-choice.ts';
import { createDirectoryRegistry, type WorkflowRegistry } from '../../effects/run/workflow-registry.ts';
import type { WorkflowDocument } from '../../core/model.ts';
import type { EffectPolicy } from '../../effects/effect-context.ts';
import type { ExpressionEngine } from '../../jq/engine.ts';
import { effectPolicyFromData } from './effect-policy-data.ts';
import { tracingConfigured } from '../../observability/otel-env.ts';
import { runOnHost } from '../index.ts';
import { LocalSuspension } from './suspension.ts';
import { DocumentShelf } from './document-shelf.ts';
import type { ExecutionReport, FromWorker, ToWorker, WorkerRunRequest, WorkerStart } from './worker-protocol.ts';

/**
 * Entry of an execution worker thread (see `isolated-run.ts`): runs one execution at a time on the
 * local host and reports back through messages; the parent may reuse it for the next execution.
 */

const port = parentPort!;
/** 1 while an execution runs here, 0 once its end is posted: the parent reads it to tell a thread about to be free. */
const running = new Int32Array((workerData as { running: SharedArrayBuffer }).running);
/** Reports go out at the latest after this many events: one message per turn of a long burst would grow without bound. */
const BATCH = 256;

/** What the execution reports, sent once per event-loop turn in the order it was made. */
class Outbox {
  private reports: Array<ExecutionReport | ProgressEvent[]> = [];
  private events = 0;
  private scheduled = false;

  event(event: ProgressEvent): void {
    const last = this.reports.at(-1);
    if (Array.isArray(last)) last.push(event);
    else this.reports.push([event]);
    this.events += 1;
    if (this.events >= BATCH) this.flush();
    else this.schedule();
  }

  report(report: ExecutionReport): void {
    this.reports.push(report);
    this.schedule();
  }

  /** The execution's last report goes out at once, marking the thread free for its next start. */
  end(report: ExecutionReport): void {
    this.reports.push(report);
    Atomics.store(running, 0, 0);
    this.flush();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.reports.length === 0) return;
    const reports = this.reports.map((report): ExecutionReport => (Array.isArray(report) ? { kind: 'events', events: report } : report));
    this.reports = [];
    this.events = 0;
    port.postMessage({ kind: 'reports', reports } satisfies FromWorker);
  }
}

const outbox = new Outbox();

/** The parent's bus seen from here: emits go up, published CloudEvents come down. */
class ParentBus implements EventBus {
  private readonly listeners = new Set<(event: JsonObject) => void>();

  async publish(event: JsonObject): Promise<void> {
    outbox.report({ kind: 'publish', event });
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
      outbox.report({ kind: 'find-workflow', requestId, namespace, name, version });
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
/** Documents sent by the parent, by id (its `ThreadHoldings` mirrors this shelf). */
const documents = new DocumentShelf<WorkflowDocument>();
/** The effect policy last sent, rebuilt once for every execution it applies to. */
let effectPolicy: EffectPolicy | undefined;
let current: { abort: AbortController; suspension: LocalSuspension; bus: ParentBus } | undefined;

function start(message: WorkerStart): void {
  Atomics.store(running, 0, 1);
  if (message.effectPolicy !== undefined) effectPolicy = message.effectPolicy ? effectPolicyFromData(message.effectPolicy) : undefined;
  if (message.document) documents.put(message.documentId, message.document);
  const document = message.document ?? documents.take(message.documentId);
  if (document) void run({ ...message.run, document }, effectPolicy);
  else outbox.end({ kind: 'crashed', message: `document ${message.documentId} is not held by its thread` });
}

async function run(request: WorkerRunRequest, policy: EffectPolicy | undefined): Promise<void> {
  const abort = new AbortController();
  const suspension = new LocalSuspension();
  const bus = new ParentBus();
  current = { abort, suspension, bus };
  try {
    const engine = await engineLoaded;
    const workflows = workflowsFor(request, engine);
    const result = await runOnHost('local', request.document, request.input, {
      executionId: request.executionId,
      engine,
      bus,
      onEvent: (event) => outbox.event(event),
      retainEvents: false,
      signal: abort.signal,
      suspension,
      ...(request.allowProcesses ? { allowProcesses: true } : {}),
      ...(request.secrets ? { secrets: request.secrets } : {}),
      ...(request.parsing ? { parsing: request.parsing } : {}),
      ...(request.endpointRewrites ? { endpointRewrites: request.endpointRewrites } : {}),
      ...(workflows ? { workflows } : {}),
      ...(policy ? { effectPolicy: policy } : {}),
      ...(request.traceparent ? { traceparent: request.traceparent } : {}),
      ...(request.outputUri ? { outputUri: request.outputUri } : {}),
    });
    current = undefined;
    outbox.end({
      kind: 'finished',
      status: result.status,
      ...(result.output !== undefined ? { output: result.output } : {}),
      ...(result.error ? { error: result.error } : {}),
    });
  } catch (error) {
    current = undefined;
    outbox.end({ kind: 'crashed', message: error instanceof Error ? error.message : String(error) });
  }
}

port.on('message', (message: ToWorker) => {
  switch (message.kind) {
    case 'start':
      return start(message);
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

void engineLoaded.then(() => port.postMessage({ kind: 'ready' } satisfies FromWorker));

// The thread's runs export their spans themselves; what they lose is counted by the parent's metrics.
if (tracingConfigured()) {
  void import('../../observability/tracing.ts')
    .then(({ loadTracing }) => loadTracing())
    .then((tracing) => tracing.onSpansLost((reason, count) => port.postMessage({ kind: 'spans-lost', reason, count } satisfies FromWorker)))
    // Not the thread's end: a run that needs tracing fails on the same load, with its execution named.
    .catch(() => undefined);
}
