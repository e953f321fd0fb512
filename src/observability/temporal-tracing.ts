import { context, propagation, SpanKind, SpanStatusCode, TraceFlags, type Attributes, type HrTime, type Link, type SpanContext, type SpanStatus } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { hrTimeDuration, millisToHrTime, W3CTraceContextPropagator, type InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { OpenTelemetryActivityInboundInterceptor, OpenTelemetryActivityOutboundInterceptor, OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import type { CairnActivities } from '../hosts/temporal/activities.ts';
import type { TracingSinks, WorkflowSpan } from '../hosts/temporal/messages.ts';
import type { SpanOrigin } from './span-record.ts';
import { contextOf, loadTracing, type LoadedTracing } from './tracing.ts';

/**
 * Temporal's OpenTelemetry interceptors for the SDK layer, set up when OTEL_* asks for traces
 * (callers check otel-env.ts first): client spans around starts, signals and cancels; worker
 * spans around activities; workflow spans from the sandbox (hosts/temporal/workflow-interceptors.ts)
 * through the `cairnSpans` sink. Their spans go to the same provider, exporter and trace as Cairn's.
 */
export async function loadTemporalTracing(): Promise<LoadedTracing> {
  const tracing = await loadTracing();
  registerContextPropagation();
  return tracing;
}

let registered = false;

/** Temporal's interceptors read the active span and pass it on in headers: that needs a context manager and the W3C propagator. */
function registerContextPropagation(): void {
  if (registered) return;
  registered = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
}

/**
 * Interceptors of a Temporal client (the CLI's and the service's). Queries are left out: the
 * progress query is polled, and each poll would be a trace of its own.
 */
export async function clientInterceptors(): Promise<{ workflow: WorkflowClientInterceptor[] }> {
  await loadTemporalTracing();
  const traced = new OpenTelemetryWorkflowClientInterceptor();
  return {
    workflow: [
      {
        start: traced.start.bind(traced),
        startWithDetails: traced.startWithDetails.bind(traced),
        signal: traced.signal.bind(traced),
        signalWithStart: traced.signalWithStart.bind(traced),
        cancel: traced.cancel.bind(traced),
        terminate: traced.terminate.bind(traced),
      },
    ],
  };
}

/** Runs `call` (a client call to Temporal) below the span `traceparent` names. */
export function underSpan<T>(traceparent: string, call: () => T): T {
  return context.with(contextOf(traceparent), call);
}

/** What a worker adds to trace its activities and its workflows (whose bundle holds the sandbox's interceptors: see worker.ts). */
export async function workerTracing(): Promise<{ interceptors: { activity: ActivityInterceptorsFactory[]; client: { workflow: WorkflowClientInterceptor[] } }; sinks: InjectedSinks<TracingSinks> }> {
  const tracing = await loadTemporalTracing();
  return {
    interceptors: { activity: [runActivitySpans], client: await clientInterceptors() },
    sinks: workflowSpanSink(tracing),
  };
}

const PERFORM_EFFECT: keyof CairnActivities = 'performEffect';

/**
 * Temporal's RunActivity span around every activity but an effect's: an effect activity is the
 * effect, whose client span (effect-span.ts) already covers its run, below the StartActivity span
 * the workflow named in its second argument (hosts/temporal/workflow-interceptors.ts). A second
 * span over the same call would double an effect's spans and their cost for no new information.
 */
const runActivitySpans: ActivityInterceptorsFactory = (activity) =>
  activity.info.activityType === PERFORM_EFFECT ? {} : { inbound: new OpenTelemetryActivityInboundInterceptor(activity), outbound: new OpenTelemetryActivityOutboundInterceptor(activity) };

const OK = Object.freeze({ code: SpanStatusCode.OK });

/** The instrumentation scope of Temporal's workflow interceptors, whose spans the sandbox makes in their stead. */
const WORKFLOW_SCOPE = { name: '@temporalio/interceptor-workflow' };

/**
 * How many sandbox span ids a worker remembers. Some workflow code runs live twice, and hands out
 * the same spans (their ids are computed) each time: Temporal calls sinks even for a workflow task
 * whose completion then fails or times out, and a query to a workflow no worker has cached replays
 * it and runs what came after its last completed task (a signal, say) live, before the workflow
 * task that runs it for real. Within a worker process such spans are exported once; runs in two
 * processes can still repeat some.
 */
const REMEMBERED_SPAN_IDS = 65_536;
/** Shared by the process's workers: a task can run again on another worker of the same process. */
const exportedSandboxSpans = new Set<string>();

/**
 * The sandbox's spans, exported as the ended spans they describe. Each carries the workflow's id
 * and run id, as Temporal's RunActivity spans do; the rest of the workflow's info (task queue,
 * history length, search attributes…) is not copied into every span. A few per execution (its run
 * and one StartActivity per activity): the library's encoder serves them.
 */
function workflowSpanSink(tracing: LoadedTracing): InjectedSinks<TracingSinks> {
  const origin: SpanOrigin = { resource: tracing.resource, scope: WORKFLOW_SCOPE };
  return {
    cairnSpans: {
      export: {
        fn: (info, spans) => {
          for (const span of spans) {
            if (exportedSandboxSpans.has(span.spanId)) continue;
            exportedSandboxSpans.add(span.spanId);
            if (exportedSandboxSpans.size > REMEMBERED_SPAN_IDS) exportedSandboxSpans.delete(exportedSandboxSpans.keys().next().value!);
            tracing.export(new SandboxSpan(origin, span, { temporalWorkflowId: info.workflowId, run_id: info.runId }));
          }
        },
        callDuringReplay: false,
      },
    },
  };
}

class SandboxSpan implements ReadableSpan {
  readonly kind = SpanKind.INTERNAL;
  readonly name: string;
  readonly parentSpanContext: SpanContext | undefined;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly duration: HrTime;
  readonly status: SpanStatus;
  readonly links: Link[] = [];
  readonly events: TimedEvent[] = [];
  readonly ended = true;
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope;
  readonly droppedAttributesCount = 0;
  readonly droppedEventsCount = 0;
  readonly droppedLinksCount = 0;
  readonly #context: SpanContext;

  constructor(
    origin: SpanOrigin,
    span: WorkflowSpan,
    readonly attributes: Attributes,
  ) {
    this.name = span.name;
    this.#context = { traceId: span.traceId, spanId: span.spanId, traceFlags: TraceFlags.SAMPLED };
    this.parentSpanContext = span.parentSpanId ? { traceId: span.traceId, spanId: span.parentSpanId, traceFlags: TraceFlags.SAMPLED, isRemote: true } : undefined;
    this.startTime = millisToHrTime(span.startMillis);
    this.endTime = millisToHrTime(span.endMillis);
    this.duration = hrTimeDuration(this.startTime, this.endTime);
    this.status = span.error === undefined ? OK : { code: SpanStatusCode.ERROR, message: span.error };
    this.resource = origin.resource;
    this.instrumentationScope = origin.scope;
  }

  spanContext(): SpanContext {
    return this.#context;
  }
}
