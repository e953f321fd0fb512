// One Temporal worker in its own process for `bench:temporal`, so its CPU time and RSS are its own:
// `cairn` (the generic workflow and Cairn's activities) or `baseline` (the hand-written workflow).
// The parent talks to it over IPC: `stats` answers CPU time and RSS (current and peak since the
// last `reset-peak`), `stop` shuts the worker down.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { connectWorker, createCairnWorker } from '../src/hosts/temporal/worker.ts';
import type { BaselineActivities } from './temporal-baseline-workflow.ts';

export type WorkerKind = 'cairn' | 'baseline';

export type WorkerRequest = { type: 'stats' } | { type: 'reset-peak' } | { type: 'stop' };

export interface WorkerStats {
  cpuMs: number;
  rssMiB: number;
  peakRssMiB: number;
  progressEvents: number;
}

const [kind, address, taskQueue] = process.argv.slice(2) as [WorkerKind, string, string];

/** VmRSS and VmHWM (the peak, resettable through clear_refs) of this process, in MiB. */
function memory(): { rssMiB: number; peakRssMiB: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN);
  return { rssMiB: kib('VmRSS') / 1024, peakRssMiB: kib('VmHWM') / 1024 };
}

let progressEvents = 0;
const connection = await connectWorker(address);
const worker =
  kind === 'cairn'
    ? await createCairnWorker({ connection, taskQueue, progressSink: (events) => void (progressEvents += events.length) })
    : await Worker.create({
        connection,
        taskQueue,
        workflowsPath: fileURLToPath(new URL('./temporal-baseline-workflow.ts', import.meta.url)),
        activities: {
          async httpGetJson(target) {
            const response = await fetch(target);
            return response.json();
          },
        } satisfies BaselineActivities,
      });
const running = worker.run();

process.on('message', (request: WorkerRequest) => {
  if (request.type === 'stats') {
    const cpu = process.cpuUsage();
    const stats: WorkerStats = { cpuMs: (cpu.user + cpu.system) / 1000, ...memory(), progressEvents };
    process.send!(stats);
  } else if (request.type === 'reset-peak') {
    writeFileSync('/proc/self/clear_refs', '5');
    process.send!({ ok: true });
  } else {
    worker.shutdown();
  }
});
process.send!({ ready: true });
await running;
await connection.close();
process.disconnect();
