import { createHash, randomUUID } from 'node:crypto';
import { DEFAULT_MAX_INPUT_BYTES, inputLimitViolation } from '../core/input-limits.ts';
import type { EventBus } from '../bus/event-bus.ts';
import type { ProgressEvent } from '../core/events.ts';
import { traceRoot } from '../core/trace-context.ts';
import { tracingConfigured } from '../observability/otel-env.ts';
import type { ExpressionEngine } from '../jq/engine.ts';
import { isJsonObject, type Json, type JsonObject } from '../core/json.ts';
import type { WorkflowDocument } from '../core/model.ts';
import { ISSUE } from '../loader/issue-codes.ts';
import { loadWorkflow, WorkflowLoadError } from '../loader/load-workflow.ts';
import {
  StoreError,
  type AppendResult,
  type ExecutionFilter,
  type ExecutionPage,
  type ExecutionRecord,
  type ExecutionStore,
  type TaskState,
  type WorkflowDocumentRecord,
  type WorkflowRef,
  type WorkflowSummary,
} from '../store/execution-store.ts';
import { isTerminal } from '../store/workflow-transition.ts';
import { valueHashOf } from '../store/stored-values.ts';
import { ServiceError } from './errors.ts';
import { EventWriter } from './event-writer.ts';
import type { EngineRun, ExecutionEngine } from './execution-engine.ts';
import type { ExecutionOwnership } from './cluster/service-cluster.ts';
import type { DocumentLoaderThread } from './document-loader-thread.ts';
import { DEFAULT_MAX_DOCUMENT_BYTES, DEFAULT_MAX_DOCUMENT_TASKS } from './document-limits.ts';
import type { LiveHub } from './live-hub.ts';
import type { ServiceMetrics } from './metrics.ts';
import { ProgressMetrics } from './progress-metrics.ts';
import { invalidScheduleError, parseSchedule, ScheduleError } from './schedules/schedule-spec.ts';

export interface StartRequest {
  /** Inline workflow text (YAML or JSON). */
  document?: string;
  /** A registered workflow; without `version`, its latest. */
  workflow?: { namespace?: string; name?: string; version?: string };
  input?: Json;
}

export interface ExecutionSnapshot {
  execution: ExecutionRecord;
  /** Task instances of the newest task events (a bounded window; see `ExecutionStore.getTasks`). */
  tasks: TaskState[];
  /** Set when older task events exist: ask again with `tasksBeforeSeq` set to it for the previous window. */
  tasksBeforeSeq?: number;
}

export interface ExecutionServiceOptions {
  store: ExecutionStore;
  engine: ExecutionEngine;
  expressions: ExpressionEngine;
  hub: LiveHub;
  bus: EventBus;
  metrics: ServiceMetrics;
  reportToken: (executionId: string) => string;
  /** Who runs which execution when several service instances share the store (this one alone otherwise). */
  ownership?: ExecutionOwnership;
  /** Called after a new version is registered (the scheduler re-arms the workflow's schedule). */
  onRegistered?: (namespace: string, name: string) => Promise<void>;
  /** `execution`: the ids of the execution the line is about, as fields of the record (the message names it too). */
  log: (message: string, error?: unknown, execution?: Pick<ExecutionLogFields, 'executionId'> & Partial<ExecutionLogFields>) => void;
  /** The largest workflow input a start accepts (serialized JSON bytes). */
  maxInputBytes?: number;
  /** The largest workflow document a start or registration accepts (UTF-8 bytes) and its most tasks; defaults in document-limits.ts. */
  maxDocumentBytes?: number;
  maxDocumentTasks?: number;
  /** Loads documents sent to the API off the event loop (`cairn serve`); without it they load in this thread. */
  documentLoader?: DocumentLoaderThread;
  /** One structured line per execution start and end (execution and trace ids, workflow, status). */
  logExecution?: (fields: ExecutionLogFields, message: string) => void;
}

/** How many distinct loaded documents the service keeps. */
const LOADED_DOCUMENTS = 256;

