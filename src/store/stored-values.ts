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

export function isValueHash(text: string): boolean {
  return HASH.test(text);
}

/** The content hash a value path (see `valuePath`) names, if it is one. */
export function valueHashOf(uri: string): string | undefined {
  return /\/values\/([0-9a-f]{64})$/.exec(uri)?.[1];
}

/** How a value is kept: its JSON text inline, or the content hash of the stored copy. */
export type KeptValue = { json: string; hash?: undefined } | { hash: string; json?: undefined };

/**
 * Stores large values of one transaction content-addressed (sha-256 of their JSON text): a value
 * is written once however many events, tasks and executions carry it; `execution_values` records
 * which executions refer to it, so a value is readable only through an execution that holds it.
 */
export class ValueWriter {
  private readonly stored = new Set<string>();
  private readonly linked = new Set<string>();

  constructor(
    private readonly tx: SqlExecutor,
    private readonly inlineLimit: number,
  ) {}

  async keep(executionId: string, value: Json): Promise<KeptValue> {
    const json = JSON.stringify(value);
    if (Buffer.byteLength(json) <= this.inlineLimit) return { json };
    return { hash: await this.store(executionId, json) };
  }

  /**
   * The event's stored body: as is when it fits under the limit, else with each large `input`/`output`
   * replaced by `inputUri`/`outputUri` (the value's service path). Serializes a small event once.
   */
  async eventBody(event: ProgressEvent): Promise<string> {
    const body = JSON.stringify(event);
    if (Buffer.byteLength(body) <= this.inlineLimit) return body;
    let data: JsonObject = event.data;
    for (const [field, uriField] of VALUE_FIELDS) {
      const value = data[field];
      if (value === undefined) continue;
      const kept = await this.keep(event.executionid, value);
      if (kept.hash === undefined) continue;
      const { [field]: _externalized, ...rest } = data;
      data = { ...rest, [uriField]: valuePath(event.executionid, kept.hash) };
    }
    return data === event.data ? body : JSON.stringify({ ...event, data });
  }

  private async store(executionId: string, json: string): Promise<string> {
    const hash = createHash('sha256').update(json).digest('hex');
    if (!this.stored.has(hash)) {
      // Look first: an existing copy is not sent to the database again.
      const existing = await this.tx.all('SELECT 1 AS found FROM value_blobs WHERE hash = ?', [hash]);
      if (existing.length === 0) {
        await this.tx.run('INSERT INTO value_blobs (hash, size, body) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [hash, Buffer.byteLength(json), json]);
      }
      this.stored.add(hash);
    }
    const link = `${executionId}\u0000${hash}`;
    if (!this.linked.has(link)) {
      await this.tx.run('INSERT INTO execution_values (execution_id, hash) VALUES (?, ?) ON CONFLICT DO NOTHING', [executionId, hash]);
      this.linked.add(link);
    }
    return hash;
  }
}

/** The JSON text of a value an execution refers to, or undefined when that execution holds no such value. */
export async function readStoredValue(sql: SqlExecutor, executionId: string, hash: string): Promise<string | undefined> {
  if (!isValueHash(hash)) return undefined;
  const rows = await sql.all(
    'SELECT b.body FROM execution_values v JOIN value_blobs b ON b.hash = v.hash WHERE v.execution_id = ? AND v.hash = ?',
    [executionId, hash],
  );
  return rows[0] ? String(rows[0].body) : undefined;
}
