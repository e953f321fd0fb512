import { afterEach, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../src/core/events.ts';
import type { JsonObject } from '../../src/core/json.ts';
import type { ExecutionStore, NewExecution } from '../../src/store/execution-store.ts';
import { MIGRATIONS, migrate } from '../../src/store/migrations.ts';
import { openDriver, openStore } from '../../src/store/open-store.ts';
import { completedRun, progressEvent as ev } from './events.ts';

/** Where a suite run keeps its data: SQLite files or PostgreSQL databases. */
export interface StoreTarget {
  /** A fresh, empty location (file path or database URL). */
  freshLocation(): Promise<string>;
  /** Runs raw SQL there, bypassing the store (to corrupt records on purpose). */
  rawSql(location: string, sql: string): Promise<void>;
}

function execution(id: string, overrides: Partial<NewExecution> = {}): NewExecution {
  return {
    id,
    workflow: { namespace: 'test', name: 'hello', version: '1.0.0' },
    document: 'document: {}',
    input: { who: 'world' },
    createdAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** The one behaviour both stores must have; each dialect's test file calls this. */
export function defineStoreSuite(name: string, target: StoreTarget | undefined): void {
  describe.skipIf(!target)(`execution store (${name})`, () => {
    const open: ExecutionStore[] = [];
    let location = '';
    async function fresh(): Promise<ExecutionStore> {
      location = await target!.freshLocation();
      const store = await openStore(location);
      open.push(store);
      return store;
    }
    afterEach(async () => {
      await Promise.all(open.splice(0).map((store) => store.close()));
    });

    it('applies versioned migrations once and keeps data across reopening', async () => {
      const store = await fresh();
      await store.createExecution(execution('e1'));
      const again = await openStore(location);
      open.push(again);
      expect((await again.getExecution('e1'))?.input).toEqual({ who: 'world' });
    });

    it('upgrades a database of an older schema version in place', async () => {
      location = await target!.freshLocation();
      const old = openDriver(location);
      expect(await migrate(old, MIGRATIONS.slice(0, 1))).toEqual([1]);
      await old.run(
        `INSERT INTO executions (id, namespace, name, version, status, document, input, created_at, updated_at) VALUES ('v1', 'ns', 'n', '1', 'running', '', '{}', '2026-01-01', '2026-01-01')`,
      );
      await old.close();
      const upgraded = openDriver(location);
      expect(await migrate(upgraded)).toEqual(MIGRATIONS.slice(1).map((migration) => migration.version));
      expect(await migrate(upgraded)).toEqual([]);
      await upgraded.close();
      const store = await openStore(location);
      open.push(store);
      expect(await store.getExecution('v1')).toMatchObject({ id: 'v1', status: 'running' });
      expect((await store.getExecution('v1'))?.engine).toBeUndefined();
    });

    it('records which engine runs an execution and filters on it', async () => {
      const store = await fresh();
      await store.createExecution(execution('mine', { engine: 'local' }));
      await store.createExecution(execution('reported'));
      expect((await store.getExecution('mine'))?.engine).toBe('local');
      expect((await store.listExecutions({ engine: 'local' })).items.map((item) => item.id)).toEqual(['mine']);
    });

    it('creates an execution once and reads it back pending', async () => {
      const store = await fresh();
      const created = await store.createExecution(execution('e1'));
      expect(created).toMatchObject({ id: 'e1', status: 'pending', lastSeq: 0, workflow: { name: 'hello' }, input: { who: 'world' } });
      await expect(store.createExecution(execution('e1'))).rejects.toMatchObject({ code: 'CAIRN_ERR_STORE_CONFLICT' });
      expect(await store.getExecutionDocument('e1')).toBe('document: {}');
      expect(await store.getExecution('missing')).toBeUndefined();
    });

    it('appends events idempotently on event id and moves the execution to its final status', async () => {
      const store = await fresh();
      await store.createExecution(execution('e1'));
      const run = completedRun('e1');
      const [first] = await store.appendEvents(run);
      expect(first).toMatchObject({ inserted: 5, duplicates: 0, lastSeq: 5, gaps: [], status: 'completed' });
      const [again] = await store.appendEvents(run);
      expect(again).toMatchObject({ inserted: 0, duplicates: 5, lastSeq: 5 });
      expect((await store.readEvents('e1', 0)).map((event) => event.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(await store.readEvents('e1', 0)).toEqual(run);
      const stored = await store.getExecution('e1');
      expect(stored).toMatchObject({ status: 'completed', output: { greeting: 'hello' }, lastSeq: 5, startedAt: run[0]!.time, endedAt: run[4]!.time });
    });

    it('detects sequence gaps, never reads past one, and closes them when backfilled', async () => {
      const store = await fresh();
      await store.createExecution(execution('e1'));
      const run = completedRun('e1');
      const [withGap] = await store.appendEvents([run[0]!, run[1]!, run[4]!]);
      expect(withGap).toMatchObject({ lastSeq: 2, maxSeq: 5, gaps: [{ from: 3, to: 4 }], status: 'completed' });
      expect(await store.findGaps('e1')).toEqual([{ from: 3, to: 4 }]);
      expect((await store.readEvents('e1', 0)).map((event) => event.seq)).toEqual([1, 2]);
      const [filled] = await store.appendEvents([run[3]!, run[2]!]);
      expect(filled).toMatchObject({ inserted: 2, lastSeq: 5, gaps: [] });
      expect(await store.findGaps('e1')).toEqual([]);
      // The terminal event arrived before the start: status follows sequence order, not arrival order.
      expect((await store.getExecution('e1'))?.status).toBe('completed');
    });

    it('keeps per-execution order when concurrent batches interleave', async () => {
      const store = await fresh();
      await store.createExecution(execution('e1'));
      const events = Array.from({ length: 60 }, (_, index) => ev('e1', index + 1, EVENT_TYPES.taskState, { subject: `/do/${index}/t`, data: { output: index } }));
      const batches = [events.slice(0, 20), events.slice(40), events.slice(20, 40), events.slice(10, 30)];
      await Promise.all(batches.map((batch) => store.appendEvents(batch)));
      expect(await store.getExecution('e1')).toMatchObject({ lastSeq: 60, maxSeq: 60 });
      expect((await store.readEvents('e1', 0)).map((event) => event.seq)).toEqual(events.map((event) => event.seq));
    });

    it('derives per-task state: status, timestamps, attempts, iterations, output and error', async () => {
      const store = await fresh();
      await store.createExecution(execution('e1'));
      const error = { type: 'https://serverlessworkflow.io/spec/1.0.0/errors/communication', status: 503 };
      await store.appendEvents([
        ev('e1', 1, EVENT_TYPES.workflowStarted),
        ev('e1', 2, EVENT_TYPES.taskStarted, { subject: '/do/0/call', attempt: 0, time: '2026-01-01T00:00:02.000Z' }),
        ev('e1', 3, EVENT_TYPES.taskFaulted, { subject: '/do/0/call', attempt: 0, data: { error } }),
        ev('e1', 4, EVENT_TYPES.taskRetried, { subject: '/do/0/call', attempt: 1 }),
        ev('e1', 5, EVENT_TYPES.taskStarted, { subject: '/do/0/call', attempt: 1 }),
        ev('e1', 6, EVENT_TYPES.taskCompleted, { subject: '/do/0/call', attempt: 1, data: { output: { ok: true }, completedAt: '2026-01-01T00:01:00.000Z' } }),
        ev('e1', 7, EVENT_TYPES.taskStarted, { subject: '/do/1/loop/for/do/0/step', iteration: '0' }),
        ev('e1', 8, EVENT_TYPES.taskStarted, { subject: '/do/1/loop/for/do/0/step', iteration: '1' }),
        ev('e1', 9, EVENT_TYPES.taskCompleted, { subject: '/do/1/loop/for/do/0/step', iteration: '1', data: { output: 1 } }),
        ev('e1', 10, EVENT_TYPES.taskFaulted, { subject: '/do/1/loop/for/do/0/step', iteration: '0', data: { error } }),
        ev('e1', 11, EVENT_TYPES.taskSkipped, { subject: '/do/2/maybe' }),
      ]);
      const { tasks } = await store.getTasks('e1');
      expect(tasks).toEqual([
        { ref: '/do/0/call', status: 'completed', attempts: 2, startedAt: '2026-01-01T00:00:02.000Z', endedAt: '2026-01-01T00:01:00.000Z', output: { ok: true }, seq: 6 },
        { ref: '/do/1/loop/for/do/0/step', iteration: '0', status: 'faulted', attempts: 1, startedAt: expect.any(String), endedAt: expect.any(String), error, seq: 10 },
        { ref: '/do/1/loop/for/do/0/step', iteration: '1', status: 'completed', attempts: 1, startedAt: expect.any(String), endedAt: expect.any(String), output: 1, seq: 9 },
        { ref: '/do/2/maybe', status: 'skipped', attempts: 0, endedAt: expect.any(String), seq: 11 },
      ]);
    });

    it('folds task state from a bounded window of the newest task events, paged backwards', async () => {
      const store = await fresh();
      await store.createExecution(execution('e1'));
      await store.appendEvents(
        Array.from({ length: 6 }, (_, index) => ev('e1', index + 1, EVENT_TYPES.taskStarted, { subject: '/do/0/again', iteration: String(index) })),
      );
      const newest = await store.getTasks('e1', { limit: 4 });
      expect(newest.tasks.map((task) => task.iteration)).toEqual(['2', '3', '4', '5']);
      expect(newest.olderFromSeq).toBe(3);
      const older = await store.getTasks('e1', { limit: 4, beforeSeq: newest.olderFromSeq! });
      expect(older).toEqual({ tasks: [expect.objectContaining({ iteration: '0' }), expect.objectContaining({ iteration: '1' })] });
    });

    it('records the faulted status and error of a workflow', async () => {
      const store = await fresh();
      await store.createExecution(execution('e1'));
      const error = { type: 'https://serverlessworkflow.io/spec/1.0.0/errors/runtime', status: 500, detail: 'boom' };
      await store.appendEvents([ev('e1', 1, EVENT_TYPES.workflowStarted), ev('e1', 2, EVENT_TYPES.workflowFaulted, { data: { error } })]);
      expect(await store.getExecution('e1')).toMatchObject({ status: 'faulted', error });
    });

    it('lets a terminal event win over the engine result, which only fills what is missing', async () => {
      const store = await fresh();
      await store.createExecution(execution('e1'));
      await store.appendEvents([ev('e1', 1, EVENT_TYPES.workflowStarted), ev('e1', 2, EVENT_TYPES.workflowCancelled)]);
      const finished = await store.finishExecution('e1', { status: 'completed', output: { late: true }, at: '2026-01-02T00:00:00.000Z' });
      expect(finished).toMatchObject({ status: 'cancelled', output: { late: true } });
      await store.createExecution(execution('e2'));
      expect(await store.finishExecution('e2', { status: 'faulted', error: { type: 'x', status: 400 }, at: '2026-01-02T00:00:00.000Z' })).toMatchObject({
        status: 'faulted',
        error: { type: 'x', status: 400 },
        endedAt: '2026-01-02T00:00:00.000Z',
      });
    });

    it('keeps events of an execution it did not start, under the workflow its start event names', async () => {
      const store = await fresh();
      await store.appendEvents(completedRun('elsewhere'));
      expect(await store.getExecution('elsewhere')).toMatchObject({ status: 'completed', workflow: { namespace: 'test', name: 'hello', version: '1.0.0' }, lastSeq: 5 });
    });

    it('records the parent task a run: workflow child reports when it starts, and lists an execution\'s children', async () => {
      const store = await fresh();
      await store.createExecution(execution('parent'));
      const parent = { executionId: 'parent', task: '/do/0/each/do/0/callChild', iteration: '2' };
      const child = completedRun('child');
      child[0] = { ...child[0]!, data: { ...child[0]!.data, parent } };
      await store.appendEvents(child);
      await store.appendEvents(completedRun('unrelated'));
      expect(await store.getExecution('child')).toMatchObject({ parentExecutionId: 'parent', parentTask: '/do/0/each/do/0/callChild', parentIteration: '2' });
      expect((await store.getExecution('unrelated'))?.parentExecutionId).toBeUndefined();
      expect((await store.listExecutions({ parentExecutionId: 'parent' })).items.map((item) => item.id)).toEqual(['child']);
    });

    it("pages a loop task's instances newest first, reading one page of events, and finds one iteration", async () => {
      const store = await fresh();
      await store.createExecution(execution('loop'));
      const step = '/do/0/each/do/0/step';
      const events = [ev('loop', 1, EVENT_TYPES.workflowStarted)];
      for (let iteration = 0; iteration < 30; iteration++) {
        const at = { subject: step, iteration: String(iteration) };
        events.push(
          ev('loop', events.length + 1, EVENT_TYPES.taskCreated, at),
          ev('loop', events.length + 2, EVENT_TYPES.taskStarted, at),
          ev('loop', events.length + 3, EVENT_TYPES.taskCompleted, { ...at, data: { output: { n: iteration } } }),
        );
      }
      await store.appendEvents(events);
      const iterations = (page: { events: Array<{ iteration?: string }> }) => [...new Set(page.events.map((event) => event.iteration))];
      const first = await store.getTaskInstances('loop', step, { limit: 10 });
      expect(iterations(first)).toEqual(['20', '21', '22', '23', '24', '25', '26', '27', '28', '29']);
      expect(first.events).toHaveLength(30);
      const second = await store.getTaskInstances('loop', step, { limit: 10, beforeSeq: first.olderFromSeq! });
      expect(iterations(second)).toEqual(['10', '11', '12', '13', '14', '15', '16', '17', '18', '19']);
      const third = await store.getTaskInstances('loop', step, { limit: 10, beforeSeq: second.olderFromSeq! });
      expect(iterations(third)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
      expect(third.olderFromSeq).toBeUndefined();
      const one = await store.getTaskInstances('loop', step, { limit: 10, iteration: '3' });
      expect(one.events.map((event) => [event.type, event.iteration])).toEqual([
        [EVENT_TYPES.taskCreated, '3'],
        [EVENT_TYPES.taskStarted, '3'],
        [EVENT_TYPES.taskCompleted, '3'],
      ]);
      expect((await store.getTaskInstances('loop', '/do/9/none', { limit: 10 })).events).toEqual([]);
    });

    it('keeps the reason of a cancel request on an execution that has not ended', async () => {
      const store = await fresh();
      await store.createExecution(execution('running'));
      expect(await store.recordCancelReason('running', 'duplicate order')).toBe(true);
      expect((await store.getExecution('running'))?.cancelReason).toBe('duplicate order');
      await store.appendEvents(completedRun('done'));
      expect(await store.recordCancelReason('done', 'too late')).toBe(false);
      expect((await store.getExecution('done'))?.cancelReason).toBeUndefined();
      expect(await store.recordCancelReason('missing', 'nothing')).toBe(false);
    });

    it('rejects an event it cannot index, naming the field', async () => {
      const store = await fresh();
      const bad = { ...completedRun('e1')[0]!, seq: 0 };
      await expect(store.appendEvents([bad])).rejects.toThrow('event 0: field "seq" must be an integer ≥ 1');
    });

    it('lists executions newest first with filters and cursor pagination', async () => {
      const store = await fresh();
      for (let index = 0; index < 7; index++) {
        await store.createExecution(
          execution(`e${index}`, {
            createdAt: `2026-01-0${index + 1}T00:00:00.000Z`,
            workflow: { namespace: 'test', name: index % 2 ? 'odd' : 'even', version: '1.0.0' },
          }),
        );
      }
      await store.appendEvents([ev('e2', 1, EVENT_TYPES.workflowStarted)]);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listExecutions({ limit: 3, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((item) => item.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(['e6', 'e5', 'e4', 'e3', 'e2', 'e1', 'e0']);
      expect((await store.listExecutions({ name: 'odd' })).items.map((item) => item.id)).toEqual(['e5', 'e3', 'e1']);
      expect((await store.listExecutions({ status: ['running'] })).items.map((item) => item.id)).toEqual(['e2']);
      const window = await store.listExecutions({ createdAfter: '2026-01-02T00:00:00.000Z', createdBefore: '2026-01-04T00:00:00.000Z' });
      expect(window.items.map((item) => item.id)).toEqual(['e2', 'e1']);
      await expect(store.listExecutions({ cursor: 'garbage' })).rejects.toMatchObject({ code: 'CAIRN_ERR_STORE_INVALID' });
    });

    it('registers immutable workflow versions and finds the latest', async () => {
      const store = await fresh();
      const doc = (version: string) => ({ namespace: 'ns', name: 'flow', version, document: `version: ${version}`, registeredAt: '2026-01-01T00:00:00.000Z' });
      expect(await store.registerWorkflow(doc('1.2.0'))).toEqual({ created: true });
      expect(await store.registerWorkflow(doc('1.10.0'))).toEqual({ created: true });
      expect(await store.registerWorkflow(doc('1.2.0'))).toEqual({ created: false });
      await expect(store.registerWorkflow({ ...doc('1.2.0'), document: 'changed' })).rejects.toMatchObject({ code: 'CAIRN_ERR_STORE_CONFLICT' });
      expect((await store.listWorkflowVersions('ns', 'flow')).map((w) => w.version)).toEqual(['1.2.0', '1.10.0']);
      expect((await store.getWorkflow('ns', 'flow'))?.document).toBe('version: 1.10.0');
      expect((await store.getWorkflow('ns', 'flow', '1.2.0'))?.document).toBe('version: 1.2.0');
      expect(await store.getWorkflow('ns', 'other')).toBeUndefined();
      expect(await store.listWorkflows()).toEqual([{ namespace: 'ns', name: 'flow', versions: ['1.2.0', '1.10.0'], latest: '1.10.0' }]);
    });

    describe('values above the inline limit', () => {
      const LIMIT = 1024;
      const large = { items: Array.from({ length: 200 }, (_, index) => ({ index, name: `item ${index}` })) };
      const small = { greeting: 'hello' };
      const count = async (store: ExecutionStore, table: string) => Number((await store.sql.all(`SELECT COUNT(*) AS n FROM ${table}`))[0]!.n);

      async function limited(): Promise<ExecutionStore> {
        location = await target!.freshLocation();
        const store = await openStore(location, { inlineValueLimit: LIMIT });
        open.push(store);
        return store;
      }

      function runPassing(id: string, value: JsonObject) {
        const data = { input: value, output: value };
        return [
          ev(id, 1, EVENT_TYPES.workflowStarted, { data: { name: id } }),
          ev(id, 2, EVENT_TYPES.taskState, { subject: '/do/0/first', data }),
          ev(id, 3, EVENT_TYPES.taskCompleted, { subject: '/do/0/first' }),
          ev(id, 4, EVENT_TYPES.taskState, { subject: '/do/1/second', data }),
          ev(id, 5, EVENT_TYPES.taskCompleted, { subject: '/do/1/second' }),
          ev(id, 6, EVENT_TYPES.workflowCompleted, { data: { output: value } }),
        ];
      }

      it('stores one copy of a large value however many events, tasks and executions carry it, and events carry its reference', async () => {
        const store = await limited();
        await store.createExecution(execution('e1', { input: large }));
        await store.appendEvents(runPassing('e1', large));
        await store.appendEvents(runPassing('e2', large));
        expect(await count(store, 'value_blobs')).toBe(1);
        expect(await count(store, 'execution_values')).toBe(2);

        const uri = (await store.getExecution('e1'))!.inputUri!;
        expect(uri).toMatch(/^\/v1\/executions\/e1\/values\/[0-9a-f]{64}$/);
        const hash = uri.split('/').pop()!;
        expect(await store.getExecution('e1')).toMatchObject({ status: 'completed', inputUri: uri, outputUri: uri });
        expect((await store.getExecution('e1'))!.input).toBeUndefined();
        const state = (await store.readEvents('e1', 0))[1]!;
        expect(state.data).toEqual({ inputUri: uri, outputUri: uri });
        expect((await store.getTasks('e1')).tasks).toMatchObject([{ ref: '/do/0/first', outputUri: uri }, { ref: '/do/1/second', outputUri: uri }]);
        expect(JSON.parse((await store.readValue('e1', hash))!)).toEqual(large);
        expect((await store.getExecution('e2'))!.outputUri).toBe(`/v1/executions/e2/values/${hash}`);
      });

      it('serves a stored value only through an execution that refers to it', async () => {
        const store = await limited();
        await store.appendEvents(runPassing('holder', large));
        await store.appendEvents(runPassing('other', small));
        const hash = (await store.getExecution('holder'))!.outputUri!.split('/').pop()!;
        expect(await store.readValue('holder', hash)).toBeDefined();
        expect(await store.readValue('other', hash)).toBeUndefined();
        expect(await store.readValue('holder', 'not-a-hash')).toBeUndefined();
      });

      it('keeps values up to the limit inline', async () => {
        const store = await limited();
        await store.createExecution(execution('e1', { input: small }));
        await store.appendEvents(runPassing('e1', small));
        expect(await count(store, 'value_blobs')).toBe(0);
        expect(await store.getExecution('e1')).toMatchObject({ input: small, output: small });
        expect((await store.readEvents('e1', 0))[1]!.data).toEqual({ input: small, output: small });
        expect((await store.getTasks('e1')).tasks[0]).toMatchObject({ output: small });
      });

      it('retention deletes executions that ended before the cutoff with their events and value links, then the values no one refers to', async () => {
        const store = await limited();
        const other = { items: large.items.map((item) => ({ ...item, name: `other ${item.index}` })) };
        await store.appendEvents(runPassing('old', large));
        // More events than retention deletes in one statement.
        await store.appendEvents(Array.from({ length: 5_100 }, (_, index) => ev('old', 7 + index, EVENT_TYPES.taskCreated, { subject: '/do/0/first', iteration: String(index) })));
        await store.appendEvents(runPassing('old-alone', other));
        await store.appendEvents(runPassing('recent', large));
        await store.createExecution(execution('running', { createdAt: '2025-01-01T00:00:00.000Z' }));
        await store.sql.run('UPDATE executions SET ended_at = ? WHERE id IN (?, ?)', ['2026-01-01T00:00:00.000Z', 'old', 'old-alone']);
        await store.sql.run('UPDATE executions SET ended_at = ? WHERE id = ?', ['2026-03-01T00:00:00.000Z', 'recent']);
        expect(await count(store, 'value_blobs')).toBe(2);

        const cutoff = '2026-02-01T00:00:00.000Z';
        expect(await store.deleteEndedExecutions(cutoff, 1)).toBe(1);
        expect(await store.deleteEndedExecutions(cutoff, 10)).toBe(1);
        expect(await store.deleteEndedExecutions(cutoff, 10)).toBe(0);
        expect(await store.getExecution('old')).toBeUndefined();
        expect(await store.getExecution('old-alone')).toBeUndefined();
        expect(await store.readEvents('old', 0, { throughSeq: 10_000 })).toEqual([]);
        expect(await store.getExecution('running')).toMatchObject({ status: 'pending' });
        expect(await count(store, 'events')).toBe(6);

        const hash = (await store.getExecution('recent'))!.outputUri!.split('/').pop()!;
        expect(await store.deleteUnreferencedValues(100)).toBe(1);
        expect(await store.deleteUnreferencedValues(100)).toBe(0);
        expect(await count(store, 'value_blobs')).toBe(1);
        expect(JSON.parse((await store.readValue('recent', hash))!)).toEqual(large);
      });

      it('stores an engine result above the limit by reference when no event gave the output', async () => {
        const store = await limited();
        await store.createExecution(execution('e1'));
        const finished = await store.finishExecution('e1', { status: 'completed', output: large, at: '2026-01-01T00:01:00.000Z' });
        expect(finished).toMatchObject({ status: 'completed', outputUri: expect.stringMatching(/\/values\/[0-9a-f]{64}$/) });
        expect(JSON.parse((await store.readValue('e1', finished!.outputUri!.split('/').pop()!))!)).toEqual(large);
      });
    });

    it('serves malformed stored records instead of crashing', async () => {
      const store = await fresh();
      await store.createExecution(execution('e1'));
      await store.appendEvents(completedRun('e1'));
      await target!.rawSql(location, `UPDATE executions SET input = '{broken', status = 'exploded' WHERE id = 'e1'`);
      await target!.rawSql(location, `UPDATE events SET body = 'not json' WHERE execution_id = 'e1' AND seq = 4`);
      const stored = await store.getExecution('e1');
      expect(stored).toMatchObject({ input: null, malformed: ['status', 'input'] });
      const events = await store.readEvents('e1', 0);
      expect(events.map((event) => event.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(events[3]).toMatchObject({ seq: 4, type: EVENT_TYPES.taskCompleted, subject: '/do/0/greet', data: { malformed: true } });
      expect((await store.getTasks('e1')).tasks).toMatchObject([{ ref: '/do/0/greet', status: 'completed' }]);
      expect((await store.listExecutions({})).items).toHaveLength(1);
    });
  });
}