/** A load error as the API answers it: over a size limit, 413 `CAIRN_ERR_DOCUMENT_TOO_LARGE`; otherwise 400 `CAIRN_ERR_INVALID_WORKFLOW`. */
function loadFailure(error: WorkflowLoadError): ServiceError {
  const tooLarge = error.issues.some((issue) => issue.code === ISSUE.tooLarge);
  return new ServiceError(tooLarge ? 'CAIRN_ERR_DOCUMENT_TOO_LARGE' : 'CAIRN_ERR_INVALID_WORKFLOW', error.message, error.issues);
}

/** Maps store errors to API errors, keeping their message. */
async function storeCall<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof StoreError) {
      throw new ServiceError(error.code === 'CAIRN_ERR_STORE_CONFLICT' ? 'CAIRN_ERR_CONFLICT' : 'CAIRN_ERR_INVALID_REQUEST', error.message);
    }
    throw error;
  }
}

/**
 * The API's behaviour, once: the HTTP/JSON routes and the gRPC/Connect service both call this.
 * Everything a watcher sees goes through the store first, then a hub notice.
 */
export interface ExecutionLogFields {
  executionId: string;
  traceId: string;
  workflow: string;
  status?: string;
}

export class ExecutionService {
  /** Loaded documents by content hash, newest use last: a registered version is parsed and validated once, not per start. */
  private readonly loaded = new Map<string, WorkflowDocument>();
  private readonly progressMetrics: ProgressMetrics;

  constructor(private readonly options: ExecutionServiceOptions) {
    this.progressMetrics = new ProgressMetrics(options.metrics);
  }

  /** Parses and validates a workflow text (typed API error on failure); documents are never modified, so one is shared by every run of the same text. */
  load(text: string, fileName: string): WorkflowDocument {
    const key = this.cacheKey(text, fileName);
    const cached = this.cached(key);
    if (cached) return cached;
    try {
      return this.remember(key, loadWorkflow(text, fileName, { engine: this.options.expressions, limits: this.documentLimits() }));
    } catch (error) {
      throw error instanceof WorkflowLoadError ? loadFailure(error) : error;
    }
  }

  /** `load` for a document sent to the API: its size checked first, then loaded off the event loop when the service has a loader thread. */
  private async accept(text: string, fileName: string): Promise<WorkflowDocument> {
    const limit = this.options.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
    const bytes = Buffer.byteLength(text);
    if (bytes > limit) throw new ServiceError('CAIRN_ERR_DOCUMENT_TOO_LARGE', `the workflow document is ${bytes} bytes; the limit is ${limit} (max-document-bytes)`);
    const loader = this.options.documentLoader;
    const key = this.cacheKey(text, fileName);
    const cached = this.cached(key);
    if (cached || !loader) return cached ?? this.load(text, fileName);
    try {
      return this.remember(key, await loader.load(text, fileName, this.documentLimits()));
    } catch (error) {
      throw error instanceof WorkflowLoadError ? loadFailure(error) : error;
    }
  }

  private documentLimits() {
    return { maxTasks: this.options.maxDocumentTasks ?? DEFAULT_MAX_DOCUMENT_TASKS };
  }

  private cacheKey(text: string, fileName: string): string {
    return createHash('sha256').update(fileName).update('\u0000').update(text).digest('base64');
  }

  private cached(key: string): WorkflowDocument | undefined {
    const cached = this.loaded.get(key);
    if (cached) {
      this.loaded.delete(key);
      this.loaded.set(key, cached);
    }
    return cached;
  }

  private remember(key: string, document: WorkflowDocument): WorkflowDocument {
    this.loaded.set(key, document);
    if (this.loaded.size > LOADED_DOCUMENTS) this.loaded.delete(this.loaded.keys().next().value!);
    return document;
  }

  /** `traceparent`: the start request's W3C trace context, which the execution's trace continues. */
  async start(request: StartRequest, options: { traceparent?: string } = {}): Promise<ExecutionRecord> {
    let text: string;
    if (typeof request.document === 'string') {
      text = request.document;
    } else {
      const { namespace = 'default', name, version } = request.workflow ?? {};
      if (!name) throw new ServiceError('CAIRN_ERR_INVALID_REQUEST', 'give either "document" (inline workflow text) or "workflow.name"');
      const registered = await this.options.store.getWorkflow(namespace, name, version);
      if (!registered) throw new ServiceError('CAIRN_ERR_NOT_FOUND', `workflow ${namespace}/${name}${version ? `@${version}` : ''} is not registered`);
      text = registered.document;
    }
    const input = request.input ?? {};
    const violation = inputLimitViolation(input, this.options.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES);
    if (violation) throw new ServiceError('CAIRN_ERR_INPUT_TOO_LARGE', violation);
    // A registered document was accepted when it was registered.
    if (typeof request.document === 'string') await this.accept(text, 'workflow.yaml');
    return this.startText(text, input, options);
  }

