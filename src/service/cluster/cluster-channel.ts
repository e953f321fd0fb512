import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { JsonObject } from '../../core/json.ts';

/** A message between the service instances sharing one database. */
export interface ClusterMessage {
  topic: string;
  body: JsonObject;
}

/**
 * How the service instances sharing one database tell each other things (stored events, CloudEvents,
 * control requests, registrations). Best effort: a receiver that missed messages is told through
 * `onReconnect`, and everything that must not be lost is in the database, read after each message.
 */
export interface ClusterChannel {
  /** Sends to every other instance (never back to this one). */
  send(messages: ClusterMessage[]): Promise<void>;
  subscribe(listener: (message: ClusterMessage) => void): () => void;
  /** Called once the channel listens again after losing its connection (messages in between are lost). */
  onReconnect(listener: () => void): () => void;
  close(): Promise<void>;
}

const CHANNEL = 'cairn_cluster';
/** PostgreSQL refuses NOTIFY payloads of 8,000 bytes or more; bigger ones travel through `cluster_messages`. */
const NOTIFY_LIMIT = 7_500;
/** Spilled messages are kept this long, then deleted by whoever spills the next one. */
const SPILL_RETENTION_MS = 10 * 60_000;
const RECONNECT_MS = 1_000;

interface Envelope {
  from: string;
  messages?: ClusterMessage[];
  /** Id of a `cluster_messages` row holding `messages` when they were too large to notify. */
  spilled?: string;
}

/** PostgreSQL LISTEN/NOTIFY: one listening connection (reconnected when lost) and a small pool for sending. */
export class PostgresChannel implements ClusterChannel {
  private readonly pool: pg.Pool;
  private readonly listeners = new Set<(message: ClusterMessage) => void>();
  private readonly reconnectListeners = new Set<() => void>();
  private listener: pg.Client | undefined;
  private closed = false;

  private constructor(
    private readonly connectionString: string,
    private readonly instanceId: string,
    private readonly log: (message: string, error?: unknown) => void,
  ) {
    this.pool = new pg.Pool({ connectionString, max: 2 });
    this.pool.on('error', () => undefined);
  }

  /** Listens before returning, so nothing sent after the instance started is missed. */
  static async open(connectionString: string, instanceId: string, log: (message: string, error?: unknown) => void): Promise<PostgresChannel> {
    const channel = new PostgresChannel(connectionString, instanceId, log);
    await channel.listen();
    return channel;
  }

  async send(messages: ClusterMessage[]): Promise<void> {
    if (messages.length === 0 || this.closed) return;
    let payload = JSON.stringify({ from: this.instanceId, messages } satisfies Envelope);
    if (Buffer.byteLength(payload) > NOTIFY_LIMIT) {
      const id = randomUUID();
      const now = Date.now();
      await this.pool.query('INSERT INTO cluster_messages (id, body, created_at) VALUES ($1, $2, $3)', [id, JSON.stringify(messages), now]);
      await this.pool.query('DELETE FROM cluster_messages WHERE created_at < $1', [now - SPILL_RETENTION_MS]);
      payload = JSON.stringify({ from: this.instanceId, spilled: id } satisfies Envelope);
    }
    await this.pool.query('SELECT pg_notify($1, $2)', [CHANNEL, payload]);
  }

  subscribe(listener: (message: ClusterMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.listener?.end().catch(() => undefined);
    await this.pool.end();
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString });
    client.on('notification', (notification) => void this.receive(notification.payload));
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.listener = client;
  }

  private lost(client: pg.Client): void {
    if (this.closed || this.listener !== client) return;
    this.listener = undefined;
    const retry = (): void => {
      if (this.closed) return;
      this.listen().then(
        () => {
          for (const listener of [...this.reconnectListeners]) listener();
        },
        (error: unknown) => {
          this.log('the cluster channel cannot listen on PostgreSQL; retrying', error);
          setTimeout(retry, RECONNECT_MS).unref();
        },
      );
    };
    setTimeout(retry, RECONNECT_MS).unref();
  }

  private async receive(payload: string | undefined): Promise<void> {
    try {
      const envelope = JSON.parse(payload ?? '{}') as Envelope;
      if (envelope.from === this.instanceId) return;
      let messages = envelope.messages ?? [];
      if (envelope.spilled) {
        const { rows } = await this.pool.query<{ body: string }>('SELECT body FROM cluster_messages WHERE id = $1', [envelope.spilled]);
        messages = rows[0] ? (JSON.parse(rows[0].body) as ClusterMessage[]) : [];
      }
      for (const message of messages) for (const listener of [...this.listeners]) listener(message);
    } catch (error) {
      this.log('a cluster message could not be read', error);
    }
  }
}
