import { context, trace, TraceFlags } from '@opentelemetry/api';
import { OpenTelemetryInboundInterceptor, OpenTelemetryInternalsInterceptor, OpenTelemetryOutboundInterceptor } from '@temporalio/interceptors-opentelemetry/lib/workflow/index.js';
import type { ActivityInput, LocalActivityInput, Next, QueryInput, WorkflowInboundCallsInterceptor, WorkflowInterceptors, WorkflowOutboundCallsInterceptor } from '@temporalio/workflow';
import { parseTraceparent } from '../../core/trace-context.ts';
import type { CairnActivities } from './activities.ts';

/**
 * Temporal's OpenTelemetry workflow interceptors (bundled into the sandbox only when OTEL_* asks
 * for traces), fitted to Cairn's trace: an effect's activity is scheduled under its task's span
 * (the `traceparent` the workflow computed, its second argument), so Temporal's StartActivity and
 * RunActivity spans sit between the task and the effect's client span. The workflow's span ids
 * come from the sandbox's seeded randomness and are exported through a sink that Temporal does not
 * call during replay: a worker restart replays the history without exporting any span again.
 */
const PERFORM_EFFECT: keyof CairnActivities = 'performEffect';
/** Plumbing, not work: a span per yielded activation would only add noise. */
const YIELD_ACTIVATION: keyof CairnActivities = 'yieldActivation';

class CairnOutboundInterceptor extends OpenTelemetryOutboundInterceptor {
  override scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>): Promise<unknown> {
    const task = input.activityType === PERFORM_EFFECT && typeof input.args[1] === 'string' ? parseTraceparent(input.args[1]) : undefined;
    if (!task?.parentSpanId) return super.scheduleActivity(input, next);
    const taskContext = trace.setSpanContext(context.active(), {
      traceId: task.traceId,
      spanId: task.parentSpanId,
      traceFlags: task.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
      isRemote: true,
    });
    return context.with(taskContext, () => super.scheduleActivity(input, next));
  }

  override scheduleLocalActivity(input: LocalActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>): Promise<unknown> {
    return input.activityType === YIELD_ACTIVATION ? next(input) : super.scheduleLocalActivity(input, next);
  }
}

class CairnInboundInterceptor extends OpenTelemetryInboundInterceptor {
  /** Progress queries are polled and carry no trace: each would otherwise be a trace of its own. */
  override handleQuery(input: QueryInput, next: Next<WorkflowInboundCallsInterceptor, 'handleQuery'>): Promise<unknown> {
    return next(input);
  }
}

export const interceptors = (): WorkflowInterceptors => ({
  inbound: [new CairnInboundInterceptor()],
  outbound: [new CairnOutboundInterceptor()],
  internals: [new OpenTelemetryInternalsInterceptor()],
});