  /** The scheduler's start: a registered version, an id fixed by the occasion (so it starts once) and what triggered it. */
  async startScheduled(workflow: WorkflowRef, input: Json, options: { id: string; trigger: string }): Promise<ExecutionRecord> {
    const registered = await this.options.store.getWorkflow(workflow.namespace, workflow.name, workflow.version);
    if (!registered) throw new ServiceError('CAIRN_ERR_NOT_FOUND', `workflow ${workflow.namespace}/${workflow.name}@${workflow.version} is not registered`);
    return this.startText(registered.document, input, options);
  }

  private async startText(text: string, input: Json, options: { id?: string; trigger?: string; traceparent?: string } = {}): Promise<ExecutionRecord> {
    const document = this.load(text, 'workflow.yaml');
    const { namespace, name, version } = document.document;
    const id = options.id ?? randomUUID();
    const ownership = this.options.ownership;
    // Claimed before it exists, so an execution is never without its instance (and a scheduled occasion starts once).
    if (ownership && !(await ownership.claim(id))) throw new ServiceError('CAIRN_ERR_CONFLICT', `execution ${id} already exists`);
    const record = await storeCall(
      this.options.store.createExecution({
        id,
        workflow: { namespace, name, version },
        document: text,
        input,
        createdAt: new Date().toISOString(),
        engine: this.options.engine.name,
        ...(options.trigger ? { trigger: options.trigger } : {}),
      }),
    ).catch(async (error: unknown) => {
      await ownership?.release(id);
      throw error;
    });
    this.progressMetrics.track(id, document.document, document);
    this.options.hub.changed(record);
    const fields = { executionId: id, traceId: traceRoot(id, options.traceparent).traceId, workflow: `${namespace}/${name}@${version}` };
    this.options.logExecution?.(fields, 'execution started');
    this.options.engine.start({ ...this.engineRun(id, document, input, fields, options.traceparent), ...(options.traceparent ? { traceparent: options.traceparent } : {}) });
    return record;
  }

  /** What the engine calls back with: events are stored in batches, the end once they are. */
  private engineRun(id: string, document: WorkflowDocument, input: Json, logFields?: ExecutionLogFields, traceparent?: string): EngineRun {
    const writer = new EventWriter(
      async (events) => {
        await this.ingest(events);
      },
      (error) => this.options.log(`storing events of execution ${id} failed`, error, logFields ?? { executionId: id }),
    );
    return {
      executionId: id,
      document,
      input,
      reportToken: this.options.reportToken(id),
      onEvent: (event) => writer.push(event),
      onFinish: (outcome, events) => {
        void writer
          .flush()
          .then(() => this.backfill(id, events))
          .then(() => this.options.store.finishExecution(id, outcome))
          .then(async (finished) => {
            if (logFields) this.options.logExecution?.({ ...logFields, status: outcome.status }, 'execution ended');
            if (finished) this.announce(finished);
            await this.options.ownership?.release(id);
            if (this.options.engine.runsElsewhere && tracingConfigured()) {
              const { traceStoredExecution } = await import('../observability/trace-stored.ts');
              await traceStoredExecution(document, id, traceparent, (afterSeq) => this.options.store.readEvents(id, afterSeq, { limit: 1_000 }));
            }
          })
          .catch((error: unknown) => this.options.log(`recording the end of execution ${id} failed`, error, logFields ?? { executionId: id }));
      },
    };
  }

  async get(id: string, window: { tasksBeforeSeq?: number } = {}): Promise<ExecutionSnapshot> {
    const execution = await this.record(id);
    const { tasks, olderFromSeq } = await this.options.store.getTasks(id, window.tasksBeforeSeq !== undefined ? { beforeSeq: window.tasksBeforeSeq } : {});
    return { execution, tasks, ...(olderFromSeq !== undefined ? { tasksBeforeSeq: olderFromSeq } : {}) };
  }

