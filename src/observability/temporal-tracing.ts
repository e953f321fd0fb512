import { context, propagation, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
  type OpenTelemetrySinks,
} from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import { formatTraceparent } from '../core/trace-context.ts';
import type { CairnActivities } from '../hosts/temporal/activities.ts';
import { contextOf, loadTracing, type LoadedTracing } from './tracing.ts';

/**
 * Temporal's OpenTelemetry interceptors for the SDK layer, set up when OTEL_* asks for traces
 * (callers check otel-env.ts first): client spans around starts, signals and cancels; worker
 * spans around activities; workflow spans from the sandbox (hosts/temporal/workflow-interceptors.ts)
 * through the exporter sink. Their spans go to the same provider, exporter and trace as Cairn's.
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
export async function workerTracing(): Promise<{ interceptors: { activity: ActivityInterceptorsFactory[]; client: { workflow: WorkflowClientInterceptor[] } }; sinks: InjectedSinks<OpenTelemetrySinks> }> {
  const tracing = await loadTemporalTracing();
  return {
    interceptors: {
      activity: [
        (activity) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(activity), outbound: new OpenTelemetryActivityOutboundInterceptor(activity) }),
        effectUnderActivitySpan,
      ],
      client: await clientInterceptors(),
    },
    sinks: { exporter: makeWorkflowExporter(sandboxSpans(tracing), tracing.resource as never) },
  };
}

const PERFORM_EFFECT: keyof CairnActivities = 'performEffect';

/**
 * An effect activity gets its task's `traceparent` as an argument (workers without tracing pass it
 * on as is); here Temporal's RunActivity span, itself below the task's span, is the effect's parent.
 */
const effectUnderActivitySpan: ActivityInterceptorsFactory = (activity) => ({
  inbound: {
    execute: (input, next) => {
      const running = trace.getActiveSpan()?.spanContext();
      if (activity.info.activityType !== PERFORM_EFFECT || typeof input.args[1] !== 'string' || !running) return next(input);
      return next({ ...input, args: [input.args[0], formatTraceparent(running.traceId, running.spanId, (running.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED)] });
    },
  },
});

/** A span as the sandbox's OpenTelemetry 1.x SDK hands it out (the interceptors package pins 1.x). */
interface SandboxSpan extends Omit<ReadableSpan, 'parentSpanContext' | 'instrumentationScope'> {
  parentSpanId?: string;
  instrumentationLibrary: ReadableSpan['instrumentationScope'];
}

/** Feeds the sandbox's spans, reshaped for the 2.x SDK, to the process's exporter. */
function sandboxSpans(tracing: LoadedTracing): Parameters<typeof makeWorkflowExporter>[0] {
  const processor: SpanProcessor = tracing.spanProcessor;
  const adapter = {
    onStart: () => undefined,
    onEnd: (span: SandboxSpan) => {
      const { parentSpanId, instrumentationLibrary, ...rest } = span;
      const own = span.spanContext();
      processor.onEnd({
        ...rest,
        resource: tracing.resource,
        instrumentationScope: instrumentationLibrary,
        ...(parentSpanId ? { parentSpanContext: { traceId: own.traceId, spanId: parentSpanId, traceFlags: own.traceFlags, isRemote: true } } : {}),
      });
    },
    forceFlush: () => processor.forceFlush(),
    shutdown: () => processor.shutdown(),
  };
  return adapter as unknown as Parameters<typeof makeWorkflowExporter>[0];
}
