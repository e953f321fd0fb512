// `npm run bench:tracing`: tracing on vs off, alternated in one process — a `for` of 10,000 `set`
// tasks on the local host, and the 50-HTTP-call workflow on Temporal (a dev server, a worker per
// run). "On" exports every span over OTLP/HTTP to a loopback sink that accepts and drops them;
// "off" has no OTEL_* variable, so nothing is loaded. Prints medians of ROUNDS (wall and CPU time)
// and on/off ratios as a Markdown table.
import Fastify from 'fastify';
import { parse as parseYaml } from 'yaml';
import type { WorkflowDocument } from '../src/core/model.ts';
import { startDevServer } from '../src/hosts/temporal/dev-server.ts';
import { runOnHost, type HostName } from '../src/hosts/index.ts';
import { loadTracing } from '../src/observability/tracing.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const ITEMS = 10_000;
const CALLS = 50;

const sink = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 });
let spansBytes = 0;
sink.addContentTypeParser('application/x-protobuf', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
sink.post('/v1/traces', async (request, reply) => {
  spansBytes += (request.body as Buffer).length;
  return reply.type('application/x-protobuf').send(Buffer.alloc(0));
});
sink.get('/item', async () => ({ ok: true }));
await sink.listen({ host: '127.0.0.1', port: 0 });
const base = `http://127.0.0.1:${(sink.server.address() as { port: number }).port}`;

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
const { flush } = await loadTracing();

interface Sample {
  wallMs: number;
  cpuMs: number;
}

async function measure(host: HostName, document: WorkflowDocument, traced: boolean): Promise<Sample> {
  if (traced) process.env.OTEL_EXPORTER_OTLP_ENDPOINT = base;
  else delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await runOnHost(host, document, {}, { temporal: { address: temporal.address } });
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  if (result.status !== 'completed') throw new Error(`${document.document.name} ended ${result.status}`);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const rows: string[] = [];
for (const [label, host, document] of [
  [`local: for of ${ITEMS.toLocaleString('en')} set tasks`, 'local', forOfSets],
  [`temporal: ${CALLS} HTTP calls`, 'temporal', httpCalls],
] as const) {
  await measure(host, document, false);
  await measure(host, document, true);
  const off: Sample[] = [];
  const on: Sample[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    off.push(await measure(host, document, false));
    on.push(await measure(host, document, true));
  }
  const [offWall, onWall, offCpu, onCpu] = [median(off.map((s) => s.wallMs)), median(on.map((s) => s.wallMs)), median(off.map((s) => s.cpuMs)), median(on.map((s) => s.cpuMs))];
  rows.push(`| ${label} | ${offWall.toFixed(0)} | ${onWall.toFixed(0)} | **${(onWall / offWall).toFixed(2)}** | ${offCpu.toFixed(0)} | ${onCpu.toFixed(0)} | **${(onCpu / offCpu).toFixed(2)}** |`);
}
await flush();
console.log(`rounds: ${ROUNDS} (medians, on/off alternated); spans exported: ${(spansBytes / 1024).toFixed(0)} KiB of OTLP protobuf`);
console.log('| workload | off wall ms | on wall ms | on/off wall | off CPU ms | on CPU ms | on/off CPU |');
console.log('|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
await sink.close();
await temporal.stop();