  /** One page of a task's instances (loop iterations), newest first, as their events; `cursor` is a previous page's `nextCursor`. */
  async taskInstances(id: string, query: { pointer: string; cursor?: string; limit?: number; iteration?: string }): Promise<{ events: ProgressEvent[]; nextCursor?: string }> {
    await this.record(id);
    if (query.cursor !== undefined && !/^[1-9]\d{0,15}$/.test(query.cursor)) throw new ServiceError('CAIRN_ERR_INVALID_REQUEST', 'field "cursor" is not a cursor this service issued');
    const page = await this.options.store.getTaskInstances(id, query.pointer, {
      limit: query.limit ?? 10,
      ...(query.cursor !== undefined ? { beforeSeq: Number(query.cursor) } : {}),
      ...(query.iteration !== undefined ? { iteration: query.iteration } : {}),
    });
    return { events: page.events, ...(page.olderFromSeq !== undefined ? { nextCursor: String(page.olderFromSeq) } : {}) };
  }

  private async record(id: string): Promise<ExecutionRecord> {
    const execution = await this.options.store.getExecution(id);
    if (!execution) throw new ServiceError('CAIRN_ERR_NOT_FOUND', `execution ${id} does not exist`);
    return execution;
  }

  /** The JSON text of a value the execution refers to by reference (`inputUri`/`outputUri`, task outputs). */
  async value(id: string, hash: string): Promise<string> {
    const text = await this.options.store.readValue(id, hash);
    if (text === undefined) throw new ServiceError('CAIRN_ERR_NOT_FOUND', `execution ${id} holds no value ${hash}`);
    return text;
  }

  private async inputOf(execution: ExecutionRecord): Promise<Json> {
    const hash = execution.inputUri === undefined ? undefined : valueHashOf(execution.inputUri);
    return hash === undefined ? (execution.input ?? null) : (JSON.parse(await this.value(execution.id, hash)) as Json);
  }

  /** The text the execution runs; for one only reported here (a `run: workflow` child), the registered version it names, if any. */
  async document(id: string): Promise<string> {
    const document = await this.options.store.getExecutionDocument(id);
    if (document === undefined) throw new ServiceError('CAIRN_ERR_NOT_FOUND', `execution ${id} does not exist`);
    if (document !== '') return document;
    const { namespace, name, version } = (await this.record(id)).workflow;
    return (await this.options.store.getWorkflow(namespace, name, version))?.document ?? '';
  }

  list(filter: ExecutionFilter): Promise<ExecutionPage> {
    return storeCall(this.options.store.listExecutions(filter));
  }

  /** `reason` (cancel only) is kept with the execution and shown beside its cancelled status. */
  async control(id: string, action: 'cancel' | 'suspend' | 'resume', reason?: string): Promise<ExecutionRecord> {
    let execution = await this.record(id);
    if (isTerminal(execution.status)) throw new ServiceError('CAIRN_ERR_CONFLICT', `execution ${id} already ended (${execution.status})`);
    if (action === 'cancel' && reason && (await this.options.store.recordCancelReason(id, reason))) execution = { ...execution, cancelReason: reason };
    if (this.options.engine[action](id)) return execution;
    if (await this.options.ownership?.forward(id, action)) return execution;
    if (action !== 'cancel') throw new ServiceError('CAIRN_ERR_CONFLICT', `execution ${id} is not running in this service's ${this.options.engine.name} engine`);
    // Nobody runs it any more (the service restarted): cancelling just records the end.
    const cancelled = await this.options.store.finishExecution(id, { status: 'cancelled', at: new Date().toISOString() });
    if (cancelled) {
      this.progressMetrics.ended(id, cancelled.workflow, 'cancelled');
      this.announce(cancelled);
    }
    return cancelled ?? execution;
  }

