import { createHash } from 'node:crypto';
import type { ProgressEvent } from '../core/events.ts';
import type { Json, JsonObject } from '../core/json.ts';
import type { SqlExecutor } from './sql-driver.ts';

/** Serialized JSON bytes above which a value is stored once, by reference, instead of inline. */
export const DEFAULT_INLINE_VALUE_LIMIT = 64 * 1024;

/** Event data fields holding workflow or task data, and the field that carries their reference instead (the spec's claim check). */
const VALUE_FIELDS = [
  ['input', 'inputUri'],
  ['output', 'outputUri'],
] as const;

const HASH = /^[0-9a-f]{64}$/;

/** Where the service serves a stored value: under the execution, so reading it takes reading that execution. */
export function valuePath(executionId: string, hash: string): string {
  return `/v1/executions/${encodeURIComponent(executionId)}/values/${hash}`;
}

/** The content hash a value path (see `valuePath`) names, if it is one. */
export function valueHashOf(uri: string): string | undefined {
  return /\/values\/([0-9a-f]{64})$/.exec(uri)?.[1];
}

/** How a value is kept: its JSON text inline, or (above the limit) by its content hash, the text going to `value_blobs`. */
export type KeptValue = { json: string; hash?: undefined } | { hash: string; json: string };

/** An event ready to store: its body (large values replaced by references), the values it refers to, and how its output is kept. */
export interface PreparedEvent {
  event: ProgressEvent;
  body: string;
  blobs: KeptValue[];
  output?: KeptValue;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Serializes and hashes values before a write transaction, so the expensive part runs outside
 * it and yields to the event loop after each large value (one 10 MB value at a time, never a whole batch).
 * A value seen twice (an event's input that is also its output) is serialized once.
 */
export class ValuePreparer {
  private readonly seen = new WeakMap<object, KeptValue>();

  constructor(private readonly inlineLimit: number) {}

  async keep(value: Json): Promise<KeptValue> {
    const known = typeof value === 'object' && value !== null ? this.seen.get(value) : undefined;
    if (known) return known;
    const json = JSON.stringify(value);
    if (json.length <= this.inlineLimit / 3 || Buffer.byteLength(json) <= this.inlineLimit) return { json };
    const kept = { hash: createHash('sha256').update(json).digest('hex'), json };
    if (typeof value === 'object' && value !== null) this.seen.set(value, kept);
    await nextTurn();
    return kept;
  }

  async event(event: ProgressEvent): Promise<PreparedEvent> {
    let data: JsonObject = event.data;
    const blobs: KeptValue[] = [];
    let output: KeptValue | undefined;
    for (const [field, uriField] of VALUE_FIELDS) {
      const value = data[field];
      if (value === undefined) continue;
      const kept = await this.keep(value);
      if (field === 'output') output = kept;
      if (kept.hash === undefined) continue;
      blobs.push(kept);
      const { [field]: _externalized, ...rest } = data;
      data = { ...rest, [uriField]: valuePath(event.executionid, kept.hash) };
    }
    return { event, body: JSON.stringify(data === event.data ? event : { ...event, data }), blobs, ...(output ? { output } : {}) };
  }
}

/**
 * Writes large values inside a transaction, content-addressed (sha-256 of their JSON text): a value
 * is written once however many events, tasks and executions carry it; `execution_values` records
 * which executions refer to it, so a value is readable only through an execution that holds it.
 */
export class ValueWriter {
  private readonly stored = new Set<string>();
  private readonly linked = new Set<string>();

  constructor(
    private readonly tx: SqlExecutor,
    private readonly dialect: 'sqlite' | 'postgres',
  ) {}

  async store(executionId: string, value: KeptValue): Promise<void> {
    const { hash } = value;
    if (hash === undefined) return;
    if (!this.stored.has(hash)) {
      // Look first: an existing copy is not sent to the database again. On PostgreSQL the look locks
      // the copy against retention's delete of unreferenced values until this transaction links it.
      const lock = this.dialect === 'postgres' ? ' FOR KEY SHARE' : '';
      const existing = await this.tx.all(`SELECT 1 AS found FROM value_blobs WHERE hash = ?${lock}`, [hash]);
      if (existing.length === 0) {
        await this.tx.run('INSERT INTO value_blobs (hash, size, body) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [hash, Buffer.byteLength(value.json), value.json]);
      }
      this.stored.add(hash);
    }
    const link = `${executionId}\u0000${hash}`;
    if (!this.linked.has(link)) {
      await this.tx.run('INSERT INTO execution_values (execution_id, hash) VALUES (?, ?) ON CONFLICT DO NOTHING', [executionId, hash]);
      this.linked.add(link);
    }
  }
}

/** The JSON text of a value an execution refers to, or undefined when that execution holds no such value. */
export async function readStoredValue(sql: SqlExecutor, executionId: string, hash: string): Promise<string | undefined> {
  if (!HASH.test(hash)) return undefined;
  const rows = await sql.all(
    'SELECT b.body FROM execution_values v JOIN value_blobs b ON b.hash = v.hash WHERE v.execution_id = ? AND v.hash = ?',
    [executionId, hash],
  );
  return rows[0] ? String(rows[0].body) : undefined;
}

/** Deletes up to `limit` stored values no execution refers to any more (retention); returns how many. */
export async function deleteUnreferencedValues(sql: SqlExecutor, limit: number): Promise<number> {
  const unreferenced = 'NOT EXISTS (SELECT 1 FROM execution_values v WHERE v.hash = value_blobs.hash)';
  const rows = await sql.all(`SELECT hash FROM value_blobs WHERE ${unreferenced} LIMIT ?`, [limit]);
  if (rows.length === 0) return 0;
  const hashes = rows.map((row) => String(row.hash));
  // Checked again in the delete: a start or report may have linked one of them meanwhile.
  return sql.run(`DELETE FROM value_blobs WHERE hash IN (${hashes.map(() => '?').join(', ')}) AND ${unreferenced}`, hashes);
}
