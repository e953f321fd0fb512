import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrate } from '../../src/store/migrations.ts';
import { openDriver } from '../../src/store/open-store.ts';
import { startServeProcess, type ServeProcess } from '../support/serve-process.ts';

/**
 * An execution with 2M stored events (seeded straight into the store, as a runaway loop would have
 * left them): its snapshot and its cancel read a bounded window, so they answer quickly without
 * the service's memory growing with the history.
 */

const EVENTS = 2_000_000;
const ID = 'huge-history';
let service: ServeProcess;

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cairn-bounded-'));
  const driver = openDriver(join(dataDir, 'cairn.db'));
  await migrate(driver);
  const now = new Date().toISOString();
  await driver.run(
    `INSERT INTO executions (id, namespace, name, version, status, document, input, created_at, updated_at, engine, last_seq, max_seq)
     VALUES (?, 'attacks', 'loop', '1.0.0', 'running', '', ?, ?, ?, 'elsewhere', ?, ?)`,
    [ID, JSON.stringify({ padding: 'x'.repeat(1000) }), now, now, EVENTS, EVENTS],
  );
  const body = (type: string) =>
    `'{"specversion":"1.0","id":"${ID}:' || seq || '","source":"urn:cairn:runtime","type":"${type}","time":"${now}","datacontenttype":"application/json","executionid":"${ID}","seq":' || seq || ',"subject":"/do/0/again","iteration":"' || seq || '","data":{"name":"again"}}'`;
  await driver.exec(
    `WITH RECURSIVE n(seq) AS (SELECT 1 UNION ALL SELECT seq + 1 FROM n WHERE seq < ${EVENTS})
     INSERT INTO events (execution_id, seq, id, type, subject, time, body)
     SELECT '${ID}', seq, '${ID}:' || seq, 'io.serverlessworkflow.task.started.v1', '/do/0/again', '${now}', ${body('io.serverlessworkflow.task.started.v1')} FROM n`,
  );
  await driver.close();
  service = await startServeProcess({ dataDir });
}, 300_000);
afterAll(() => service?.stop());

const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${service.process.pid}/status`, 'utf8'))![1]) / 1024;

it('GET and cancel of an execution with 2M events answer without the RSS growing 100 MB', { timeout: 60_000 }, async () => {
  const headers = { authorization: `Bearer ${service.token}` };
  // A first request warms the routes up (schema compilation), so the figures are about the history.
  await fetch(`${service.url}/v1/executions/unknown`, { headers }).then((response) => response.arrayBuffer());
  const before = rssMb();
  const started = performance.now();
  const snapshot = await fetch(`${service.url}/v1/executions/${ID}`, { headers });
  const body = (await snapshot.json()) as { execution: { lastSeq: number }; tasks: unknown[]; tasksBeforeSeq?: number };
  const snapshotMs = performance.now() - started;
  expect(snapshot.status).toBe(200);
  expect(body.execution.lastSeq).toBe(EVENTS);
  expect(body.tasks.length).toBeGreaterThan(0);
  expect(body.tasksBeforeSeq).toBeGreaterThan(1);

  const cancelStarted = performance.now();
  const cancelled = await fetch(`${service.url}/v1/executions/${ID}/cancel`, { method: 'POST', headers });
  const cancelMs = performance.now() - cancelStarted;
  expect(cancelled.status).toBe(200);
  expect(((await cancelled.json()) as { status: string }).status).toBe('cancelled');

  expect(rssMb() - before).toBeLessThan(100);
  // Timings are figures, not assertions (a shared machine): BENCHMARKS.md records them.
  console.log(`2M-event execution: snapshot ${snapshotMs.toFixed(0)} ms, cancel ${cancelMs.toFixed(0)} ms, RSS growth ${(rssMb() - before).toFixed(1)} MB`);
});