  /** ReportProgress: stores a batch (idempotently) and wakes the streams of the executions it touched. */
  async ingest(events: ProgressEvent[]): Promise<AppendResult[]> {
    const stopTimer = this.options.metrics.storeWrite.startTimer();
    let results: AppendResult[];
    try {
      results = await storeCall(this.options.store.appendEvents(events));
    } catch (error) {
      this.options.metrics.failedBatches.inc();
      throw error;
    } finally {
      stopTimer();
    }
    // An execution none of whose events were new is a report sent again; after its end it is no longer tracked, so only the store knows.
    const reported = new Set(results.filter((result) => result.inserted > 0).map((result) => result.executionId));
    for (const executionId of reported) {
      if (this.progressMetrics.tracks(executionId)) continue;
      const first = events.reduce((lowest, event) => (event.executionid === executionId ? Math.min(lowest, event.seq) : lowest), Number.POSITIVE_INFINITY);
      await this.trackReported(executionId, first - 1);
    }
    this.progressMetrics.observe(events.filter((event) => reported.has(event.executionid)), Date.now());
    for (const result of results) {
      this.options.metrics.eventsIngested.inc({}, result.inserted);
      this.options.metrics.eventsDuplicate.inc({}, result.duplicates);
      if (result.gaps.length > 0) {
        this.options.metrics.sequenceGaps.inc();
        this.options.engine.fillGaps?.(result.executionId);
      }
      this.options.hub.progressed({ executionId: result.executionId, lastSeq: result.lastSeq, maxSeq: result.maxSeq, status: result.status });
      if (result.inserted > 0) {
        const record = await this.options.store.getExecution(result.executionId);
        if (record) this.options.hub.changed(record);
      }
    }
    return results;
  }

  /**
   * An execution this service did not start (a `run: workflow` child, one another instance started, one
   * followed again after a restart) is labelled by the workflow its record names, and its tasks' kinds
   * come from its document (its own, or the registered version a child runs). The seqs below this first
   * batch's were stored before (by a previous process, which counted them) and are not counted here.
   */
  private async trackReported(executionId: string, countedThrough: number): Promise<void> {
    const record = await this.options.store.getExecution(executionId);
    if (!record) return;
    const text = await this.document(executionId);
    let document: WorkflowDocument | undefined;
    try {
      document = text === '' ? undefined : this.load(text, 'workflow.yaml');
    } catch (error) {
      // A reported child names a version registered later, or none that loads: its tasks' kinds stay unknown.
      if (!(error instanceof ServiceError)) throw error;
    }
    // A report for the same execution may have tracked it meanwhile, with events already folded in.
    if (!this.progressMetrics.tracks(executionId)) this.progressMetrics.track(executionId, record.workflow, document, countedThrough);
  }

  /** Accepts CloudEvents for waiting `listen` tasks. */
  async publish(events: JsonObject[]): Promise<number> {
    events.forEach((event, index) => {
      for (const attribute of ['specversion', 'id', 'source', 'type']) {
        if (typeof event[attribute] !== 'string' || event[attribute] === '') {
          throw new ServiceError('CAIRN_ERR_INVALID_REQUEST', `event ${index}: CloudEvent attribute "${attribute}" must be a non-empty string`);
        }
      }
    });
    for (const event of events) await this.options.bus.publish(event);
    this.options.metrics.cloudEventsAccepted.inc({}, events.length);
    return events.length;
  }

  async registerWorkflow(text: string): Promise<{ created: boolean; workflow: WorkflowDocumentRecord }> {
    const document = await this.accept(text, 'workflow.yaml');
    try {
      parseSchedule(document.schedule);
    } catch (error) {
      if (error instanceof ScheduleError) throw invalidScheduleError(error, text, 'workflow.yaml');
      throw error;
    }
    const { namespace, name, version } = document.document;
    const workflow = { namespace, name, version, document: text, registeredAt: new Date().toISOString() };
    const { created } = await storeCall(this.options.store.registerWorkflow(workflow));
    if (created) await this.options.onRegistered?.(namespace, name);
    return { created, workflow: created ? workflow : (await this.options.store.getWorkflow(namespace, name, version))! };
  }

  async listWorkflows(): Promise<WorkflowSummary[]> {
    return this.options.store.listWorkflows();
  }

  async workflowVersions(namespace: string, name: string): Promise<WorkflowDocumentRecord[]> {
    const versions = await this.options.store.listWorkflowVersions(namespace, name);
    if (versions.length === 0) throw new ServiceError('CAIRN_ERR_NOT_FOUND', `workflow ${namespace}/${name} is not registered`);
    return versions;
  }

