import { SpanKind, SpanStatusCode, type Link, type Span } from '@opentelemetry/api';
import { EVENT_TYPES, type ProgressEvent } from '../core/events.ts';
import type { JsonObject } from '../core/json.ts';
import type { WorkflowDocument } from '../core/model.ts';
import type { TaskInstance } from '../core/progress.ts';
import { taskKindAt } from '../core/task-kind.ts';
import { executionSpanId, formatTraceparent, parseTraceparent, taskSpanId, type TraceRoot } from '../core/trace-context.ts';
import { contextOf, type Tracing } from './tracing.ts';

interface OpenSpan {
  span: Span;
  instance: TaskInstance;
}

const TASK_ENDS = new Set<string>([EVENT_TYPES.taskCompleted, EVENT_TYPES.taskFaulted, EVENT_TYPES.taskCancelled]);
const EXECUTION_ENDS = new Set<string>([EVENT_TYPES.workflowCompleted, EVENT_TYPES.workflowFaulted, EVENT_TYPES.workflowCancelled]);

/**
 * Spans derived from one execution's progress events: one for the execution, one per task
 * instance, with the ids trace-context.ts computes and the times the events carry. A span
 * is started and ended once whatever the events' delivery does (a replay, a re-sent batch):
 * events for a span already ended are ignored.
 */
export class ProgressSpans {
  readonly #open = new Map<string, OpenSpan>();
  readonly #ended = new Set<string>();
  /** Listen spans already linked to their consumed events (a repeated event links nothing twice). */
  readonly #linked = new Set<string>();
  #execution: Span | undefined;

  constructor(
    private readonly tracing: Tracing,
    private readonly root: TraceRoot,
    private readonly executionId: string,
    private readonly document: WorkflowDocument,
  ) {}

  observe(event: ProgressEvent): void {
    if (event.executionid !== this.executionId) return;
    if (event.type === EVENT_TYPES.workflowStarted) this.#startExecution(event);
    else if (EXECUTION_ENDS.has(event.type)) this.#endExecution(event);
    else if (event.subject === undefined) return;
    else if (event.type === EVENT_TYPES.taskStarted) this.#startTask(event, instanceOf(event));
    else if (TASK_ENDS.has(event.type)) this.#endTask(event, instanceOf(event));
    else if (event.type === EVENT_TYPES.taskRetried) this.#openWithPointer(event.subject)?.span.addEvent('retry', { 'cairn.task.attempt': event.attempt ?? 0 }, Date.parse(event.time));
    else if (event.type === EVENT_TYPES.workflowCorrelationCompleted) this.#linkConsumedEvents(event, instanceOf(event));
  }

