import type { ProgressEvent, WorkflowStatus } from '../core/events.ts';
import type { ExecutionStore } from '../store/execution-store.ts';
import { isTerminal } from '../store/workflow-transition.ts';
import type { LiveHub } from './live-hub.ts';

export interface FollowSink {
  event(event: ProgressEvent): void;
  /** The execution ended and every one of its events was sent. */
  end(status: WorkflowStatus): void;
  fail(error: unknown): void;
}

const PAGE = 500;

/**
 * Sends an execution's stored events after `afterSeq`, backlog then live, under its own
 * sequence: each hub notice triggers a re-read of the store from the last sent seq, never past
 * a gap, so a follower sees every event once and in order whatever it reconnects with.
 * Returns the function that stops following.
 */
export function followExecution(store: ExecutionStore, hub: LiveHub, executionId: string, afterSeq: number, sink: FollowSink): () => void {
  let cursor = afterSeq;
  let stopped = false;
  let pumping = false;
  let again = false;

  const pump = async (): Promise<void> => {
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    try {
      do {
        again = false;
        const events = await store.readEvents(executionId, cursor, { limit: PAGE });
        for (const event of events) {
          if (stopped) return;
          sink.event(event);
          cursor = event.seq;
        }
        if (events.length === PAGE) {
          again = true;
          continue;
        }
        const execution = await store.getExecution(executionId);
        if (!stopped && execution && isTerminal(execution.status) && execution.lastSeq === execution.maxSeq && cursor >= execution.lastSeq) {
          stop();
          sink.end(execution.status);
          return;
        }
      } while (again && !stopped);
    } catch (error) {
      if (!stopped) {
        stop();
        sink.fail(error);
      }
    } finally {
      pumping = false;
    }
  };

  const unsubscribe = hub.subscribeExecution(executionId, () => void pump());
  const stop = () => {
    stopped = true;
    unsubscribe();
  };
  void pump();
  return stop;
}
