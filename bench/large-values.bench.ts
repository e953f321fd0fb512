// Large data stored once (issue 11): a 10 MB workflow input passed unchanged through 20 `set` tasks,
// run by the embedded engine (worker threads) of an in-process service. Side by side, alternating:
// A = every value inline (the inline limit above any value: the behaviour before), B = the default
// 64 KiB limit (values above it stored once, by reference). Prints, per run, the store's growth
// (SQLite: database + WAL file bytes after a checkpoint; PostgreSQL when available: total relation
// sizes), the service thread's busy time (event-loop utilization), its longest stall and total stalled
// time (10 ms probe, ticks more than 50 ms late), and wall vs. CPU time (all threads, the execution's
// worker included) from the start request to the recorded end.
// Run: npm run -s bench:large-values  [-- --rounds 2 --megabytes 10 --tasks 20 --postgres --only inline|by]
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessEventBus } from '../src/bus/in-process-bus.ts';
import { loadDefaultEngine } from '../src/jq/node/engine-choice.ts';
import { buildApp } from '../src/service/app.ts';
import { LocalEngine } from '../src/service/local-engine.ts';
import type { ExecutionStore } from '../src/store/execution-store.ts';
import { openStore } from '../src/store/open-store.ts';
import { DEFAULT_INLINE_VALUE_LIMIT } from '../src/store/stored-values.ts';
import { createTestDatabase, postgresAdminUrl } from '../test/store/postgres.ts';

const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const ROUNDS = argument('rounds', 2);
const MEGABYTES = argument('megabytes', 10);
const TASKS = argument('tasks', 20);
const WITH_POSTGRES = process.argv.includes('--postgres');
const ONLY = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const TOKEN = 'bench-token';
const auth = { authorization: `Bearer ${TOKEN}` };

const steps = Array.from({ length: TASKS }, (_, index) => `  - step${index}:\n      set: '\${ . }'`).join('\n');
const DOCUMENT = `document: { dsl: '1.0.0', namespace: bench, name: large-values, version: '1.0.0' }\ndo:\n${steps}\n`;

function largeValue(bytes: number): { items: Array<{ id: number; name: string; tags: string[] }> } {
  const items: Array<{ id: number; name: string; tags: string[] }> = [];
  let size = 12;
  while (size < bytes) {
    const item = { id: items.length, name: `item number ${items.length}`, tags: ['alpha', 'beta'] };
    items.push(item);
    size += JSON.stringify(item).length + 1;
  }
  return { items };
}

const value = largeValue(MEGABYTES * 1024 * 1024);
const valueBytes = Buffer.byteLength(JSON.stringify(value));
// Serialized once up front: the client's own work is not the service's stall.
const startBody = JSON.stringify({ document: DOCUMENT, input: value });
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Longest event-loop stall and the total time the loop was more than 50 ms late, from a 10 ms timer. */
function stallProbe() {
  let last = performance.now();
  let longest = 0;
  let stalled = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    const late = now - last - 10;
    last = now;
    longest = Math.max(longest, late);
    if (late > 50) stalled += late;
  }, 10);
  return () => {
    clearInterval(timer);
    return { longest, stalled };
  };
}

interface Target {
  label: string;
  open(inlineValueLimit: number): Promise<{ store: ExecutionStore; size: (store: ExecutionStore) => Promise<number>; dispose: () => Promise<void> }>;
}

const sqlite: Target = {
  label: 'sqlite',
  async open(inlineValueLimit) {
    const directory = mkdtempSync(join(tmpdir(), 'cairn-bench-large-'));
    const file = join(directory, 'cairn.db');
    return {
      store: await openStore(file, { inlineValueLimit }),
      size: async (store) => {
        await store.sql.all('PRAGMA wal_checkpoint(TRUNCATE)');
        return [file, `${file}-wal`].reduce((sum, path) => sum + (existsSync(path) ? statSync(path).size : 0), 0);
      },
      dispose: async () => rmSync(directory, { recursive: true, force: true }),
    };
  },
};

