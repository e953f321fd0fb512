import type { JsonObject } from '../../core/json.ts';
import type { ExecutionRecord, ExecutionStore } from '../../store/execution-store.ts';
import type { ExecutionProgress, HubRelay, LiveHub } from '../live-hub.ts';
import type { ClusterChannel, ClusterMessage } from './cluster-channel.ts';

const PROGRESS = 'progress';
const CHANGED = 'changed';

/**
 * Carries the live hub's "something was stored" notices between instances. Notices are only wake-ups:
 * streams re-read the store from their own position, so a notice coalesced or lost costs latency,
 * never an event (after a lost connection every followed execution is re-read). Notices of one
 * event-loop turn leave in one message, the newest per execution.
 */
export class ClusterHubRelay implements HubRelay {
  private readonly progress = new Map<string, ExecutionProgress>();
  private readonly changes = new Set<string>();
  private flushing = false;
  private readonly stops: Array<() => void> = [];

  constructor(
    private readonly hub: LiveHub,
    private readonly store: Pick<ExecutionStore, 'getExecution'>,
    private readonly channel: ClusterChannel,
    private readonly log: (message: string, error?: unknown) => void,
  ) {
    hub.relayTo(this);
    this.stops.push(channel.subscribe((message) => this.receive(message)));
    this.stops.push(channel.onReconnect(() => void this.catchUp()));
  }

  progressed(progress: ExecutionProgress): void {
    const known = this.progress.get(progress.executionId);
    // Concurrent writes may announce out of order: keep the newest position (a later equal one carries the newer status).
    if (!known || progress.lastSeq >= known.lastSeq || progress.maxSeq > known.maxSeq) this.progress.set(progress.executionId, progress);
    this.schedule();
  }

  changed(record: ExecutionRecord): void {
    this.changes.add(record.id);
    this.schedule();
  }

  stop(): void {
    for (const stop of this.stops) stop();
  }

  private schedule(): void {
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => {
      this.flushing = false;
      const messages: ClusterMessage[] = [
        ...[...this.progress.values()].map((progress) => ({ topic: PROGRESS, body: { ...progress } as JsonObject })),
        ...[...this.changes].map((id) => ({ topic: CHANGED, body: { id } })),
      ];
      this.progress.clear();
      this.changes.clear();
      this.channel.send(messages).catch((error: unknown) => this.log('sending stored-event notices to the other instances failed', error));
    });
  }

  private receive(message: ClusterMessage): void {
    if (message.topic === PROGRESS) {
      this.hub.deliverProgress(message.body as unknown as ExecutionProgress);
    } else if (message.topic === CHANGED && this.hub.hasListSubscribers) {
      void this.reread(String(message.body.id));
    }
  }

  private async reread(id: string): Promise<void> {
    const record = await this.store.getExecution(id).catch((error: unknown) => this.log(`reading execution ${id} after a notice failed`, error));
    if (record) this.hub.deliverChange(record);
  }

  /** Notices may have been lost while the channel was down: wake every follower to read the store again. */
  private async catchUp(): Promise<void> {
    for (const id of this.hub.followedExecutions) {
      const record = await this.store.getExecution(id).catch(() => undefined);
      if (record) this.hub.deliverProgress({ executionId: id, lastSeq: record.lastSeq, maxSeq: record.maxSeq, status: record.status });
    }
  }
}
