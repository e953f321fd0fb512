import { ApplicationFailure } from '@temporalio/common';
import { Code, ConnectError } from '@connectrpc/connect';
import type { ProgressEvent } from '../../core/events.ts';
import { createProgressReporter } from '../../service/progress-client.ts';
import type { ProgressReportTarget } from './messages.ts';

/** Receives batches of progress events shipped out of workflows (the service plugs in here). */
export type ProgressBatchSink = (events: ProgressEvent[]) => void | Promise<void>;

/** Hands one batch of one execution's events on; throws an `ApplicationFailure` when the service refuses or cannot be reached. */
export type DeliverProgress = (events: ProgressEvent[], target?: ProgressReportTarget) => Promise<void>;

export interface ProgressDeliveryOptions {
  /** Where every batch goes first, in this process. */
  progressSink?: ProgressBatchSink;
  /** Base URL of the execution service that receives every batch (overrides the URL a workflow names). */
  serviceUrl?: string;
}

/** Refusals that another attempt cannot change (a wrong token, a malformed batch). */
const FINAL_REFUSALS = new Set([Code.PermissionDenied, Code.Unauthenticated, Code.InvalidArgument]);

/**
 * Delivers batches to the worker's sink and to the service a workflow names (ReportProgress with
 * the execution's report token). A refusal another attempt cannot change is non-retryable.
 */
export function createProgressDelivery(options: ProgressDeliveryOptions): DeliverProgress {
  // One client (and HTTP/2 session) per service URL; the token is looked up per call.
  const reporters = new Map<string, ReturnType<typeof createProgressReporter>>();
  const tokens = new Map<string, { token: string; calls: number }>();
  const reporterFor = (url: string) => {
    let reporter = reporters.get(url);
    if (!reporter) {
      reporter = createProgressReporter({ url, token: (executionId) => tokens.get(executionId)?.token ?? '', timeoutMs: 10_000 });
      reporters.set(url, reporter);
    }
    return reporter;
  };
  return async (events, target) => {
    await options.progressSink?.(events);
    const url = options.serviceUrl ?? target?.url;
    const executionId = events[0]?.executionid;
    if (!url || !target || executionId === undefined) return;
    const entry = tokens.get(executionId) ?? { token: target.token, calls: 0 };
    entry.calls += 1;
    tokens.set(executionId, entry);
    try {
      await reporterFor(url)(events);
    } catch (error) {
      const refusal = ConnectError.from(error);
      // The message names the service's answer, never the token.
      const failure = `ReportProgress to ${url} failed: ${refusal.message}`;
      throw FINAL_REFUSALS.has(refusal.code) ? ApplicationFailure.nonRetryable(failure, 'ReportProgressRefused') : ApplicationFailure.retryable(failure, 'ReportProgressFailed');
    } finally {
      if (--entry.calls === 0) tokens.delete(executionId);
    }
  };
}
