import type { ProgressEvent, WorkflowStatus } from '../core/events.ts';
import type { ExecutionStore } from '../store/execution-store.ts';
import { isTerminal } from '../store/workflow-transition.ts';
import type { ExecutionProgress, LiveHub } from './live-hub.ts';

export interface FollowSink {
  event(event: ProgressEvent): void;
  /** The execution ended and every one of its events was sent. */
  end(status: WorkflowStatus): void;
  fail(error: unknown): void;
}

const PAGE = 500;

/** Reads in flight, per store, by range: the followers of one execution wake on the same notice at the same position. */
const readsInFlight = new WeakMap<ExecutionStore, Map<string, Promise<ProgressEvent[]>>>();

/**
 * One store query for every follower asking for the same range at once (100 watchers cost one
 * read, not 100); the events are shared, so sinks must not modify them. Stored events up to a
 * contiguous `lastSeq` never change, so a shared answer is the one each follower would have read.
 */
function readShared(store: ExecutionStore, executionId: string, afterSeq: number, throughSeq: number): Promise<ProgressEvent[]> {
  let reads = readsInFlight.get(store);
  if (!reads) readsInFlight.set(store, (reads = new Map()));
  const key = `${afterSeq}:${throughSeq}:${executionId}`;
  let read = reads.get(key);
  if (!read) {
    const inFlight = reads;
    read = store.readEvents(executionId, afterSeq, { throughSeq, limit: PAGE }).finally(() => inFlight.delete(key));
    reads.set(key, read);
  }
  return read;
}

/**
 * Sends an execution's stored events after `afterSeq`, backlog then live, under its own
 * sequence: each hub notice triggers a read of the store from the last sent seq up to the
 * notice's contiguous `lastSeq` (never past a gap), so a follower sees every event once and in
 * order whatever it reconnects with. Returns the function that stops following.
 */
export function followExecution(store: ExecutionStore, hub: LiveHub, executionId: string, afterSeq: number, sink: FollowSink): () => void {
  let cursor = afterSeq;
  let stopped = false;
  let pumping = false;
  let again = false;
  // The newest state known; notices only ever move it forward.
  let known: Omit<ExecutionProgress, 'executionId'> | undefined;

  const learn = (progress: Omit<ExecutionProgress, 'executionId'>) => {
    // A read that started before a notice may answer after it: never step back, and a terminal status is final.
    const newer = !known || progress.lastSeq > known.lastSeq || progress.maxSeq > known.maxSeq;
    const sameSeqs = known && progress.lastSeq === known.lastSeq && progress.maxSeq === known.maxSeq;
    if (newer || (sameSeqs && !isTerminal(known!.status))) known = { lastSeq: progress.lastSeq, maxSeq: progress.maxSeq, status: progress.status };
  };

  const pump = async (): Promise<void> => {
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    try {
      if (!known) {
        const execution = await store.getExecution(executionId);
        if (!execution) return;
        learn(execution);
      }
      do {
        again = false;
        const target = known!;
        if (cursor < target.lastSeq) {
          const events = await readShared(store, executionId, cursor, target.lastSeq);
          for (const event of events) {
            if (stopped) return;
            sink.event(event);
            cursor = event.seq;
          }
          if (events.length === PAGE) again = true;
        }
        if (!again && !stopped && isTerminal(target.status) && target.lastSeq === target.maxSeq && cursor >= target.lastSeq) {
          stop();
          sink.end(target.status);
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

  const unsubscribe = hub.subscribeExecution(executionId, (progress) => {
    learn(progress);
    void pump();
  });
  const stop = () => {
    stopped = true;
    unsubscribe();
  };
  void pump();
  return stop;
}
