// Cross-instance event-to-SSE latency: three `cairn serve` processes on one PostgreSQL. A reporter
// sends ReportProgress (HTTP/JSON) to instance 1 at 500 events/s (batches of 5 every 10 ms), each
// event carrying the moment it was produced; 10 SSE subscribers on each of instances 2 and 3
// record arrival − production (CLOCK_MONOTONIC, system-wide on Linux). Prints p50/p95/p99/max and
// checks that every subscriber received every event exactly once, in order, then `end`.
// Goal: p99 ≤ 100 ms. Run: npm run -s bench:instances
import { cpus, loadavg } from 'node:os';
import { readSse } from '../src/cli/service-client.ts';
import { EVENT_TYPES, progressEventId, type ProgressEvent } from '../src/core/events.ts';
import type { JsonObject } from '../src/core/json.ts';
import { INSTANCE_TOKEN, startServeProcess, type ServeProcess } from '../test/support/serve-process.ts';
import { createTestDatabase, postgresAdminUrl } from '../test/store/postgres.ts';

const SUBSCRIBERS_PER_INSTANCE = 10;
const BATCH = 5;
const BATCH_EVERY_MS = 10;
const EVENTS = 5_000;
const WARMUP = 500;
const EXECUTION = 'cross-instance-latency';

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

function progressEvent(seq: number): ProgressEvent {
  const time = new Date().toISOString();
  const base = { specversion: '1.0' as const, id: progressEventId(EXECUTION, seq), source: 'urn:cairn:runtime', time, datacontenttype: 'application/json' as const, executionid: EXECUTION, seq };
  if (seq === 1) return { ...base, type: EVENT_TYPES.workflowStarted, data: { definition: { namespace: 'bench', name: 'cross', version: '1.0.0' }, startedAt: time } };
  if (seq === EVENTS) return { ...base, type: EVENT_TYPES.workflowCompleted, data: { completedAt: time, output: { ok: true } } };
  const task = `/do/${seq}/step`;
  return { ...base, type: EVENT_TYPES.taskCompleted, subject: task, data: { task, completedAt: time, output: { seq }, sentAt: nowMs() } as JsonObject };
}

async function subscribe(instance: ServeProcess): Promise<{ latencies: number[]; problems: string[] }> {
  const response = await fetch(`${instance.url}/v1/executions/${EXECUTION}/events`, { headers: { authorization: `Bearer ${INSTANCE_TOKEN}` } });
  const latencies: number[] = [];
  const problems: string[] = [];
  let expected = 1;
  for await (const message of readSse(response.body!)) {
    if (message.event === 'end') {
      if (expected !== EVENTS + 1) problems.push(`end after seq ${expected - 1}`);
      return { latencies, problems };
    }
    if (message.event !== 'message') continue;
    const arrived = nowMs();
    const event = JSON.parse(message.data) as ProgressEvent;
    if (event.seq !== expected) problems.push(`seq ${event.seq} where ${expected} was due`);
    expected = event.seq + 1;
    const sentAt = (event.data as { sentAt?: number }).sentAt;
    if (sentAt !== undefined && event.seq > WARMUP) latencies.push(arrived - sentAt);
  }
  problems.push('stream closed without end');
  return { latencies, problems };
}

async function report(instance: ServeProcess, events: ProgressEvent[]): Promise<void> {
  const response = await fetch(`${instance.url}/v1/progress`, {
    method: 'POST',
    headers: { authorization: `Bearer ${INSTANCE_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ events }),
  });
  if (!response.ok) throw new Error(`ReportProgress: ${response.status} ${await response.text()}`);
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;

async function main(): Promise<void> {
  const adminUrl = postgresAdminUrl();
  if (!adminUrl) throw new Error('PostgreSQL is needed (scripts/start-postgres.sh)');
  const database = await createTestDatabase(adminUrl);
  const instances = await Promise.all([0, 1, 2].map(() => startServeProcess({ args: ['--database', database.url], sharedToken: true })));
  try {
    await report(instances[0]!, [progressEvent(1)]);
    const watchers = [instances[1]!, instances[2]!].flatMap((instance) => Array.from({ length: SUBSCRIBERS_PER_INSTANCE }, () => subscribe(instance)));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const begin = nowMs();
    for (let seq = 2; seq <= EVENTS; seq += BATCH) {
      const due = begin + ((seq - 2) / BATCH) * BATCH_EVERY_MS;
      const wait = due - nowMs();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await report(instances[0]!, Array.from({ length: Math.min(BATCH, EVENTS - seq + 1) }, (_, index) => progressEvent(seq + index)));
    }
    const achieved = ((EVENTS - 1) * 1000) / (nowMs() - begin);
    const results = await Promise.all(watchers);
    const latencies = results.flatMap((result) => result.latencies).sort((a, b) => a - b);
    const problems = results.flatMap((result) => result.problems);
    console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average ${loadavg()[0]!.toFixed(2)} at the end`);
    console.log(`3 instances on one PostgreSQL; reporter → instance 1 at ${achieved.toFixed(0)} events/s; ${watchers.length} subscribers on instances 2 and 3`);
    console.log(`event-to-SSE ms over ${latencies.length} samples: p50 ${percentile(latencies, 50).toFixed(1)}, p95 ${percentile(latencies, 95).toFixed(1)}, p99 ${percentile(latencies, 99).toFixed(1)}, max ${latencies.at(-1)!.toFixed(1)}`);
    console.log(problems.length === 0 ? 'every subscriber saw every event once, in order, then end' : `PROBLEMS: ${problems.slice(0, 5).join('; ')}`);
  } finally {
    await Promise.all(instances.map((instance) => instance.stop()));
    await database.drop();
  }
}

await main();
