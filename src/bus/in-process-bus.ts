import type { JsonObject } from '../core/json.ts';
import type { EventBus } from './event-bus.ts';

export interface InProcessEventBusOptions {
  /** Called when a listener throws; one faulty listener must not fail the publisher or starve the others. */
  onListenerError?: (error: unknown, event: JsonObject) => void;
}

/** An event bus inside one process: synchronous fan-out to the listeners subscribed at publish time. */
export class InProcessEventBus implements EventBus {
  readonly #listeners = new Set<(event: JsonObject) => void>();
  readonly #onListenerError: (error: unknown, event: JsonObject) => void;

  constructor(options: InProcessEventBusOptions = {}) {
    this.#onListenerError =
      options.onListenerError ?? ((error) => console.error('event bus listener failed:', error));
  }

  async publish(event: JsonObject): Promise<void> {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.#onListenerError(error, event);
      }
    }
  }

  subscribe(listener: (event: JsonObject) => void): () => void {
    // Wrapped so the same function subscribed twice gets two independent subscriptions.
    const entry = (event: JsonObject): void => listener(event);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }
}

/** Same class under the shorter name some hosts import. */
export { InProcessEventBus as InProcessBus };