  #startExecution(event: ProgressEvent): void {
    const spanId = executionSpanId(this.executionId);
    if (this.#execution || this.#ended.has(spanId)) return;
    const header = this.document.document;
    this.#execution = this.tracing.ids.naming(spanId, this.root.traceId, () => this.tracing.tracer.startSpan(
      `workflow ${header.namespace}/${header.name}`,
      {
        kind: SpanKind.INTERNAL,
        startTime: Date.parse(event.time),
        attributes: {
          'cairn.workflow.namespace': header.namespace,
          'cairn.workflow.name': header.name,
          'cairn.workflow.version': header.version,
          'cairn.execution.id': this.executionId,
        },
      },
      contextOf(this.root.parentSpanId ? formatTraceparent(this.root.traceId, this.root.parentSpanId, this.root.sampled) : undefined),
    ));
  }

  #endExecution(event: ProgressEvent): void {
    const span = this.#execution;
    if (!span) return;
    const status = statusOf(event.type);
    span.setAttribute('cairn.status', status);
    endWithStatus(span, status, event.data);
    span.end(Date.parse(event.time));
    this.#execution = undefined;
    this.#ended.add(executionSpanId(this.executionId));
  }

  #startTask(event: ProgressEvent, instance: TaskInstance): void {
    const spanId = taskSpanId(this.executionId, instance);
    if (this.#open.has(spanId) || this.#ended.has(spanId)) return;
    const kind = taskKindAt(this.document, instance.pointer) ?? 'task';
    const name = instance.pointer.slice(instance.pointer.lastIndexOf('/') + 1);
    const parentId = this.#parentSpanId(instance);
    const span = this.tracing.ids.naming(spanId, undefined, () => this.tracing.tracer.startSpan(
      `${kind} ${name}`,
      {
        kind: SpanKind.INTERNAL,
        startTime: Date.parse(event.time),
        attributes: {
          'cairn.execution.id': this.executionId,
          'cairn.workflow.name': this.document.document.name,
          'cairn.task.pointer': instance.pointer,
          'cairn.task.kind': kind,
          'cairn.task.iteration': instance.iteration.join('.'),
          'cairn.task.attempt': instance.attempt,
        },
      },
      contextOf(formatTraceparent(this.root.traceId, parentId, this.root.sampled)),
    ));
    this.#open.set(spanId, { span, instance });
  }

  #endTask(event: ProgressEvent, instance: TaskInstance): void {
    const spanId = taskSpanId(this.executionId, instance);
    const open = this.#open.get(spanId);
    if (!open) return;
    const status = statusOf(event.type);
    open.span.setAttribute('cairn.status', status);
    endWithStatus(open.span, status, event.data);
    open.span.end(Date.parse(event.time));
    this.#open.delete(spanId);
    this.#ended.add(spanId);
  }

  /** A `listen` links to the spans that produced the events it consumed (their `traceparent`). */
  #linkConsumedEvents(event: ProgressEvent, instance: TaskInstance): void {
    const spanId = taskSpanId(this.executionId, instance);
    const open = this.#open.get(spanId);
    const traceparents = event.data.traceparents;
    if (!open || !Array.isArray(traceparents) || this.#linked.has(spanId)) return;
    this.#linked.add(spanId);
    const links: Link[] = [];
    for (const value of traceparents) {
      const parsed = typeof value === 'string' ? parseTraceparent(value) : undefined;
      if (parsed?.parentSpanId) links.push({ context: { traceId: parsed.traceId, spanId: parsed.parentSpanId, traceFlags: parsed.sampled ? 1 : 0, isRemote: true } });
    }
    open.span.addLinks(links);
  }

  /**
   * The enclosing task instance still open (the nearest ancestor pointer whose instance's loop
   * iterations contain this one's), or the execution: task events arrive in order, so the
   * parent has started and not yet ended.
   */
  #parentSpanId(instance: TaskInstance): string {
    let best: OpenSpan | undefined;
    for (const open of this.#open.values()) {
      const candidate = open.instance;
      if (!instance.pointer.startsWith(`${candidate.pointer}/`) || !isPrefix(candidate.iteration, instance.iteration)) continue;
      if (!best || candidate.pointer.length > best.instance.pointer.length || (candidate.pointer.length === best.instance.pointer.length && candidate.attempt === instance.attempt)) best = open;
    }
    return best ? taskSpanId(this.executionId, best.instance) : executionSpanId(this.executionId);
  }

  #openWithPointer(pointer: string): OpenSpan | undefined {
    for (const open of this.#open.values()) if (open.instance.pointer === pointer) return open;
    return undefined;
  }
}

function instanceOf(event: ProgressEvent): TaskInstance {
  return { pointer: event.subject!, iteration: event.iteration ? event.iteration.split('.').map(Number) : [], attempt: event.attempt ?? 0 };
}

function isPrefix(prefix: readonly number[], of: readonly number[]): boolean {
  return prefix.length <= of.length && prefix.every((value, index) => of[index] === value);
}

function statusOf(type: string): 'completed' | 'faulted' | 'cancelled' {
  if (type === EVENT_TYPES.taskFaulted || type === EVENT_TYPES.workflowFaulted) return 'faulted';
  if (type === EVENT_TYPES.taskCancelled || type === EVENT_TYPES.workflowCancelled) return 'cancelled';
  return 'completed';
}

function endWithStatus(span: Span, status: string, data: JsonObject): void {
  if (status !== 'faulted') return;
  const error = data.error as JsonObject | undefined;
  const type = typeof error?.type === 'string' ? error.type : 'runtime';
  span.setAttribute('error.type', type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: typeof error?.title === 'string' ? error.title : type });
}
