import type { EventBus } from '../../bus/event-bus.ts';
import type { JsonObject } from '../../core/json.ts';
import type { ClusterChannel } from './cluster-channel.ts';

const CLOUD_EVENT = 'cloudevent';

/**
 * The CloudEvent bus of one instance among several: what is published here (accepted by the API or
 * emitted by a workflow) is delivered here and on every other instance, whose `listen` tasks,
 * followed Temporal executions and `schedule.on` schedules then see it as if it were their own.
 */
export class ClusterEventBus implements EventBus {
  private readonly stopReceiving: () => void;

  constructor(
    private readonly local: EventBus,
    private readonly channel: ClusterChannel,
  ) {
    this.stopReceiving = channel.subscribe((message) => {
      if (message.topic === CLOUD_EVENT) void local.publish(message.body);
    });
  }

  async publish(event: JsonObject): Promise<void> {
    await this.local.publish(event);
    await this.channel.send([{ topic: CLOUD_EVENT, body: event }]);
  }

  subscribe(listener: (event: JsonObject) => void): () => void {
    return this.local.subscribe(listener);
  }

  stop(): void {
    this.stopReceiving();
  }
}