function postgres(adminUrl: string): Target {
  return {
    label: 'postgres',
    async open(inlineValueLimit) {
      const database = await createTestDatabase(adminUrl);
      return {
        store: await openStore(database.url, { inlineValueLimit }),
        size: async (store) => {
          const rows = await store.sql.all(
            `SELECT SUM(pg_total_relation_size(c.oid))::bigint AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind = 'r'`,
          );
          return Number(rows[0]!.bytes);
        },
        dispose: database.drop,
      };
    },
  };
}

async function start(app: Awaited<ReturnType<typeof buildApp>>, body: string): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/v1/executions', headers: { ...auth, 'content-type': 'application/json' }, payload: body });
  if (response.statusCode !== 201) throw new Error(`start: ${response.body}`);
  return (response.json() as { id: string }).id;
}

async function waitForEnd(store: ExecutionStore, id: string): Promise<void> {
  for (;;) {
    const record = await store.getExecution(id);
    if (record && ['completed', 'faulted', 'cancelled'].includes(record.status) && record.lastSeq === record.maxSeq) {
      if (record.status !== 'completed') throw new Error(`execution ${record.status}: ${JSON.stringify(record.error)}`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function runOnce(target: Target, mode: 'inline' | 'by reference') {
  const inlineValueLimit = mode === 'inline' ? Number.MAX_SAFE_INTEGER : DEFAULT_INLINE_VALUE_LIMIT;
  const { store, size, dispose } = await target.open(inlineValueLimit);
  const bus = new InProcessEventBus();
  const app = await buildApp({
    store,
    engine: new LocalEngine({ bus }),
    expressions: await loadDefaultEngine(),
    bus,
    access: { apiTokens: [TOKEN], reportSecret: 'bench-report-secret' },
    maxInputBytes: 2 * valueBytes,
  });
  // Warm-up (untimed): the worker thread loads its modules on a small run first.
  await waitForEnd(store, await start(app, JSON.stringify({ document: DOCUMENT, input: { items: [] } })));
  const before = await size(store);
  const stalls = stallProbe();
  const busy = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  const started = performance.now();
  await waitForEnd(store, await start(app, startBody));
  const wall = performance.now() - started;
  const { user, system } = process.cpuUsage(cpu);
  const { longest, stalled } = stalls();
  const mainThreadBusy = performance.eventLoopUtilization(busy).active;
  const grown = (await size(store)) - before;
  await app.close();
  await store.close();
  await dispose();
  console.log(
    `${target.label.padEnd(8)} ${mode.padEnd(12)} store +${mb(grown).padStart(9)} (${(grown / valueBytes).toFixed(2)}× the value)  ` +
      `event loop: busy ${Math.round(mainThreadBusy)} ms, longest stall ${Math.round(longest)} ms, stalled ${Math.round(stalled)} ms  ` +
      `wall ${Math.round(wall)} ms, CPU ${Math.round((user + system) / 1000)} ms (all threads)`,
  );
}

console.log(`large values: a ${mb(valueBytes)} input through ${TASKS} tasks; ${ROUNDS} alternating rounds; ${cpus().length} CPUs, load average ${loadavg().map((load) => load.toFixed(1)).join(' ')}`);
const adminUrl = WITH_POSTGRES ? postgresAdminUrl() : undefined;
const targets = [sqlite, ...(adminUrl ? [postgres(adminUrl)] : [])];
for (let round = 0; round < ROUNDS; round++) {
  for (const target of targets) {
    const order: Array<'inline' | 'by reference'> = round % 2 === 0 ? ['inline', 'by reference'] : ['by reference', 'inline'];
    for (const mode of order) if (!ONLY || mode.startsWith(ONLY)) await runOnce(target, mode);
  }
}
process.exit(0);