  async workflow(namespace: string, name: string, version: string): Promise<WorkflowDocumentRecord> {
    const workflow = await this.options.store.getWorkflow(namespace, name, version);
    if (!workflow) throw new ServiceError('CAIRN_ERR_NOT_FOUND', `workflow ${namespace}/${name}@${version} is not registered`);
    return workflow;
  }

  /**
   * Ends, as faulted, the executions this engine was running when a previous service process
   * stopped: an in-process run does not survive its process, and must not show "running" forever.
   * Only for a store no other live service shares (the embedded SQLite store).
   */
  async endInterrupted(): Promise<number> {
    const unfinished = await this.unfinished();
    for (const execution of unfinished) await this.interrupt(execution.id);
    return unfinished.length;
  }

  /**
   * Takes over executions whose service instance died: an engine whose runs outlive instances
   * (Temporal) follows them from here; the embedded engine's runs died with it and end interrupted.
   */
  async adopt(ids: string[]): Promise<void> {
    const engine = this.options.engine;
    for (const id of ids) {
      const execution = await this.options.store.getExecution(id);
      if (!execution || isTerminal(execution.status)) continue;
      const text = engine.reattach && execution.engine === engine.name ? await this.options.store.getExecutionDocument(id) : undefined;
      if (text !== undefined && (await this.options.ownership?.claim(id)) !== false) {
        try {
          engine.reattach!(this.engineRun(id, this.load(text, 'workflow.yaml'), await this.inputOf(execution)));
          continue;
        } catch (error) {
          this.options.log(`execution ${id} cannot be followed again: its stored document does not load`, error, { executionId: id });
        }
      }
      await this.interrupt(id);
    }
  }

  private async interrupt(id: string): Promise<void> {
    const error = {
      type: 'https://serverlessworkflow.io/spec/1.0.0/errors/runtime',
      status: 503,
      title: 'Interrupted',
      detail: `the service stopped while this execution ran in its embedded ${this.options.engine.name} engine`,
    };
    const ended = await this.options.store.finishExecution(id, { status: 'faulted', error, at: new Date().toISOString() });
    if (ended) {
      this.progressMetrics.ended(id, ended.workflow, 'faulted');
      this.announce(ended);
    }
  }

  /** Hands the engine the unfinished executions it runs that a previous service process started (engines whose runs outlive it). */
  async reattachUnfinished(): Promise<number> {
    const engine = this.options.engine;
    if (!engine.reattach) return 0;
    let count = 0;
    for (const execution of await this.unfinished()) {
      // Another instance follows it (or will take it over when its lease expires).
      if (this.options.ownership && !(await this.options.ownership.claim(execution.id))) continue;
      const text = await this.options.store.getExecutionDocument(execution.id);
      if (text === undefined) continue;
      try {
        engine.reattach(this.engineRun(execution.id, this.load(text, 'workflow.yaml'), await this.inputOf(execution)));
        count += 1;
      } catch (error) {
        this.options.log(`execution ${execution.id} cannot be followed again: its stored document does not load`, error, { executionId: execution.id });
      }
    }
    return count;
  }

  private async unfinished(): Promise<ExecutionRecord[]> {
    const unfinished: ExecutionRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.options.store.listExecutions({
        engine: this.options.engine.name,
        status: ['pending', 'running', 'waiting', 'suspended'],
        limit: 500,
        ...(cursor ? { cursor } : {}),
      });
      unfinished.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return unfinished;
  }

  /** Re-stores a finished run's events if a batch write failed on the way (idempotent: stored ones are skipped). */
  private async backfill(id: string, events: ProgressEvent[] | undefined): Promise<void> {
    const last = events?.[events.length - 1];
    if (!events || !last) return;
    const stored = await this.options.store.getExecution(id);
    if (stored && stored.lastSeq >= last.seq) return;
    await this.ingest(events);
  }

  private announce(record: ExecutionRecord): void {
    this.options.hub.progressed({ executionId: record.id, lastSeq: record.lastSeq, maxSeq: record.maxSeq, status: record.status });
    this.options.hub.changed(record);
  }
}

export function isCloudEventBatch(body: unknown): body is JsonObject[] {
  return Array.isArray(body) && body.every(isJsonObject);
}
