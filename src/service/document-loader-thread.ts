import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { WorkflowDocument } from '../core/model.ts';
import { loadDefaultEngine } from '../jq/node/engine-choice.ts';
import { loadWorkflow, WorkflowLoadError } from '../loader/load-workflow.ts';
import type { ParseLimits } from '../loader/parse-source.ts';
import type { ValidationIssue } from '../loader/issue.ts';

interface LoadRequest {
  id: number;
  text: string;
  fileName: string;
  limits: Partial<ParseLimits>;
}

type LoadReply = { id: number; document: WorkflowDocument } | { id: number; issues: ValidationIssue[] } | { id: number; failure: string };

/** Heap of the loading thread: a document at the service's size limit parses in far less. */
const THREAD_MEMORY_MB = 512;

/** Starts this very module as the thread (`.ts` from source through tsx, `.js` from a build). */
function startThread(): Worker {
  const self = import.meta.url;
  const options = { workerData: { cairnDocumentLoader: true }, resourceLimits: { maxOldGenerationSizeMb: THREAD_MEMORY_MB } };
  if (!self.endsWith('.ts')) return new Worker(new URL(self), options);
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(self)}); })`, { ...options, eval: true });
}

/**
 * Parses and validates workflow documents in a thread of its own: a large document (YAML parsing,
 * schema and expression checks take seconds for tens of thousands of tasks) never blocks the
 * service's event loop. Loads run one at a time, in order; the thread starts on first use and is
 * started again if it dies (a document that exhausted its heap fails alone).
 */
export class DocumentLoaderThread {
  private thread: Worker | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (document: WorkflowDocument) => void; reject: (error: Error) => void }>();

  /** The loaded document; rejects with `WorkflowLoadError` (its issues) as `loadWorkflow` throws it. */
  load(text: string, fileName: string, limits: Partial<ParseLimits> = {}): Promise<WorkflowDocument> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.running().postMessage({ id, text, fileName, limits } satisfies LoadRequest);
    });
  }

  async close(): Promise<void> {
    const thread = this.thread;
    this.thread = undefined;
    await thread?.terminate();
  }

  private running(): Worker {
    if (this.thread) return this.thread;
    const thread = startThread();
    thread.unref();
    thread.on('message', (reply: LoadReply) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (!waiting) return;
      if ('document' in reply) waiting.resolve(reply.document);
      else if ('issues' in reply) waiting.reject(new WorkflowLoadError(reply.issues));
      else waiting.reject(new Error(reply.failure));
    });
    const fail = (error: Error) => {
      if (this.thread === thread) this.thread = undefined;
      for (const [id, waiting] of this.pending) {
        this.pending.delete(id);
        waiting.reject(new Error(`loading the document failed: ${error.message}`));
      }
    };
    thread.on('error', fail);
    thread.on('exit', (code) => fail(new Error(`the loading thread exited (${code})`)));
    this.thread = thread;
    return thread;
  }
}

async function serveLoads(): Promise<void> {
  const engine = await loadDefaultEngine();
  parentPort!.on('message', ({ id, text, fileName, limits }: LoadRequest) => {
    let reply: LoadReply;
    try {
      reply = { id, document: loadWorkflow(text, fileName, { engine, limits }) };
    } catch (error) {
      reply = error instanceof WorkflowLoadError ? { id, issues: [...error.issues] } : { id, failure: (error as Error)?.message ?? String(error) };
    }
    parentPort!.postMessage(reply);
  });
}

if (!isMainThread && (workerData as { cairnDocumentLoader?: boolean } | undefined)?.cairnDocumentLoader) void serveLoads();
