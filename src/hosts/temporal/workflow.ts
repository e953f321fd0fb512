import { CancelledFailure, continueAsNew, patched, proxyLocalActivities, proxySinks, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { WorkflowError } from '../../core/errors.ts';
import type { ProgressEvent } from '../../core/events.ts';
import { runWorkflow } from '../../core/interpreter.ts';
import { secretPlaceholders } from '../../core/secret-sealing.ts';
import { createAjvSchemaValidator } from '../../data-schema/ajv-schema-validator.ts';
import type { CairnActivities } from './activities.ts';
import { atActivationEnd } from './activation-end.ts';
import { SubWorkflows } from './child-workflow.ts';
import { workflowErrorToFailure } from './failures.ts';
import { EventInbox } from './event-inbox.ts';
import {
  eventSignal,
  progressQuery,
  taskTreeQuery,
  resumeSignal,
  suspendSignal,
  type ContinueAsNewLimits,
  type ExecuteServerlessWorkflowInput,
  type ExecutionOutcome,
  type ExecutionStatus,
  type ProgressReportTarget,
  type ProgressSinks,
} from './messages.ts';
import { PATCHES } from './patches.ts';
import { ProgressLog, type ProgressOutlet } from './progress-log.ts';
import { LocalActivityLane } from './local-activity-lane.ts';
import { sandboxEngine } from './sandbox-engine.ts';
import { SEARCH_ATTRIBUTES } from './search-attributes.ts';
import { TemporalHost, type ExecutionControl } from './temporal-host.ts';
import { executionOutputUri } from '../output-uri.ts';

const { cairnProgress } = proxySinks<ProgressSinks>();

/**
 * Where progress events go when the execution reports them. They leave through the worker's sink:
 * no history, no activity, no extra activation; the worker queues and ships them (progress-outbox.ts),
 * and the query serves any it had to drop. Executions started before that (patches.ts) go on
 * shipping batches through a local activity, one marker in history each.
 */
function progressOutlet(target: ProgressReportTarget | undefined, lane: LocalActivityLane, executionId: string): ProgressOutlet {
  if (patched(PATCHES.progressThroughSink)) return sinkOutlet(target, executionId);
  const { reportProgress } = proxyLocalActivities<CairnActivities>({
    startToCloseTimeout: '30 seconds',
    retry: { maximumAttempts: Math.max(1, target?.attempts ?? 3), initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds' },
    summary: 'progress',
  });
  return { kind: 'batches', ship: (batch) => reportProgress(batch, target), lane };
}

/**
 * The sink outlet hands each activation's events over in one call as the activation concludes
 * (the SDK copies the workflow info and crosses a thread for every sink call): as live as one call
 * per event, since the worker sees neither before the activation completes. Without the
 * activation-end hook in the bundle, one call per event.
 */
function sinkOutlet(target: ProgressReportTarget | undefined, executionId: string): ProgressOutlet {
  const drain = (): void => cairnProgress.drain(executionId);
  const held: ProgressEvent[] = [];
  const handOver = (): void => {
    if (held.length > 0) cairnProgress.report(held.splice(0), target);
  };
  if (!atActivationEnd(handOver)) return { kind: 'sink', report: (events) => cairnProgress.report(events, target), drain };
  return {
    kind: 'sink',
    report: (events) => {
      for (const event of events) held.push(event);
    },
    drain: () => {
      handOver();
      drain();
    },
  };
}

/** How long completion waits for the last progress batch to be handed over. */
const FINAL_FLUSH_MS = 10_000;

/**
 * A run continues as new below Temporal's history limits (it warns at 10,240 events and suggests
 * continuing from 4,096 or 4 MB, which `continueAsNewSuggested` reports) and before the progress
 * events held for the query make the workflow's memory grow without bound.
 */
/**
 * Compiled data schemas, shared by every execution this workflow bundle runs (validation is pure,
 * so sharing cannot change a replay): a document's schemas compile once, not once per run.
 */
const schemas = createAjvSchemaValidator();

const DEFAULT_CONTINUE_AS_NEW: Required<ContinueAsNewLimits> = { historyEvents: 8_000, heldProgressEvents: 20_000 };

/**
 * The generic workflow: interprets one Serverless Workflow document with the same core as the
 * local host. A faulted run fails the Temporal execution with the spec error as its details; a
 * cancelled run ends as Temporal's CANCELED; so Temporal's own UI and CLI tell the truth.
 */
export async function ExecuteServerlessWorkflow(args: ExecuteServerlessWorkflowInput): Promise<ExecutionOutcome> {
  const continued = args.continued;
  const control: ExecutionControl = { suspended: continued?.suspended ?? false, suspensions: continued?.suspended ? 1 : 0 };
  let status: ExecutionStatus = control.suspended ? 'suspended' : 'running';
  const setStatus = (next: ExecutionStatus): void => {
    status = next;
    upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.status, value: next }]);
  };
  const target = args.options?.report;
  const localActivities = new LocalActivityLane();
  const outlet = args.options?.reportProgress || target ? progressOutlet(target, localActivities, args.executionId) : undefined;
  const progress = new ProgressLog(outlet, continued?.progress);
  const lean = patched(PATCHES.fewerPromisesPerTask);

  setHandler(progressQuery, (afterSeq, limit) => ({ status, ...progress.after(afterSeq, limit ?? 1_000) }));
  setHandler(taskTreeQuery, (limit) => ({ status, ...progress.taskTree(limit ?? 1_000) }));
  setHandler(suspendSignal, () => {
    if (status !== 'running') return;
    control.suspended = true;
    control.suspensions += 1;
    setStatus('suspended');
  });
  setHandler(resumeSignal, () => {
    if (status !== 'suspended') return;
    control.suspended = false;
    setStatus('running');
  });

  const inbox = new EventInbox();
  setHandler(eventSignal, (event) => inbox.deliver(event));

  const subWorkflows = new SubWorkflows(args, localActivities, continued?.detachedChildren);
  const trace = args.options?.trace ? { root: args.options.trace, executionId: args.executionId } : undefined;
  const host = new TemporalHost(progress, control, inbox, subWorkflows, localActivities, trace, lean);
  const limits = { ...DEFAULT_CONTINUE_AS_NEW, ...args.options?.continueAsNew };
  let tasksAsked = 0;
  const shouldContinue = (): boolean => {
    // Every run starts at least one task, so a limit below a fresh run's own size cannot loop forever.
    if (++tasksAsked === 1) return false;
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength >= limits.historyEvents || progress.size >= limits.heldProgressEvents;
  };
  const runOptions = {
    executionId: args.executionId,
    engine: sandboxEngine,
    schemas,
    runtimeMetadata: { host: 'temporal' },
    // Without values (the worker holds the secrets), declared secrets are placeholders the performers fill in.
    secrets: args.secrets ?? secretPlaceholders(args.document.use?.secrets ?? []),
    ...(args.options?.parsing ? { parsing: args.options.parsing } : {}),
    ...(args.parent ? { parent: args.parent } : {}),
    ...(lean ? {} : { legacyTaskPromises: true }),
    ...(args.options?.report?.url ? { outputUri: executionOutputUri(args.options.report.url, args.executionId) } : {}),
  };
  let result = await runWorkflow(args.document, args.input, host, runOptions, { ...(continued ? { resumeFrom: continued.resume } : {}), shouldContinue });
  while (result.status === 'continued') {
    // In-flight batches finish first; whatever is still undelivered rides along to the next run.
    await progress.flush(FINAL_FLUSH_MS);
    if (!host.rootScope.cancelled) {
      return continueAsNew<typeof ExecuteServerlessWorkflow>({
        ...args,
        continued: { resume: result.resume, progress: progress.handOver(), suspended: control.suspended, detachedChildren: subWorkflows.detachedIds() },
      });
    }
    // Cancelled during the hand-over: a new run would not know; resuming here reports the cancellation.
    result = await runWorkflow(args.document, args.input, host, runOptions, { resumeFrom: result.resume, shouldContinue: () => false });
  }
  if (result.status === 'cancelled') await subWorkflows.detachedCancelled();
  setStatus(result.status);
  await progress.flush(FINAL_FLUSH_MS);

  if (result.status === 'faulted' && result.error) throw workflowErrorToFailure(new WorkflowError(result.error), result.lastSeq);
  if (result.status === 'cancelled') throw new CancelledFailure('workflow cancelled', [result.lastSeq]);
  return { status: result.status, output: result.output, lastSeq: result.lastSeq };
}
