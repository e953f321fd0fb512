import type { EventType, ProgressEvent, WorkflowStatus } from '../core/events.ts';
import { isJsonObject, type Json, type JsonObject } from '../core/json.ts';
import type { ExecutionRecord, WorkflowDocumentRecord } from './execution-store.ts';
import type { SqlRow } from './sql-driver.ts';
import { valuePath } from './stored-values.ts';

/**
 * Decoding of stored rows. A column that does not decode (hand-edited database, disk trouble,
 * an older writer) is reported in `malformed` and served as null: one bad record must not
 * take down a list, a snapshot or a stream.
 */

const STATUSES: readonly WorkflowStatus[] = ['pending', 'running', 'waiting', 'suspended', 'cancelled', 'faulted', 'completed'];

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function integer(value: unknown): number {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) ? number : 0;
}

function parseJson(value: unknown, column: string, malformed: string[]): Json | undefined {
  if (value === null || value === undefined) return undefined;
  try {
    return JSON.parse(String(value)) as Json;
  } catch {
    malformed.push(column);
    return undefined;
  }
}

/** Record fields held as text in their own column, absent from the record when the column is empty. */
type OptionalTextField = 'startedAt' | 'endedAt' | 'engine' | 'trigger' | 'parentExecutionId' | 'parentTask' | 'parentIteration' | 'cancelReason';
const OPTIONAL_TEXT_COLUMNS: ReadonlyArray<readonly [OptionalTextField, string]> = [
  ['startedAt', 'started_at'],
  ['endedAt', 'ended_at'],
  ['engine', 'engine'],
  ['trigger', 'trigger_kind'],
  ['parentExecutionId', 'parent_execution_id'],
  ['parentTask', 'parent_task'],
  ['parentIteration', 'parent_iteration'],
  ['cancelReason', 'cancel_reason'],
];

export function executionFromRow(row: SqlRow): ExecutionRecord {
  const malformed: string[] = [];
  const status = STATUSES.includes(row.status as WorkflowStatus) ? (row.status as WorkflowStatus) : (malformed.push('status'), 'faulted');
  const record: ExecutionRecord = {
    id: String(row.id),
    workflow: { namespace: String(row.namespace), name: String(row.name), version: String(row.version) },
    status,
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
    lastSeq: integer(row.last_seq),
    maxSeq: integer(row.max_seq),
  };
  const inputHash = text(row.input_hash);
  if (inputHash) record.inputUri = valuePath(record.id, inputHash);
  else record.input = parseJson(row.input, 'input', malformed) ?? null;
  const outputHash = text(row.output_hash);
  if (outputHash) record.outputUri = valuePath(record.id, outputHash);
  const output = outputHash ? undefined : parseJson(row.output, 'output', malformed);
  if (output !== undefined) record.output = output;
  const error = parseJson(row.error, 'error', malformed);
  if (isJsonObject(error)) record.error = error;
  else if (error !== undefined) malformed.push('error');
  for (const [field, column] of OPTIONAL_TEXT_COLUMNS) {
    const value = text(row[column]);
    if (value) record[field] = value;
  }
  if (malformed.length > 0) record.malformed = malformed;
  return record;
}

/** A stored event; an undecodable body becomes a stand-in that keeps the sequence unbroken. */
export function eventFromRow(row: SqlRow, executionId: string): ProgressEvent {
  try {
    const event = JSON.parse(String(row.body)) as ProgressEvent;
    if (isJsonObject(event as unknown as Json) && isJsonObject(event.data as Json)) return event;
  } catch {
    // fall through to the stand-in
  }
  return {
    specversion: '1.0',
    id: String(row.id),
    source: 'urn:cairn:service',
    type: String(row.type) as EventType,
    time: String(row.time),
    datacontenttype: 'application/json',
    executionid: executionId,
    seq: integer(row.seq),
    ...(text(row.subject) ? { subject: String(row.subject) } : {}),
    data: { malformed: true } satisfies JsonObject,
  };
}

export function workflowFromRow(row: SqlRow): WorkflowDocumentRecord {
  return {
    namespace: String(row.namespace),
    name: String(row.name),
    version: String(row.version),
    document: String(row.document),
    registeredAt: String(row.registered_at),
  };
}

/** Orders versions numerically part by part (1.10.0 after 1.9.0), text parts by code point. */
export function compareVersions(a: string, b: string): number {
  const left = a.split(/[.+-]/);
  const right = b.split(/[.+-]/);
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    const x = left[index] ?? '';
    const y = right[index] ?? '';
    if (x === y) continue;
    const numeric = /^\d+$/.test(x) && /^\d+$/.test(y);
    if (numeric) return Number(x) - Number(y);
    return x < y ? -1 : 1;
  }
  return 0;
}

export function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

export function decodeCursor(cursor: string): [string, string] | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((part) => typeof part === 'string')) return value as [string, string];
  } catch {
    // an unreadable cursor is reported by the caller
  }
  return undefined;
}
