import type { ProgressEvent } from '../core/events.ts';
import { isJsonObject } from '../core/json.ts';
import { StoreError, type AppendResult, type SeqGap } from './execution-store.ts';
import { executionFromRow } from './rows.ts';
import type { SqlExecutor, SqlParam } from './sql-driver.ts';
import { ValueWriter, type KeptValue, type PreparedEvent } from './stored-values.ts';
import { workflowTransition, type WorkflowTransition } from './workflow-transition.ts';

const ROWS_PER_INSERT = 100;

/** Rejects an event the store cannot index, naming the field. */
export function checkEvent(event: ProgressEvent, index: number): void {
  const fail = (field: string, expected: string) => {
    throw new StoreError('CAIRN_ERR_STORE_INVALID', `event ${index}: field "${field}" must be ${expected}`);
  };
  if (!isJsonObject(event as unknown as Record<string, never>)) fail('(event)', 'an object');
  if (typeof event.id !== 'string' || event.id === '') fail('id', 'a non-empty string');
  if (typeof event.executionid !== 'string' || event.executionid === '') fail('executionid', 'a non-empty string');
  if (!Number.isSafeInteger(event.seq) || event.seq < 1) fail('seq', 'an integer ≥ 1');
  if (typeof event.type !== 'string' || (event.type as string) === '') fail('type', 'a non-empty string');
  if (typeof event.time !== 'string') fail('time', 'a string');
  if (!isJsonObject(event.data as Record<string, never>)) fail('data', 'an object');
}

/** Missing sequence numbers between `lastSeq` and `maxSeq`, given the stored seqs above `lastSeq` (sorted). */
export function gapsAbove(lastSeq: number, storedAbove: number[], maxSeq: number): SeqGap[] {
  const gaps: SeqGap[] = [];
  let expected = lastSeq + 1;
  for (const seq of storedAbove) {
    if (seq > expected) gaps.push({ from: expected, to: seq - 1 });
    expected = seq + 1;
  }
  if (expected <= maxSeq) gaps.push({ from: expected, to: maxSeq });
  return gaps;
}

async function insertEvents(tx: SqlExecutor, prepared: PreparedEvent[]): Promise<number[]> {
  const inserted: number[] = [];
  for (let start = 0; start < prepared.length; start += ROWS_PER_INSERT) {
    const chunk = prepared.slice(start, start + ROWS_PER_INSERT);
    const params: SqlParam[] = [];
    for (const { event, body } of chunk) {
      params.push(event.executionid, event.seq, event.id, event.type, event.subject ?? null, event.time, body);
    }
    const rows = await tx.all(
      `INSERT INTO events (execution_id, seq, id, type, subject, time, body) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')} ON CONFLICT DO NOTHING RETURNING seq`,
      params,
    );
    for (const row of rows) inserted.push(Number(row.seq));
  }
  return inserted;
}

async function ensureExecution(tx: SqlExecutor, events: ProgressEvent[], lockClause: string, now: string) {
  const executionId = events[0]!.executionid;
  const select = `SELECT * FROM executions WHERE id = ?${lockClause}`;
  let rows = await tx.all(select, [executionId]);
  if (rows.length === 0) {
    // Reported by a run the service did not start: keep its events under what its start event names.
    const definition = events.map((event) => event.data.definition).find(isJsonObject) ?? {};
    const field = (key: string, fallback: string) => (typeof definition[key] === 'string' ? (definition[key] as string) : fallback);
    await tx.run(
      `INSERT INTO executions (id, namespace, name, version, status, document, input, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'pending', '', 'null', ?, ?) ON CONFLICT DO NOTHING`,
      [executionId, field('namespace', 'default'), field('name', 'unknown'), field('version', '0.0.0'), events[0]!.time, now],
    );
    rows = await tx.all(select, [executionId]);
  }
  return { row: rows[0]!, record: executionFromRow(rows[0]!) };
}

/** Appends one execution's events (prepared: see `ValuePreparer`) inside a transaction; see `ExecutionStore.appendEvents`. */
export async function appendExecutionEvents(tx: SqlExecutor, prepared: PreparedEvent[], dialect: 'sqlite' | 'postgres'): Promise<AppendResult> {
  const now = new Date().toISOString();
  const events = prepared.map((entry) => entry.event);
  // PostgreSQL: concurrent reports for one execution queue on its row; SQLite writers are serialized already.
  const { row, record } = await ensureExecution(tx, events, dialect === 'postgres' ? ' FOR UPDATE' : '', now);
  const insertedSeqs = new Set(await insertEvents(tx, prepared));
  const insertedEntries = prepared.filter(({ event }) => insertedSeqs.has(event.seq) && insertedSeqs.delete(event.seq));
  const inserted = insertedEntries.map((entry) => entry.event);
  const values = new ValueWriter(tx, dialect);
  for (const entry of insertedEntries) for (const blob of entry.blobs) await values.store(record.id, blob);

  let statusSeq = Number(row.status_seq ?? 0);
  const state = { status: record.status, startedAt: record.startedAt, endedAt: record.endedAt, output: undefined as KeptValue | undefined, error: record.error };
  let parent: WorkflowTransition['parent'];
  for (const { event, output } of [...insertedEntries].sort((a, b) => a.event.seq - b.event.seq)) {
    const transition = workflowTransition(event);
    if (!transition) continue;
    state.startedAt ??= transition.startedAt;
    parent ??= transition.parent;
    if (event.seq < statusSeq) continue;
    statusSeq = event.seq;
    state.status = transition.status;
    if (transition.endedAt !== undefined) state.endedAt = transition.endedAt;
    if (transition.output !== undefined && output) state.output = output;
    if (transition.error !== undefined) state.error = transition.error;
  }

  const maxSeq = Math.max(record.maxSeq, ...inserted.map((event) => event.seq));
  const above = (await tx.all('SELECT seq FROM events WHERE execution_id = ? AND seq > ? ORDER BY seq', [record.id, record.lastSeq])).map((r) =>
    Number(r.seq),
  );
  let lastSeq = record.lastSeq;
  while (above[lastSeq - record.lastSeq] === lastSeq + 1) lastSeq++;

  // A new output replaces the stored one (inline or by reference); without one, the row keeps what it has.
  const output = state.output ? { json: state.output.hash ? null : state.output.json, hash: state.output.hash ?? null } : { json: row.output ?? null, hash: row.output_hash ?? null };
  await tx.run(
    `UPDATE executions SET status = ?, started_at = ?, ended_at = ?, output = ?, output_hash = ?, error = ?, last_seq = ?, max_seq = ?, status_seq = ?, updated_at = ?,
       parent_execution_id = COALESCE(parent_execution_id, ?), parent_task = COALESCE(parent_task, ?), parent_iteration = COALESCE(parent_iteration, ?)
     WHERE id = ?`,
    [
      state.status,
      state.startedAt ?? null,
      state.endedAt ?? null,
      (output.json ?? null) as SqlParam,
      (output.hash ?? null) as SqlParam,
      state.error === undefined ? null : JSON.stringify(state.error),
      lastSeq,
      maxSeq,
      statusSeq,
      now,
      parent?.executionId ?? null,
      parent?.task ?? null,
      parent?.iteration ?? null,
      record.id,
    ],
  );
  return {
    executionId: record.id,
    inserted: inserted.length,
    duplicates: events.length - inserted.length,
    lastSeq,
    maxSeq,
    gaps: gapsAbove(lastSeq, above.filter((seq) => seq > lastSeq), maxSeq),
    status: state.status,
  };
}
