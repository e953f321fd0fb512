import type { JsonObject } from '../core/json.ts';

/**
 * Where emitted CloudEvents go and where listeners read them from. Kept minimal on purpose:
 * filters, correlation and NATS transport extend this interface in the events work.
 */
export interface EventBus {
  /** Delivers the event to every current subscriber; resolves once it was handed over. */
  publish(event: JsonObject): Promise<void>;
  /** Registers a listener; the returned function unsubscribes it. */
  subscribe(listener: (event: JsonObject) => void): () => void;
}
