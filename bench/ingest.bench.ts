// Ingest throughput of the execution store: progress events per second into SQLite and
// PostgreSQL, in ReportProgress-sized batches of 50, one reporter and eight concurrent reporters
// (each its own execution), plus the same through the HTTP ReportProgress route (SQLite).
// Run: npm run bench:ingest   (PostgreSQL from $CAIRN_TEST_POSTGRES_URL or scripts/start-postgres.sh)
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_TYPES, progressEventId, type ProgressEvent } from '../src/core/events.ts';
import type { JsonObject } from '../src/core/json.ts';
import type { ExecutionStore } from '../src/store/execution-store.ts';
import { openStore } from '../src/store/open-store.ts';
import { createTestDatabase, postgresAdminUrl } from '../test/store/postgres.ts';
import { auth, startTestService } from '../test/service/service-fixture.ts';

const BATCH = 50;
const EVENTS_PER_EXECUTION = 5_000;

function events(executionId: string, count: number): ProgressEvent[] {
  return Array.from({ length: count }, (_, index) => ({
    specversion: '1.0',
    id: progressEventId(executionId, index + 1),
    source: 'urn:cairn:runtime',
    type: index === 0 ? EVENT_TYPES.workflowStarted : EVENT_TYPES.taskCompleted,
    time: new Date(1_700_000_000_000 + index).toISOString(),
    datacontenttype: 'application/json',
    executionid: executionId,
    seq: index + 1,
    ...(index === 0 ? {} : { subject: `/do/${index}/step` }),
    data: (index === 0 ? { name: executionId } : { workflow: executionId, task: `/do/${index}/step`, completedAt: new Date(1_700_000_000_000 + index).toISOString(), output: { index, ok: true } }) as JsonObject,
  }));
}

async function reporter(append: (batch: ProgressEvent[]) => Promise<unknown>, executionId: string): Promise<number> {
  const all = events(executionId, EVENTS_PER_EXECUTION);
  for (let start = 0; start < all.length; start += BATCH) await append(all.slice(start, start + BATCH));
  return all.length;
}

async function measure(label: string, reporters: number, append: (batch: ProgressEvent[]) => Promise<unknown>): Promise<void> {
  const prefix = `${label.replace(/\W+/g, '-')}-${reporters}-${Date.now()}`;
  // Warm up (JIT, statement cache) on an execution of its own, untimed.
  await reporter(append, `${prefix}-warmup`);
  const started = process.hrtime.bigint();
  const counts = await Promise.all(Array.from({ length: reporters }, (_, index) => reporter(append, `${prefix}-${index}`)));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const total = counts.reduce((sum, count) => sum + count, 0);
  console.log(`${label.padEnd(28)} reporters=${String(reporters).padEnd(2)} events=${total}  ${Math.round(total / seconds).toLocaleString('en-US').padStart(8)} events/s`);
}

async function benchStore(label: string, store: ExecutionStore): Promise<void> {
  await measure(`${label} store`, 1, (batch) => store.appendEvents(batch));
  await measure(`${label} store`, 8, (batch) => store.appendEvents(batch));
  await store.close();
}

await benchStore('sqlite', await openStore(join(mkdtempSync(join(tmpdir(), 'cairn-bench-')), 'bench.db')));

const adminUrl = postgresAdminUrl();
if (adminUrl) {
  const database = await createTestDatabase(adminUrl);
  await benchStore('postgres', await openStore(database.url));
  await database.drop();
}

const service = await startTestService();
const overHttp = async (batch: ProgressEvent[]) => {
  const response = await service.app.inject({ method: 'POST', url: '/v1/progress', headers: auth, payload: { events: batch } });
  if (response.statusCode !== 200) throw new Error(`ReportProgress failed: ${response.body}`);
};
await measure('sqlite ReportProgress (HTTP)', 1, overHttp);
await measure('sqlite ReportProgress (HTTP)', 8, overHttp);
await service.close();
