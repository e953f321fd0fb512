// Start-up of `cairn` commands against `node -e 0`, measured side by side in one run: the cases
// alternate round by round, so the machine's load weighs on all of them alike. Prints the median wall
// time and CPU time (user + system, of the child process) per case and the ratio to `node -e 0`.
//   npm run -s bench:startup [-- --runs 15]
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const runsFlag = process.argv.indexOf('--runs');
const RUNS = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 15;

const build = spawnSync(process.execPath, ['scripts/build.js'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(1);

const workflow = join(mkdtempSync(join(tmpdir(), 'cairn-startup-')), 'one-task.yaml');
writeFileSync(workflow, "document: { dsl: '1.0.0', namespace: bench, name: one-task, version: '1.0.0' }\ndo:\n  - only:\n      set: { done: true }\n");

const cases: Array<{ name: string; args: string[]; goal?: number }> = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'cairn --help', args: ['bin/cairn.js', '--help'], goal: 3 },
  { name: "cairn eval '.a'", args: ['bin/cairn.js', 'eval', '.a', '--input', '{"a":1}'], goal: 3 },
  { name: 'cairn run (1 task)', args: ['bin/cairn.js', 'run', workflow, '--quiet'], goal: 5 },
];

/** CPU seconds of this process's waited-for children so far (Linux: cutime + cstime in /proc/self/stat). */
function childrenCpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  // Fields after the command name start at field 3 (state): cutime is field 16, cstime field 17.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

const samples = new Map(cases.map((c) => [c.name, { wall: [] as number[], cpu: [] as number[] }]));
for (let round = 0; round < RUNS; round++) {
  for (const c of round % 2 === 0 ? cases : [...cases].reverse()) {
    const cpuBefore = childrenCpuSeconds();
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, c.args, { encoding: 'utf8' });
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    if (result.status !== 0) throw new Error(`${c.name} exited ${result.status}: ${result.stderr}`);
    samples.get(c.name)!.wall.push(wall);
    samples.get(c.name)!.cpu.push(childrenCpuSeconds() - cpuBefore);
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const baseline = samples.get('node -e 0')!;
const baseWall = median(baseline.wall);
const baseCpu = median(baseline.cpu);
console.log(`start-up, median of ${RUNS} alternating runs (load average ${(await import('node:os')).loadavg()[0]!.toFixed(1)})`);
console.log('case                  wall s   × node   cpu s   × node   goal');
for (const c of cases) {
  const { wall, cpu } = samples.get(c.name)!;
  const w = median(wall);
  const u = median(cpu);
  const ratio = w / baseWall;
  const goal = c.goal ? `≤ ${c.goal}× ${ratio <= c.goal ? 'met' : 'missed'}` : '';
  console.log(`${c.name.padEnd(20)}  ${w.toFixed(3).padStart(6)}   ${ratio.toFixed(2).padStart(5)}   ${u.toFixed(2).padStart(5)}   ${(baseCpu > 0 ? u / baseCpu : 0).toFixed(2).padStart(5)}   ${goal}`);
}
