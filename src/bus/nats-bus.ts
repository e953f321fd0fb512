import { connect, type NatsConnection } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream, jetstreamManager, JetStreamApiCodes, JetStreamApiError, type ConsumerMessages, type JetStreamClient } from '@nats-io/jetstream';
import type { JsonObject } from '../core/json.ts';
import type { EventBus } from './event-bus.ts';

export interface NatsEventBusOptions {
  /** NATS server(s), e.g. `127.0.0.1:4222`. */
  servers: string | string[];
  /** JetStream stream holding the events (created when missing). */
  stream?: string;
  /** Subject prefix: an event of type `a.b.v1` is stored under `<prefix>.a.b.v1`. */
  subjectPrefix?: string;
  /** How long the stream keeps events; listeners only read events published after they subscribed. */
  maxAgeMs?: number;
  user?: string;
  pass?: string;
  token?: string;
  /** Called when a listener throws or a subscription breaks; neither may fail the publisher. */
  onListenerError?: (error: unknown, event?: JsonObject) => void;
}

const DEFAULT_STREAM = 'CAIRN_EVENTS';
const DEFAULT_PREFIX = 'cairn.events';
const DEFAULT_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * An event bus over NATS JetStream, shared by every process connected to the same stream: emit in
 * one worker, listen in another. Publishing resolves once JetStream stored the event (deduplicated
 * by CloudEvent id, so a retried emit is stored once). Each subscription is an ordered consumer
 * starting at the millisecond `subscribe` was called, so an event published after `subscribe`
 * returns is delivered even though the consumer is created asynchronously (`ready()` awaits that
 * creation). Events stored earlier in that same millisecond are delivered too (the start is a
 * JetStream timestamp, compared against the server's clock), never events of earlier milliseconds.
 */
export class NatsEventBus implements EventBus {
  readonly #connection: NatsConnection;
  readonly #js: JetStreamClient;
  readonly #stream: string;
  readonly #prefix: string;
  readonly #onListenerError: (error: unknown, event?: JsonObject) => void;
  readonly #pending = new Set<Promise<void>>();
  readonly #subscriptions = new Set<{ stop(): void }>();

  private constructor(connection: NatsConnection, options: NatsEventBusOptions) {
    this.#connection = connection;
    this.#js = jetstream(connection);
    this.#stream = options.stream ?? DEFAULT_STREAM;
    this.#prefix = options.subjectPrefix ?? DEFAULT_PREFIX;
    this.#onListenerError = options.onListenerError ?? ((error) => console.error('NATS event bus listener failed:', error));
  }

  /** Connects and makes sure the stream exists (with `<prefix>.>` as its subjects). */
  static async connect(options: NatsEventBusOptions): Promise<NatsEventBus> {
    const connection = await connect({
      servers: options.servers,
      ...(options.user !== undefined ? { user: options.user, pass: options.pass ?? '' } : {}),
      ...(options.token !== undefined ? { token: options.token } : {}),
    });
    try {
      const bus = new NatsEventBus(connection, options);
      await bus.#ensureStream(options.maxAgeMs ?? DEFAULT_MAX_AGE_MS);
      return bus;
    } catch (error) {
      await connection.close();
      throw error;
    }
  }

  async #ensureStream(maxAgeMs: number): Promise<void> {
    const manager = await jetstreamManager(this.#connection);
    const config = { name: this.#stream, subjects: [`${this.#prefix}.>`], max_age: maxAgeMs * 1_000_000, duplicate_window: 120 * 1_000_000_000 };
    try {
      await manager.streams.info(this.#stream);
    } catch (error) {
      if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.StreamNotFound) throw error;
      await manager.streams.add(config).catch(async (addError: unknown) => {
        // Another process created it in the meantime.
        await manager.streams.info(this.#stream).catch(() => {
          throw addError;
        });
      });
    }
  }

  async publish(event: JsonObject): Promise<void> {
    const id = typeof event.id === 'string' ? event.id : undefined;
    await this.#js.publish(this.#subject(event), JSON.stringify(event), id === undefined ? {} : { msgID: id });
  }

  subscribe(listener: (event: JsonObject) => void): () => void {
    const startTime = new Date().toISOString();
    let messages: ConsumerMessages | undefined;
    let stopped = false;
    const handle = {
      stop: () => {
        stopped = true;
        messages?.stop();
      },
    };
    this.#subscriptions.add(handle);
    const started = this.#js.consumers
      .get(this.#stream, { filter_subjects: `${this.#prefix}.>`, deliver_policy: DeliverPolicy.StartTime, opt_start_time: startTime })
      .then(async (consumer) => {
        if (stopped) return;
        messages = await consumer.consume();
        if (stopped) messages.stop();
        void this.#deliver(messages, listener);
      })
      .catch((error: unknown) => this.#onListenerError(error));
    this.#pending.add(started);
    void started.finally(() => this.#pending.delete(started));
    return () => {
      handle.stop();
      this.#subscriptions.delete(handle);
    };
  }

  /** Resolves once every subscription made so far is live on the server. */
  async ready(): Promise<void> {
    await Promise.all([...this.#pending]);
  }

  /** Stops every subscription and closes the connection (pending publishes are flushed first). */
  async close(): Promise<void> {
    for (const subscription of this.#subscriptions) subscription.stop();
    this.#subscriptions.clear();
    await this.#connection.drain();
  }

  async #deliver(messages: ConsumerMessages, listener: (event: JsonObject) => void): Promise<void> {
    try {
      for await (const message of messages) {
        let event: JsonObject;
        try {
          event = message.json<JsonObject>();
        } catch (error) {
          this.#onListenerError(error);
          continue;
        }
        try {
          listener(event);
        } catch (error) {
          this.#onListenerError(error, event);
        }
      }
    } catch (error) {
      this.#onListenerError(error);
    }
  }

  #subject(event: JsonObject): string {
    const type = typeof event.type === 'string' && event.type !== '' ? event.type : 'untyped';
    // Subject tokens cannot hold whitespace or wildcards, nor be empty.
    const tokens = type.split('.').map((token) => token.replace(/[\s*>]/g, '_') || '_');
    return `${this.#prefix}.${tokens.join('.')}`;
  }
}
