import { SpanKind, SpanStatusCode, TraceFlags, type Link, type Span, type SpanContext } from '@opentelemetry/api';
import { EVENT_TYPES, type ProgressEvent } from '../core/events.ts';
import type { JsonObject } from '../core/json.ts';
import type { WorkflowDocument } from '../core/model.ts';
import { taskKindAt } from '../core/task-kind.ts';
import { executionSpanId, formatTraceparent, parseTraceparent, taskSpanIdPrefix, taskSpanLanes, type SpanIdLanes, type TaskSpanIdPrefix, type TraceRoot } from '../core/trace-context.ts';
import { eventMillis } from './event-millis.ts';
import { recordParent, RecordShape, SpanRecord, type RecordParent } from './span-record.ts';
import { contextOf, type Tracing } from './tracing.ts';

/** A task instance as its events name it: the loop iteration stays the text the events carry. */
interface Instance {
  pointer: string;
  iteration: string;
  attempt: number;
}

/** An open task span: its record carries the instance's iteration and attempt. */
interface OpenTask {
  record: SpanRecord;
  pointer: string;
}

/** What every instance of one task shares: its span's shape and the start of its id's hash. */
interface Task {
  shape: RecordShape;
  idPrefix: TaskSpanIdPrefix;
}

/**
 * Spans derived from one execution's progress events: one for the execution, one per task
 * instance, with the ids trace-context.ts computes and the times the events carry. A span
 * is started and ended once whatever the events' delivery does (a replay, a re-sent batch):
 * events arrive in `seq` order (ProgressCollector, the store), so an event at or below the last
 * `seq` seen was seen already and is ignored.
 *
 * The execution span goes through the tracer (its sampler decides for the whole trace); task
 * spans, thousands in a long loop, are built as records (span-record.ts) under that decision.
 */
export class ProgressSpans {
  /** Open task spans, in the order they started: a few (the enclosing tasks, concurrent branches), so scanned rather than keyed. */
  readonly #open: OpenTask[] = [];
  #lastSeq = 0;
  /** Listen spans already linked to their consumed events (a repeated event links nothing twice). */
  readonly #linked = new Set<string>();
  /** Each task pointer's shape: the document is walked and the shared fields encoded once per task, not per instance. */
  readonly #tasks = new Map<string, Task>();
  #lastTask: { pointer: string; task: Task } | undefined;
  readonly #executionContext: SpanContext;
  readonly #executionParent: RecordParent;
  readonly #lanes: SpanIdLanes = { high: 0, low: 0 };
  #execution: Span | undefined;
  #executionEnded = false;

  constructor(
    private readonly tracing: Tracing,
    private readonly root: TraceRoot,
    private readonly executionId: string,
    private readonly document: WorkflowDocument,
  ) {
    this.#executionContext = { traceId: root.traceId, spanId: executionSpanId(executionId), traceFlags: root.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE, isRemote: true };
    this.#executionParent = recordParent(this.#executionContext);
  }

  observe(event: ProgressEvent): void {
    if (event.executionid !== this.executionId || event.seq <= this.#lastSeq) return;
    this.#lastSeq = event.seq;
    const type = event.type;
    // Task events first: a loop's thousands of them, against the execution's few.
    if (event.subject !== undefined) {
      // Unsampled: no task span would be exported, so none is built.
      if ((this.#executionContext.traceFlags & TraceFlags.SAMPLED) === 0) return;
      if (type === EVENT_TYPES.taskStarted) this.#startTask(event);
      else if (type === EVENT_TYPES.taskCompleted || type === EVENT_TYPES.taskFaulted || type === EVENT_TYPES.taskCancelled) this.#endTask(event);
      else if (type === EVENT_TYPES.taskRetried) this.#openWithPointer(event.subject)?.record.addEvent('retry', { 'cairn.task.attempt': event.attempt ?? 0 }, eventMillis(event.time));
      else if (type === EVENT_TYPES.workflowCorrelationCompleted) this.#linkConsumedEvents(event, instanceOf(event));
    } else if (type === EVENT_TYPES.workflowStarted) this.#startExecution(event);
    else if (type === EVENT_TYPES.workflowCompleted || type === EVENT_TYPES.workflowFaulted || type === EVENT_TYPES.workflowCancelled) this.#endExecution(event);
  }

  #startExecution(event: ProgressEvent): void {
    if (this.#execution || this.#executionEnded) return;
    const header = this.document.document;
    const span = this.tracing.ids.naming(this.#executionContext.spanId, this.root.traceId, () => this.tracing.tracer.startSpan(
      `workflow ${header.namespace}/${header.name}`,
      {
        kind: SpanKind.INTERNAL,
        startTime: eventMillis(event.time),
        attributes: {
          'cairn.workflow.namespace': header.namespace,
          'cairn.workflow.name': header.name,
          'cairn.workflow.version': header.version,
          'cairn.execution.id': this.executionId,
        },
      },
      contextOf(this.root.parentSpanId ? formatTraceparent(this.root.traceId, this.root.parentSpanId, this.root.sampled) : undefined),
    ));
    this.#execution = span;
    // The sampler's decision for the execution is its tasks' decision.
    this.#executionContext.traceFlags = span.spanContext().traceFlags;
  }

  #endExecution(event: ProgressEvent): void {
    const span = this.#execution;
    if (!span) return;
    const status = statusOf(event.type);
    span.setAttribute('cairn.status', status);
    const error = errorOf(status, event.data);
    if (error) {
      span.setAttribute('error.type', error.type);
      span.setStatus({ code: SpanStatusCode.ERROR, message: error.title });
    }
    span.end(eventMillis(event.time));
    this.#execution = undefined;
    this.#executionEnded = true;
  }

  #startTask(event: ProgressEvent): void {
    const pointer = event.subject!;
    const iteration = event.iteration ?? '';
    const attempt = event.attempt ?? 0;
    const task = this.#task(pointer);
    const id = taskSpanLanes(task.idPrefix, iteration, attempt, this.#lanes);
    const parent = this.#parent(pointer, iteration, attempt)?.record.asParent() ?? this.#executionParent;
    this.#open.push({ record: new SpanRecord(task.shape, id.high, id.low, parent, iteration, attempt, eventMillis(event.time)), pointer });
  }

  #endTask(event: ProgressEvent): void {
    const index = this.#openIndex(event.subject!, event.iteration ?? '', event.attempt ?? 0);
    if (index < 0) return;
    const { record } = this.#open[index]!;
    if (index === this.#open.length - 1) this.#open.pop();
    else this.#open.splice(index, 1);
    const status = statusOf(event.type);
    record.end(eventMillis(event.time), status, errorOf(status, event.data));
    this.tracing.export(record);
  }

  /** Where the instance's span is in #open (-1: not open); the latest started first, usually the one ending. */
  #openIndex(pointer: string, iteration: string, attempt: number): number {
    for (let index = this.#open.length - 1; index >= 0; index--) {
      const { record, pointer: openPointer } = this.#open[index]!;
      if (openPointer === pointer && record.iteration === iteration && record.attempt === attempt) return index;
    }
    return -1;
  }

