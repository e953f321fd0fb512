import { EVENT_TYPES, type ProgressEvent } from '../core/events.ts';
import { appendExecutionEvents, checkEvent, gapsAbove } from './append-events.ts';
import { GroupCommit } from './group-commit.ts';
import {
  StoreError,
  type AppendResult,
  type ExecutionFilter,
  type ExecutionOutcome,
  type ExecutionPage,
  type ExecutionRecord,
  type ExecutionStore,
  type NewExecution,
  type SeqGap,
  type StoreOptions,
  type TaskInstancePage,
  type TaskPage,
  TASK_EVENT_WINDOW,
  type WorkflowDocumentRecord,
  type WorkflowSummary,
} from './execution-store.ts';
import { compareVersions, decodeCursor, encodeCursor, eventFromRow, executionFromRow, workflowFromRow } from './rows.ts';
import type { SqlDriver, SqlParam } from './sql-driver.ts';
import { foldTaskStates } from '../core/task-states.ts';
import { isTerminal, TERMINAL_STATUSES } from './workflow-transition.ts';
import { DEFAULT_INLINE_VALUE_LIMIT, deleteUnreferencedValues, readStoredValue, ValuePreparer, ValueWriter, type PreparedEvent } from './stored-values.ts';

const DEFAULT_PAGE = 50;
const MAX_PAGE = 500;
/** Events deleted per statement by retention: an execution of millions of events never holds the write lock for long. */
const EVENT_DELETE_CHUNK = 5_000;

/** `ExecutionStore` over any `SqlDriver`: the one code path behind SQLite and PostgreSQL. */
export class SqlExecutionStore implements ExecutionStore {
  /** SQLite writes one transaction at a time anyway: share them. PostgreSQL runs appends in parallel on its pool instead. */
  private readonly appends: GroupCommit<PreparedEvent[], AppendResult> | undefined;
  private readonly inlineValueLimit: number;

  constructor(
    private readonly driver: SqlDriver,
    options: StoreOptions = {},
  ) {
    this.inlineValueLimit = options.inlineValueLimit ?? DEFAULT_INLINE_VALUE_LIMIT;
    if (driver.dialect === 'sqlite') {
      this.appends = new GroupCommit((work) => driver.transaction((tx) => work((prepared) => appendExecutionEvents(tx, prepared, driver.dialect))));
    }
  }

  get dialect() {
    return this.driver.dialect;
  }

  get sql(): SqlDriver {
    return this.driver;
  }

