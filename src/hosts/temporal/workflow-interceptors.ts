import {
  ContinueAsNew,
  defaultPayloadConverter,
  proxySinks,
  workflowInfo,
  type ActivityInput,
  type ContinueAsNewInput,
  type Headers,
  type LocalActivityInput,
  type Next,
  type SignalInput,
  type SignalWorkflowInput,
  type StartChildWorkflowExecutionInput,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptors,
  type WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import { atActivationEnd } from './activation-end.ts';
import { formatTraceparent, parseTraceparent, traceRoot, workflowSpanId, type TraceRoot } from '../../core/trace-context.ts';
import type { CairnActivities } from './activities.ts';
import type { TracingSinks, WorkflowSpan } from './messages.ts';

/**
 * The workflow's spans (bundled into the sandbox only when OTEL_* asks for traces): the spans and
 * `_tracer-data` headers of Temporal's OpenTelemetry workflow interceptors (RunWorkflow,
 * StartActivity, HandleSignal, …), without an OpenTelemetry SDK in the sandbox. A span is plain
 * data with a computed id (the run id and how many spans the run started before it: the same on
 * replay, and no draw from the seeded randomness the workflow's own ids come from); the spans that
 * ended in an activation leave in one sink call when it concludes. Temporal does not call sinks
 * during replay, so a worker restart exports none of them again. An effect's activity is scheduled
 * under its task's span (the `traceparent` the workflow computed, its second argument), and its
 * second argument becomes the StartActivity span's `traceparent`: the effect's client span, made
 * by the activity, is its child (the worker makes no RunActivity span for effects: see
 * observability/temporal-tracing.ts).
 */

/** The header Temporal's OpenTelemetry interceptors read and write: the worker's RunActivity span and a child's run find their parent there. */
const TRACE_HEADER = '_tracer-data';
const PERFORM_EFFECT: keyof CairnActivities = 'performEffect';
/** Plumbing, not work: a span per yielded activation would only add noise. */
const YIELD_ACTIVATION: keyof CairnActivities = 'yieldActivation';

/** Where a span hangs: the trace, the parent span (if any), and whether the trace is sampled. */
type Parent = TraceRoot;

class WorkflowTracer {
  #started = 0;
  #ended: WorkflowSpan[] = [];
  /** The run's span: the parent of what the workflow does outside a task (child starts, progress, lookups). */
  run: Parent | undefined;
  readonly #sinks = proxySinks<TracingSinks>();

  /** Runs `call` inside a span below `parent`; `call` gets the span as the parent of what it starts. */
  async inSpan<T>(name: string, parent: Parent | undefined, call: (own: Parent) => Promise<T>, fine?: (error: unknown) => boolean): Promise<T> {
    const info = workflowInfo();
    const root = parent ?? traceRoot(info.workflowId);
    const own: Parent = { traceId: root.traceId, parentSpanId: workflowSpanId(info.runId, ++this.#started), sampled: root.sampled };
    const startMillis = Date.now();
    let error: string | undefined;
    try {
      return await call(own);
    } catch (thrown) {
      if (!fine?.(thrown)) error = thrown instanceof Error ? thrown.message : String(thrown);
      throw thrown;
    } finally {
      if (root.sampled) {
        this.#ended.push({ name, traceId: own.traceId, spanId: own.parentSpanId!, ...(parent?.parentSpanId ? { parentSpanId: parent.parentSpanId } : {}), startMillis, endMillis: Date.now(), ...(error !== undefined ? { error } : {}) });
      }
    }
  }

  /** Hands the spans that ended in this activation to the worker. */
  flush(): void {
    if (this.#ended.length === 0) return;
    this.#sinks.cairnSpans.export(this.#ended);
    this.#ended = [];
  }
}

function parentIn(headers: Headers): Parent | undefined {
  const payload = headers[TRACE_HEADER];
  if (!payload) return undefined;
  const { traceparent } = defaultPayloadConverter.fromPayload<{ traceparent?: string }>(payload);
  return typeof traceparent === 'string' ? parseTraceparent(traceparent) : undefined;
}

const traceparentOf = (own: Parent): string => formatTraceparent(own.traceId, own.parentSpanId!, own.sampled);

function withParent(headers: Headers, own: Parent): Headers {
  return { ...headers, [TRACE_HEADER]: defaultPayloadConverter.toPayload({ traceparent: traceparentOf(own) }) };
}

const isContinueAsNew = (error: unknown) => error instanceof ContinueAsNew;

class TracedInbound implements WorkflowInboundCallsInterceptor {
  constructor(private readonly tracer: WorkflowTracer) {}

  execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    return this.tracer.inSpan(
      `RunWorkflow:${workflowInfo().workflowType}`,
      parentIn(input.headers),
      (own) => {
        this.tracer.run = own;
        return next(input);
      },
      isContinueAsNew,
    );
  }

  handleSignal(input: SignalInput, next: Next<WorkflowInboundCallsInterceptor, 'handleSignal'>): Promise<void> {
    return this.tracer.inSpan(`HandleSignal:${input.signalName}`, parentIn(input.headers) ?? this.tracer.run, () => next(input));
  }
  // Progress queries are polled and carry no trace: they are not traced (each would be a trace of its own).
}

class TracedOutbound implements WorkflowOutboundCallsInterceptor {
  constructor(private readonly tracer: WorkflowTracer) {}

  scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>): Promise<unknown> {
    const task = input.activityType === PERFORM_EFFECT && typeof input.args[1] === 'string' ? parseTraceparent(input.args[1]) : undefined;
    if (!task) return this.tracer.inSpan(`StartActivity:${input.activityType}`, this.tracer.run, (own) => next({ ...input, headers: withParent(input.headers, own) }));
    // The effect's span is the activity's run on the worker: it goes below this span, named by the argument that named the task's.
    return this.tracer.inSpan(`StartActivity:${input.activityType}`, task, (own) => next({ ...input, args: [input.args[0], traceparentOf(own), ...input.args.slice(2)] }));
  }

  scheduleLocalActivity(input: LocalActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>): Promise<unknown> {
    if (input.activityType === YIELD_ACTIVATION) return next(input);
    return this.tracer.inSpan(`StartActivity:${input.activityType}`, this.tracer.run, (own) => next({ ...input, headers: withParent(input.headers, own) }));
  }

  startChildWorkflowExecution(input: StartChildWorkflowExecutionInput, next: Next<WorkflowOutboundCallsInterceptor, 'startChildWorkflowExecution'>): Promise<[Promise<string>, Promise<unknown>]> {
    return this.tracer.inSpan(`StartChildWorkflow:${input.workflowType}`, this.tracer.run, (own) => next({ ...input, headers: withParent(input.headers, own) }));
  }

  continueAsNew(input: ContinueAsNewInput, next: Next<WorkflowOutboundCallsInterceptor, 'continueAsNew'>): Promise<never> {
    return this.tracer.inSpan(`ContinueAsNew:${input.options.workflowType}`, this.tracer.run, (own) => next({ ...input, headers: withParent(input.headers, own) }), isContinueAsNew);
  }

  signalWorkflow(input: SignalWorkflowInput, next: Next<WorkflowOutboundCallsInterceptor, 'signalWorkflow'>): Promise<void> {
    return this.tracer.inSpan(`SignalWorkflow:${input.signalName}`, this.tracer.run, (own) => next({ ...input, headers: withParent(input.headers, own) }));
  }
}

export const interceptors = (): WorkflowInterceptors => {
  const tracer = new WorkflowTracer();
  // The spans that ended in an activation leave as it concludes, on the hook progress uses too;
  // worker.ts bundles activation-end.ts before this module, so the hook is installed by now.
  if (!atActivationEnd(() => tracer.flush())) throw new Error('the workflow bundle lacks activation-end.ts ahead of workflow-interceptors.ts');
  return { inbound: [new TracedInbound(tracer)], outbound: [new TracedOutbound(tracer)] };
};