  /** A `listen` links to the spans that produced the events it consumed (their `traceparent`). */
  #linkConsumedEvents(event: ProgressEvent, instance: Instance): void {
    const key = instanceKey(instance);
    const open = this.#open[this.#openIndex(instance.pointer, instance.iteration, instance.attempt)];
    const traceparents = event.data.traceparents;
    if (!open || !Array.isArray(traceparents) || this.#linked.has(key)) return;
    this.#linked.add(key);
    const links: Link[] = [];
    for (const value of traceparents) {
      const parsed = typeof value === 'string' ? parseTraceparent(value) : undefined;
      if (parsed?.parentSpanId) links.push({ context: { traceId: parsed.traceId, spanId: parsed.parentSpanId, traceFlags: parsed.sampled ? 1 : 0, isRemote: true } });
    }
    open.record.addLinks(links);
  }

  #task(pointer: string): Task {
    // A loop starts one task (or a few, in turn) thousands of times.
    if (pointer === this.#lastTask?.pointer) return this.#lastTask.task;
    let task = this.#tasks.get(pointer);
    if (!task) {
      const kind = taskKindAt(this.document, pointer) ?? 'task';
      const header = this.document.document;
      const attributes = {
        'cairn.execution.id': this.executionId,
        'cairn.workflow.namespace': header.namespace,
        'cairn.workflow.name': header.name,
        'cairn.workflow.version': header.version,
        'cairn.task.pointer': pointer,
        'cairn.task.kind': kind,
      };
      const shape = new RecordShape(this.tracing.origin, this.root.traceId, `${kind} ${pointer.slice(pointer.lastIndexOf('/') + 1)}`, attributes);
      task = { shape, idPrefix: taskSpanIdPrefix(this.executionId, pointer) };
      this.#tasks.set(pointer, task);
    }
    this.#lastTask = { pointer, task };
    return task;
  }

  /**
   * The enclosing task instance still open (the nearest ancestor pointer whose instance's loop
   * iterations contain this one's), or none (the execution): task events arrive in order, so
   * the parent has started and not yet ended.
   */
  #parent(pointer: string, iteration: string, attempt: number): OpenTask | undefined {
    let best: OpenTask | undefined;
    for (const open of this.#open) {
      const { record } = open;
      if (!isWithin(open.pointer, pointer, '/') || (record.iteration !== iteration && !isWithin(record.iteration, iteration, '.'))) continue;
      if (!best || open.pointer.length > best.pointer.length || (open.pointer.length === best.pointer.length && record.attempt === attempt)) best = open;
    }
    return best;
  }

  #openWithPointer(pointer: string): OpenTask | undefined {
    return this.#open.find((open) => open.pointer === pointer);
  }
}

function instanceOf(event: ProgressEvent): Instance {
  return { pointer: event.subject!, iteration: event.iteration ?? '', attempt: event.attempt ?? 0 };
}

function instanceKey(instance: Instance): string {
  return `${instance.attempt}:${instance.iteration}:${instance.pointer}`;
}

/** Whether `path` lies strictly below `prefix` in a path of `separator`-joined steps ('' is the top). */
function isWithin(prefix: string, path: string, separator: string): boolean {
  if (prefix === '') return path !== '';
  return path.length > prefix.length && path.startsWith(prefix) && path[prefix.length] === separator;
}

function statusOf(type: string): 'completed' | 'faulted' | 'cancelled' {
  if (type === EVENT_TYPES.taskFaulted || type === EVENT_TYPES.workflowFaulted) return 'faulted';
  if (type === EVENT_TYPES.taskCancelled || type === EVENT_TYPES.workflowCancelled) return 'cancelled';
  return 'completed';
}

function errorOf(status: string, data: JsonObject): { type: string; title: string } | undefined {
  if (status !== 'faulted') return undefined;
  const error = data.error as JsonObject | undefined;
  const type = typeof error?.type === 'string' ? error.type : 'runtime';
  return { type, title: typeof error?.title === 'string' ? error.title : type };
}
