// `npm run bench:tracing`: tracing on vs off, alternated in one process — a `for` of 10,000 `set`
// tasks on the local host, and the 50-HTTP-call workflow on Temporal (a dev server, a worker per
// run). "On" exports every span over OTLP/HTTP to a loopback sink in another process
// (otlp-sink.ts) that counts and drops them; "off" has no OTEL_* variable, so nothing is loaded.
// Prints medians of ROUNDS (wall and CPU time of this process), on/off ratios, the spans the sink
// received per traced run and the load average, as Markdown. WORKLOADS=temporal (or local) runs one.
// It runs the built package (dist/, rebuilt first unless --no-build), as users do.
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { parse as parseYaml } from 'yaml';
import type { WorkflowDocument } from '../src/core/model.ts';
import type { HostName } from '../src/hosts/index.ts';
import { buildUnlessAsked, built } from './built.ts';

buildUnlessAsked();
const { startDevServer } = await built<typeof import('../src/hosts/temporal/dev-server.ts')>('hosts/temporal/dev-server');
const { runOnHost } = await built<typeof import('../src/hosts/index.ts')>('hosts/index');
const { loadTracing } = await built<typeof import('../src/observability/tracing.ts')>('observability/tracing');

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const ITEMS = 10_000;
const CALLS = 50;

const sink = fork(new URL('./otlp-sink.ts', import.meta.url), { execArgv: ['--import', 'tsx'] });
const { port } = await new Promise<{ port: number }>((resolve) => sink.once('message', resolve));
const base = `http://127.0.0.1:${port}`;
const received = async () => ((await (await fetch(`${base}/count`)).json()) as { spans: number; bytes: number });
const loadBefore = loadavg();

const forOfSets = parseYaml(`
document: { dsl: '1.0.0', namespace: bench, name: for-of-sets, version: '1.0.0' }
do:
  - loop:
      for: { each: item, in: '\${ [range(0; ${ITEMS})] }' }
      do:
        - keep: { set: { last: '\${ $item }' } }
`) as WorkflowDocument;
const httpCalls = parseYaml(`
document: { dsl: '1.0.0', namespace: bench, name: http-calls, version: '1.0.0' }
do:
  - calls:
      for: { each: index, in: '\${ [range(0; ${CALLS})] }' }
      do:
        - get:
            call: http
            with: { method: get, endpoint: '${base}/item' }
`) as WorkflowDocument;

const temporal = await startDevServer();
process.env.OTEL_EXPORTER_OTLP_ENDPOINT = base;
await loadTracing();

interface Sample {
  wallMs: number;
  cpuMs: number;
  spans: number;
}

async function measure(host: HostName, document: WorkflowDocument, traced: boolean): Promise<Sample> {
  if (traced) process.env.OTEL_EXPORTER_OTLP_ENDPOINT = base;
  else delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const before = (await received()).spans;
  const cpu = process.cpuUsage();
  const started = performance.now();
  // A traced run ends once its spans are exported (runOnHost flushes).
  const result = await runOnHost(host, document, {}, { temporal: { address: temporal.address } });
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  if (result.status !== 'completed') throw new Error(`${document.document.name} ended ${result.status}`);
  return { wallMs, cpuMs: (used.user + used.system) / 1000, spans: (await received()).spans - before };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const workloads = [
  [`local: for of ${ITEMS.toLocaleString('en')} set tasks`, 'local', forOfSets],
  [`temporal: ${CALLS} HTTP calls`, 'temporal', httpCalls],
] as const;
const chosen = process.env.WORKLOADS?.split(',');
const rows: string[] = [];
for (const [label, host, document] of workloads.filter(([, host]) => !chosen || chosen.includes(host))) {
  await measure(host, document, false);
  await measure(host, document, true);
  const off: Sample[] = [];
  const on: Sample[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    off.push(await measure(host, document, false));
    on.push(await measure(host, document, true));
  }
  const [offWall, onWall, offCpu, onCpu] = [median(off.map((s) => s.wallMs)), median(on.map((s) => s.wallMs)), median(off.map((s) => s.cpuMs)), median(on.map((s) => s.cpuMs))];
  const spans = on.map((s) => s.spans);
  rows.push(`| ${label} | ${offWall.toFixed(0)} | ${onWall.toFixed(0)} | **${(onWall / offWall).toFixed(2)}** | ${offCpu.toFixed(0)} | ${onCpu.toFixed(0)} | **${(onCpu / offCpu).toFixed(2)}** | ${Math.min(...spans)}–${Math.max(...spans)} |`);
}
const { bytes } = await received();
console.log(`${new Date().toISOString()}; rounds: ${ROUNDS} (medians, on/off alternated); load average before ${loadBefore.map((l) => l.toFixed(1)).join(' ')}, after ${loadavg().map((l) => l.toFixed(1)).join(' ')}; ${(bytes / 1024).toFixed(0)} KiB of OTLP protobuf received`);
console.log('| workload | off wall ms | on wall ms | on/off wall | off CPU ms | on CPU ms | on/off CPU | spans received per traced run |');
console.log('|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
sink.disconnect();
await temporal.stop();
