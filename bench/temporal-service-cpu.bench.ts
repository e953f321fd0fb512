// Service CPU per execution with --temporal: a real `cairn serve --temporal` process (SQLite store)
// starts N executions of a 5-task workflow on a Temporal dev server; `cairn worker` processes
// (1, or 2 with `--workers 2`) run them and report progress to the service. Reads the service
// process's CPU time (utime + stime from /proc) over the run and prints it per execution, beside
// the wall time and the throughput. Goal: ≤ 30 ms of service CPU per execution.
// Run: npm run -s bench:temporal-cpu [-- --executions 200 --workers 2 --cpu-prof DIR]  (DIR: the service's CPU profile)
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { startDevServer } from '../src/hosts/temporal/dev-server.ts';
import { api, startServeProcess } from '../test/support/serve-process.ts';

const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const EXECUTIONS = argument('executions', 200);
const WORKERS = argument('workers', 1);
const TASK_QUEUE = 'bench-service-cpu';
const CLOCK_TICKS = 100;

const DOCUMENT = `document: { dsl: '1.0.0', namespace: bench, name: five, version: '1.0.0' }
do:
${Array.from({ length: 5 }, (_, index) => `  - step${index}:\n      set: '\${ . + { step${index}: ${index} } }'`).join('\n')}
`;

/** CPU seconds a process used so far (user + system). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

async function main(): Promise<void> {
  const temporal = await startDevServer({ startTimeoutMs: 120_000 });
  const workers: ChildProcess[] = [];
  const profileAt = process.argv.indexOf('--cpu-prof');
  const service = await startServeProcess({
    args: ['--temporal', temporal.address, '--task-queue', TASK_QUEUE],
    sharedToken: true,
    nodeArgs: profileAt > 0 ? ['--cpu-prof', `--cpu-prof-dir=${process.argv[profileAt + 1]}`] : [],
  });
  try {
    for (let index = 0; index < WORKERS; index++) {
      workers.push(spawn(process.execPath, ['bin/cairn.js', 'worker', '--temporal', temporal.address, '--task-queue', TASK_QUEUE], { stdio: 'ignore' }));
    }
    // Warm up: one execution through the whole path.
    const warm = (await api(service.url, 'POST', '/v1/executions', { document: DOCUMENT, input: {} })).json.id as string;
    while ((await api(service.url, 'GET', `/v1/executions/${warm}`)).json.execution.status !== 'completed') await new Promise((resolve) => setTimeout(resolve, 200));

    const pid = service.process.pid!;
    const cpuBefore = cpuSeconds(pid);
    const wallBefore = performance.now();
    const ids: string[] = [];
    for (let index = 0; index < EXECUTIONS; index++) ids.push((await api(service.url, 'POST', '/v1/executions', { document: DOCUMENT, input: {} })).json.id as string);
    for (;;) {
      const page = await api(service.url, 'GET', `/v1/executions?namespace=bench&status=completed&limit=500`);
      if ((page.json.items as unknown[]).length >= EXECUTIONS + 1) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const wall = (performance.now() - wallBefore) / 1000;
    const cpu = cpuSeconds(pid) - cpuBefore;
    console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average ${loadavg()[0]!.toFixed(2)} at the end`);
    console.log(`${EXECUTIONS} executions of 5 tasks, ${WORKERS} worker(s): wall ${wall.toFixed(1)} s (${(EXECUTIONS / wall).toFixed(1)} executions/s)`);
    console.log(`service CPU ${cpu.toFixed(2)} s = ${((cpu * 1000) / EXECUTIONS).toFixed(1)} ms per execution`);
  } finally {
    for (const worker of workers) worker.kill('SIGTERM');
    await service.stop();
    await temporal.stop();
  }
}

await main();
