import type { WorkflowStatus } from '../core/events.ts';
import type { ExecutionRecord } from '../store/execution-store.ts';

/** What changed about an execution: its stored events reached `lastSeq` (contiguously) and `maxSeq`, its status is `status`. */
export interface ExecutionProgress {
  executionId: string;
  lastSeq: number;
  maxSeq: number;
  status: WorkflowStatus;
}

type Listener<T> = (value: T) => void;

/** Where this process's notices also go (other service instances, through the cluster channel). */
export interface HubRelay {
  progressed(progress: ExecutionProgress): void;
  changed(record: ExecutionRecord): void;
}

/**
 * In-process fan-out of "something was stored" notices. Streams never take events from here:
 * they re-read the store after a notice, so what they send is always what was durably stored,
 * in sequence order, however notices are coalesced or lost.
 */
export class LiveHub {
  private readonly executions = new Map<string, Set<Listener<ExecutionProgress>>>();
  private readonly lists = new Set<Listener<ExecutionRecord>>();

  subscribeExecution(executionId: string, listener: Listener<ExecutionProgress>): () => void {
    let listeners = this.executions.get(executionId);
    if (!listeners) this.executions.set(executionId, (listeners = new Set()));
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.executions.delete(executionId);
    };
  }

  subscribeList(listener: Listener<ExecutionRecord>): () => void {
    this.lists.add(listener);
    return () => this.lists.delete(listener);
  }

  private relay: HubRelay | undefined;

  /** Also hands every notice of this process to `relay`; notices received from elsewhere go through `deliver…` and are not relayed. */
  relayTo(relay: HubRelay): void {
    this.relay = relay;
  }

  progressed(progress: ExecutionProgress): void {
    this.deliverProgress(progress);
    this.relay?.progressed(progress);
  }

  changed(record: ExecutionRecord): void {
    this.deliverChange(record);
    this.relay?.changed(record);
  }

  deliverProgress(progress: ExecutionProgress): void {
    for (const listener of [...(this.executions.get(progress.executionId) ?? [])]) listener(progress);
  }

  deliverChange(record: ExecutionRecord): void {
    for (const listener of [...this.lists]) listener(record);
  }

  /** Executions someone here follows. */
  get followedExecutions(): string[] {
    return [...this.executions.keys()];
  }

  get hasListSubscribers(): boolean {
    return this.lists.size > 0;
  }

  get subscriberCount(): number {
    let count = this.lists.size;
    for (const listeners of this.executions.values()) count += listeners.size;
    return count;
  }
}