  async createExecution(execution: NewExecution): Promise<ExecutionRecord> {
    const { id, workflow, document, input, createdAt, engine, trigger } = execution;
    const kept = await new ValuePreparer(this.inlineValueLimit).keep(input);
    await this.driver.transaction(async (tx) => {
      const changed = await tx.run(
        `INSERT INTO executions (id, namespace, name, version, status, document, input, input_hash, created_at, updated_at, engine, trigger_kind)
         VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        [id, workflow.namespace, workflow.name, workflow.version, document, kept.hash ? 'null' : kept.json, kept.hash ?? null, createdAt, createdAt, engine ?? null, trigger ?? null],
      );
      if (changed === 0) throw new StoreError('CAIRN_ERR_STORE_CONFLICT', `execution ${id} already exists`);
      await new ValueWriter(tx, this.driver.dialect).store(id, kept);
    });
    return (await this.getExecution(id))!;
  }

  async getExecution(id: string): Promise<ExecutionRecord | undefined> {
    const rows = await this.driver.all('SELECT * FROM executions WHERE id = ?', [id]);
    return rows[0] ? executionFromRow(rows[0]) : undefined;
  }

  async getExecutionDocument(id: string): Promise<string | undefined> {
    const rows = await this.driver.all('SELECT document FROM executions WHERE id = ?', [id]);
    return rows[0] ? String(rows[0].document) : undefined;
  }

  async listExecutions(filter: ExecutionFilter): Promise<ExecutionPage> {
    const where: string[] = [];
    const params: SqlParam[] = [];
    const add = (clause: string, ...values: SqlParam[]) => {
      where.push(clause);
      params.push(...values);
    };
    if (filter.namespace !== undefined) add('namespace = ?', filter.namespace);
    if (filter.name !== undefined) add('name = ?', filter.name);
    if (filter.version !== undefined) add('version = ?', filter.version);
    if (filter.engine !== undefined) add('engine = ?', filter.engine);
    if (filter.parentExecutionId !== undefined) add('parent_execution_id = ?', filter.parentExecutionId);
    // substr rather than LIKE: ids may hold `%` or `_`; the same in SQLite and PostgreSQL, under any collation.
    if (filter.idPrefix) add(`substr(id, 1, ${filter.idPrefix.length}) = ?`, filter.idPrefix);
    if (filter.status && filter.status.length > 0) add(`status IN (${filter.status.map(() => '?').join(', ')})`, ...filter.status);
    if (filter.createdAfter !== undefined) add('created_at >= ?', filter.createdAfter);
    if (filter.createdBefore !== undefined) add('created_at < ?', filter.createdBefore);
    if (filter.cursor !== undefined) {
      const position = decodeCursor(filter.cursor);
      if (!position) throw new StoreError('CAIRN_ERR_STORE_INVALID', 'field "cursor" is not a cursor this service issued');
      add('(created_at < ? OR (created_at = ? AND id < ?))', position[0], position[0], position[1]);
    }
    const limit = Math.min(Math.max(1, Math.trunc(filter.limit ?? DEFAULT_PAGE)), MAX_PAGE);
    const rows = await this.driver.all(
      `SELECT * FROM executions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`,
      [...params, limit + 1],
    );
    const items = rows.slice(0, limit).map(executionFromRow);
    const last = items[items.length - 1];
    return rows.length > limit && last ? { items, nextCursor: encodeCursor(last.createdAt, last.id) } : { items };
  }

  async recordCancelReason(id: string, reason: string): Promise<boolean> {
    const terminal = TERMINAL_STATUSES.map(() => '?').join(', ');
    const changed = await this.driver.run(`UPDATE executions SET cancel_reason = ? WHERE id = ? AND status NOT IN (${terminal})`, [reason, id, ...TERMINAL_STATUSES]);
    return changed > 0;
  }

  async finishExecution(id: string, outcome: ExecutionOutcome): Promise<ExecutionRecord | undefined> {
    // The engine's output only fills in a missing one: not serialized when a terminal event already gave it.
    const known = await this.getExecution(id);
    const needsOutput = known !== undefined && known.output === undefined && known.outputUri === undefined;
    const offered = needsOutput && outcome.output !== undefined ? await new ValuePreparer(this.inlineValueLimit).keep(outcome.output) : undefined;
    return this.driver.transaction(async (tx) => {
      const rows = await tx.all(`SELECT * FROM executions WHERE id = ?${this.driver.dialect === 'postgres' ? ' FOR UPDATE' : ''}`, [id]);
      if (!rows[0]) return undefined;
      const current = executionFromRow(rows[0]);
      // A terminal event is the authority on status; the engine's result only fills what events left out.
      const terminal = isTerminal(current.status);
      const hasOutput = current.output !== undefined || current.outputUri !== undefined;
      if (!hasOutput && offered) await new ValueWriter(tx, this.driver.dialect).store(id, offered);
      const output =
        hasOutput || !offered
          ? { json: (rows[0].output ?? null) as string | null, hash: (rows[0].output_hash ?? null) as string | null }
          : { json: offered.hash ? null : offered.json, hash: offered.hash ?? null };
      const error = current.error ?? outcome.error;
      await tx.run('UPDATE executions SET status = ?, output = ?, output_hash = ?, error = ?, ended_at = ?, updated_at = ? WHERE id = ?', [
        terminal ? current.status : outcome.status,
        output.json ?? null,
        output.hash ?? null,
        error === undefined ? null : JSON.stringify(error),
        current.endedAt ?? outcome.at,
        outcome.at,
        id,
      ]);
      return executionFromRow((await tx.all('SELECT * FROM executions WHERE id = ?', [id]))[0]!);
    });
  }

  async appendEvents(events: ProgressEvent[]): Promise<AppendResult[]> {
    events.forEach(checkEvent);
    // Large values are serialized and hashed before the transaction, yielding between them.
    const preparer = new ValuePreparer(this.inlineValueLimit);
    const byExecution = new Map<string, PreparedEvent[]>();
    for (const event of events) {
      const prepared = await preparer.event(event);
      const group = byExecution.get(event.executionid);
      if (group) group.push(prepared);
      else byExecution.set(event.executionid, [prepared]);
    }
    return Promise.all(
      [...byExecution.values()].map((group) =>
        this.appends ? this.appends.submit(group) : this.driver.transaction((tx) => appendExecutionEvents(tx, group, this.driver.dialect)),
      ),
    );
  }

  async readEvents(executionId: string, afterSeq: number, options: { throughSeq?: number; limit?: number } = {}): Promise<ProgressEvent[]> {
    let throughSeq = options.throughSeq;
    if (throughSeq === undefined) {
      const execution = await this.getExecution(executionId);
      if (!execution) return [];
      throughSeq = execution.lastSeq;
    }
    const rows = await this.driver.all(
      'SELECT seq, id, type, subject, time, body FROM events WHERE execution_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?',
      [executionId, afterSeq, throughSeq, options.limit ?? 1_000_000],
    );
    return rows.map((row) => eventFromRow(row, executionId));
  }

  readValue(executionId: string, hash: string): Promise<string | undefined> {
    return readStoredValue(this.driver, executionId, hash);
  }

  async findGaps(executionId: string): Promise<SeqGap[]> {
    const execution = await this.getExecution(executionId);
    if (!execution) return [];
    const rows = await this.driver.all('SELECT seq FROM events WHERE execution_id = ? AND seq > ? ORDER BY seq', [executionId, execution.lastSeq]);
    return gapsAbove(
      execution.lastSeq,
      rows.map((row) => Number(row.seq)),
      execution.maxSeq,
    );
  }

  async getTasks(executionId: string, window: { beforeSeq?: number; limit?: number } = {}): Promise<TaskPage> {
    const limit = Math.max(1, Math.min(window.limit ?? TASK_EVENT_WINDOW, TASK_EVENT_WINDOW));
    const before = window.beforeSeq !== undefined ? ' AND seq < ?' : '';
    const rows = await this.driver.all(
      `SELECT seq, id, type, subject, time, body FROM events WHERE execution_id = ? AND subject IS NOT NULL${before} ORDER BY seq DESC LIMIT ?`,
      [executionId, ...(window.beforeSeq !== undefined ? [window.beforeSeq] : []), limit + 1],
    );
    const newest = rows.slice(0, limit).reverse();
    const tasks = foldTaskStates(newest.map((row) => eventFromRow(row, executionId)));
    return rows.length > limit ? { tasks, olderFromSeq: Number(newest[0]!.seq) } : { tasks };
  }

  async getTaskInstances(executionId: string, pointer: string, page: { beforeSeq?: number; limit: number; iteration?: string }): Promise<TaskInstancePage> {
    const limit = Math.max(1, Math.min(Math.trunc(page.limit), MAX_PAGE));
    // Iterations live in the event body; filtering on one is the iteration box's jump, not the paging path.
    const iterationOf = this.driver.dialect === 'postgres' ? `(body::json ->> 'iteration')` : `json_extract(body, '$.iteration')`;
    const byIteration = page.iteration !== undefined ? ` AND ${iterationOf} = ?` : '';
    const iterationParams = page.iteration !== undefined ? [page.iteration] : [];
    // Newest instance starts first; retries create an instance again, so read until limit + 1 distinct ones.
    const starts = new Map<string, number>();
    let below = page.beforeSeq;
    let exhausted = false;
    while (starts.size <= limit && !exhausted) {
      const rows = await this.driver.all(
        `SELECT seq, id, type, subject, time, body FROM events WHERE execution_id = ? AND subject = ? AND type = ?${below !== undefined ? ' AND seq < ?' : ''}${byIteration}
         ORDER BY seq DESC LIMIT ?`,
        [executionId, pointer, EVENT_TYPES.taskCreated, ...(below !== undefined ? [below] : []), ...iterationParams, limit + 1],
      );
      exhausted = rows.length <= limit;
      for (const row of rows) {
        const event = eventFromRow(row, executionId);
        below = event.seq;
        const key = event.iteration ?? '';
        if (!starts.has(key) && starts.size <= limit) starts.set(key, event.seq);
        if (starts.size > limit) break;
      }
    }
    const shown = new Map([...starts].slice(0, limit));
    if (shown.size === 0) return { events: [] };
    const from = Math.min(...shown.values());
    const rows = await this.driver.all(
      `SELECT seq, id, type, subject, time, body FROM events WHERE execution_id = ? AND subject = ? AND seq >= ?${page.beforeSeq !== undefined ? ' AND seq < ?' : ''}${byIteration} ORDER BY seq`,
      [executionId, pointer, from, ...(page.beforeSeq !== undefined ? [page.beforeSeq] : []), ...iterationParams],
    );
    const events = rows.map((row) => eventFromRow(row, executionId)).filter((event) => shown.has(event.iteration ?? ''));
    // The next page ends where this one starts: its instances ran before this page's oldest was created.
    return starts.size > limit ? { events, olderFromSeq: from } : { events };
  }

  async deleteEndedExecutions(endedBefore: string, limit: number): Promise<number> {
    const terminal = TERMINAL_STATUSES.map(() => '?').join(', ');
    const rows = await this.driver.all(
      `SELECT id FROM executions WHERE ended_at < ? AND status IN (${terminal}) ORDER BY ended_at LIMIT ?`,
      [endedBefore, ...TERMINAL_STATUSES, limit],
    );
    for (const { id } of rows) {
      const executionId = String(id);
      let deleted: number;
      do {
        deleted = await this.driver.run(
          'DELETE FROM events WHERE execution_id = ? AND seq IN (SELECT seq FROM events WHERE execution_id = ? ORDER BY seq LIMIT ?)',
          [executionId, executionId, EVENT_DELETE_CHUNK],
        );
      } while (deleted > 0);
      await this.driver.transaction(async (tx) => {
        // A late report may have stored an event since the chunks above.
        await tx.run('DELETE FROM events WHERE execution_id = ?', [executionId]);
        await tx.run('DELETE FROM execution_values WHERE execution_id = ?', [executionId]);
        await tx.run('DELETE FROM execution_owners WHERE execution_id = ?', [executionId]);
        await tx.run('DELETE FROM executions WHERE id = ?', [executionId]);
      });
    }
    return rows.length;
  }

  deleteUnreferencedValues(limit: number): Promise<number> {
    return deleteUnreferencedValues(this.driver, limit);
  }

  async registerWorkflow(workflow: WorkflowDocumentRecord): Promise<{ created: boolean }> {
    const { namespace, name, version, document, registeredAt } = workflow;
    const changed = await this.driver.run(
      'INSERT INTO workflows (namespace, name, version, document, registered_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      [namespace, name, version, document, registeredAt],
    );
    if (changed > 0) return { created: true };
    const existing = await this.getWorkflow(namespace, name, version);
    if (existing?.document !== document) {
      throw new StoreError('CAIRN_ERR_STORE_CONFLICT', `workflow ${namespace}/${name}@${version} is already registered with a different document`);
    }
    return { created: false };
  }

  async getWorkflow(namespace: string, name: string, version?: string): Promise<WorkflowDocumentRecord | undefined> {
    if (version !== undefined) {
      const rows = await this.driver.all('SELECT * FROM workflows WHERE namespace = ? AND name = ? AND version = ?', [namespace, name, version]);
      return rows[0] ? workflowFromRow(rows[0]) : undefined;
    }
    const versions = await this.listWorkflowVersions(namespace, name);
    return versions[versions.length - 1];
  }

  async listWorkflowVersions(namespace: string, name: string): Promise<WorkflowDocumentRecord[]> {
    const rows = await this.driver.all('SELECT * FROM workflows WHERE namespace = ? AND name = ?', [namespace, name]);
    return rows.map(workflowFromRow).sort((a, b) => compareVersions(a.version, b.version));
  }

  async listWorkflows(): Promise<WorkflowSummary[]> {
    const rows = await this.driver.all('SELECT namespace, name, version FROM workflows ORDER BY namespace, name');
    const summaries = new Map<string, WorkflowSummary>();
    for (const row of rows) {
      const key = `${row.namespace}/${row.name}`;
      const summary = summaries.get(key) ?? { namespace: String(row.namespace), name: String(row.name), versions: [], latest: '' };
      summary.versions.push(String(row.version));
      summaries.set(key, summary);
    }
    return [...summaries.values()].map((summary) => {
      const versions = summary.versions.sort(compareVersions);
      return { ...summary, versions, latest: versions[versions.length - 1]! };
    });
  }

  close(): Promise<void> {
    return this.driver.close();
  }
}
