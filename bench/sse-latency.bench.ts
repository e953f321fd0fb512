// Event-to-SSE-client latency: one execution's SSE stream (/v1/executions/:id/events) watched by
// 100 subscribers while a reporter sends ReportProgress (HTTP/JSON) at 1,000 events/s in batches
// of 10 every 10 ms, as a runner's event writer would (one request in flight, what accumulated
// meanwhile goes in the next). Each event carries the moment it was produced; each subscriber
// records arrival − production. Prints p50/p95/p99/max and checks that every subscriber received
// every event exactly once, in seq order, then `end`.
//
// The service runs alone in this process; the reporter and the subscribers run in a child process
// (this file again, `--load`), as they would on other machines: 100 subscribers parse 100,000
// messages/s, and in the service's event loop that work would be billed as service latency.
// `--in-process` runs them in the service's process instead, to see that distortion.
// Send and arrival times are CLOCK_MONOTONIC (process.hrtime), which is system-wide on Linux, so
// they compare across the two processes.
// Run: npm run -s bench:sse  [-- --in-process]
import { fork } from 'node:child_process';
import http from 'node:http';
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { EVENT_TYPES, progressEventId, type ProgressEvent } from '../src/core/events.ts';
import type { JsonObject } from '../src/core/json.ts';
import { API_TOKEN, startTestService } from '../test/service/service-fixture.ts';

const SUBSCRIBERS = 100;
const BATCH = 10;
const BATCH_EVERY_MS = 10;
const WARMUP_EVENTS = 1_000;
const MEASURED_EVENTS = 10_000;
/** seq 1 workflow.started, then the task events, then workflow.completed. */
const LAST_TASK_SEQ = 1 + WARMUP_EVENTS + MEASURED_EVENTS;
const FINAL_SEQ = LAST_TASK_SEQ + 1;
const FIRST_MEASURED_SEQ = 2 + WARMUP_EVENTS;
/** The whole run stops by itself after this, whatever happened. */
const DEADLINE_MS = 90_000;

interface LoadResult {
  samples: number;
  percentiles: { p50: number; p95: number; p99: number; max: number };
  problems: string[];
  achievedEventsPerSecond: number;
  reportRequests: number;
  cpuPercent: number;
  loopDelayP99Ms: number;
}

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

function progressEvent(executionId: string, seq: number): ProgressEvent {
  const time = new Date().toISOString();
  const base = { specversion: '1.0' as const, id: progressEventId(executionId, seq), source: 'urn:cairn:runtime', time, datacontenttype: 'application/json' as const, executionid: executionId, seq };
  if (seq === 1) {
    return { ...base, type: EVENT_TYPES.workflowStarted, data: { definition: { namespace: 'bench', name: 'sse-latency', version: '1.0.0' }, startedAt: time } };
  }
  if (seq === FINAL_SEQ) return { ...base, type: EVENT_TYPES.workflowCompleted, data: { completedAt: time, output: { ok: true } } };
  const task = `/do/${seq}/step`;
  return { ...base, type: EVENT_TYPES.taskCompleted, subject: task, data: { task, completedAt: time, output: { index: seq, ok: true }, sentAt: nowMs() } as JsonObject };
}

function post(agent: http.Agent, base: string, events: ProgressEvent[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ events });
    const request = http.request(`${base}/v1/progress`, {
      method: 'POST',
      agent,
      headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    request.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`ReportProgress HTTP ${response.statusCode}: ${text}`))));
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** One subscriber: a plain http SSE reader that stamps each chunk's arrival before parsing it. */
class Subscriber {
  /** latency[seq] in ms for measured events; NaN until received. */
  readonly latency = new Float64Array(FINAL_SEQ + 1).fill(Number.NaN);
  readonly problems: string[] = [];
  private nextSeq = 1;
  private buffer = '';
  private request: http.ClientRequest | undefined;
  ended = false;

  constructor(
    private readonly index: number,
    private readonly onFirstEvent: () => void,
    private readonly onEnd: () => void,
  ) {}

  get received(): number {
    return this.nextSeq - 1;
  }

  open(url: string): void {
    this.request = http.get(url, { agent: false, headers: { authorization: `Bearer ${API_TOKEN}`, accept: 'text/event-stream' } }, (response) => {
      if (response.statusCode !== 200) this.fail(`stream refused: HTTP ${response.statusCode}`);
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => this.chunk(chunk, nowMs()));
      response.on('end', () => {
        if (!this.ended) this.fail(`stream closed before end after seq ${this.received}`);
      });
    });
    this.request.on('error', (error) => {
      if (!this.ended) this.fail(`stream error: ${error.message}`);
    });
  }

  close(): void {
    this.request?.destroy();
  }

  private fail(problem: string): void {
    this.problems.push(`subscriber ${this.index}: ${problem}`);
    this.ended = true;
    this.onEnd();
  }

  private chunk(chunk: string, receivedAt: number): void {
    this.buffer += chunk;
    let boundary: number;
    while ((boundary = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, boundary);
      this.buffer = this.buffer.slice(boundary + 2);
      let id: string | undefined;
      let event = 'message';
      let data: string | undefined;
      for (const line of block.split('\n')) {
        if (line.startsWith('id: ')) id = line.slice(4);
        else if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data = line.slice(6);
      }
      if (data === undefined) continue;
      if (event === 'end') {
        if (this.received !== FINAL_SEQ) this.problems.push(`subscriber ${this.index}: end after seq ${this.received} of ${FINAL_SEQ}`);
        this.ended = true;
        this.onEnd();
        continue;
      }
      const parsed = JSON.parse(data) as ProgressEvent;
      const seq = parsed.seq;
      if (String(seq) !== id) this.problems.push(`subscriber ${this.index}: id ${id} carries seq ${seq}`);
      if (seq !== this.nextSeq) {
        this.problems.push(`subscriber ${this.index}: got seq ${seq}, expected ${this.nextSeq}`);
        if (seq < this.nextSeq) continue;
      }
      this.nextSeq = seq + 1;
      if (seq >= FIRST_MEASURED_SEQ && seq <= LAST_TASK_SEQ) this.latency[seq] = receivedAt - (parsed.data.sentAt as number);
      if (seq === 1) this.onFirstEvent();
    }
  }
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The reporter and the subscribers, against a running service at `base`. */
async function runLoad(base: string): Promise<LoadResult> {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const executionId = `sse-bench-${Date.now()}`;
  await post(agent, base, [progressEvent(executionId, 1)]);

  let settle: () => void = () => {};
  const allEnded = new Promise<void>((resolve) => (settle = resolve));
  let connected: () => void = () => {};
  const allConnected = new Promise<void>((resolve) => (connected = resolve));
  const subscribers: Subscriber[] = [];
  // Reporting starts once every subscriber holds seq 1 (or gave up), so all see the same live events.
  let ready = 0;
  const readyOne = () => {
    if (++ready === SUBSCRIBERS) connected();
  };
  let ended = 0;
  const endOne = () => {
    if (++ended === SUBSCRIBERS) settle();
  };
  for (let index = 0; index < SUBSCRIBERS; index++) {
    let counted = false;
    const once = () => {
      if (counted) return;
      counted = true;
      readyOne();
    };
    subscribers.push(new Subscriber(index, once, () => (once(), endOne())));
  }
  for (const subscriber of subscribers) subscriber.open(`${base}/v1/executions/${encodeURIComponent(executionId)}/events`);
  const deadline = setTimeout(() => {
    for (const subscriber of subscribers) if (!subscriber.ended) subscriber.problems.push(`subscriber stopped by the ${DEADLINE_MS} ms deadline at seq ${subscriber.received}`);
    connected();
    settle();
  }, DEADLINE_MS);
  await allConnected;

  // The runner's event writer: events are produced on schedule; one request in flight at a time.
  const reporterProblems: string[] = [];
  let pending: ProgressEvent[] = [];
  let inFlight = false;
  let requests = 0;
  let nextSeq = 2;
  let done: () => void = () => {};
  const reported = new Promise<void>((resolve) => (done = resolve));
  const flush = () => {
    if (inFlight || pending.length === 0) return;
    const batch = pending;
    pending = [];
    inFlight = true;
    requests++;
    post(agent, base, batch).then(
      () => {
        inFlight = false;
        if (nextSeq > FINAL_SEQ && pending.length === 0) done();
        else flush();
      },
      (error: Error) => {
        reporterProblems.push(`reporter: ${error.message}`);
        done();
      },
    );
  };
  loop.enable();
  const cpuBefore = process.cpuUsage();
  const started = nowMs();
  let batches = 0;
  const tick = () => {
    // Catch up on every batch that is due, so the average rate holds even when timers run late.
    while (nextSeq <= LAST_TASK_SEQ && nowMs() >= started + batches * BATCH_EVERY_MS) {
      for (let count = 0; count < BATCH && nextSeq <= LAST_TASK_SEQ; count++) pending.push(progressEvent(executionId, nextSeq++));
      batches++;
    }
    if (nextSeq > LAST_TASK_SEQ) pending.push(progressEvent(executionId, nextSeq++));
    flush();
    if (nextSeq <= LAST_TASK_SEQ) setTimeout(tick, Math.max(0, started + batches * BATCH_EVERY_MS - nowMs()));
  };
  tick();
  await reported;
  const reportSeconds = (nowMs() - started) / 1000;
  await allEnded;
  clearTimeout(deadline);
  const cpu = process.cpuUsage(cpuBefore);
  const elapsedMs = nowMs() - started;
  loop.disable();
  for (const subscriber of subscribers) subscriber.close();
  agent.destroy();

  const problems = [...reporterProblems];
  const latencies: number[] = [];
  for (const subscriber of subscribers) {
    problems.push(...subscriber.problems);
    let missing = 0;
    for (let seq = FIRST_MEASURED_SEQ; seq <= LAST_TASK_SEQ; seq++) {
      const value = subscriber.latency[seq]!;
      if (Number.isNaN(value)) missing++;
      else latencies.push(value);
    }
    if (missing > 0) problems.push(`subscriber ${subscribers.indexOf(subscriber)}: ${missing} measured events missing`);
  }
  const sorted = Float64Array.from(latencies).sort();
  return {
    samples: sorted.length,
    percentiles: { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? Number.NaN },
    problems,
    achievedEventsPerSecond: (LAST_TASK_SEQ - 1) / reportSeconds,
    reportRequests: requests,
    cpuPercent: ((cpu.user + cpu.system) / 1000 / elapsedMs) * 100,
    loopDelayP99Ms: loop.percentile(99) / 1e6,
  };
}

function loadInChild(base: string): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--load', base], { stdio: 'inherit' });
    let result: LoadResult | undefined;
    const kill = setTimeout(() => child.kill(), DEADLINE_MS + 10_000);
    child.on('message', (message) => (result = message as LoadResult));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(kill);
      if (result) resolve(result);
      else reject(new Error(`load process exited with ${code} and no result`));
    });
  });
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

if (process.argv[2] === '--load') {
  const result = await runLoad(process.argv[3]!);
  process.send!(result);
  process.disconnect();
} else {
  const inProcess = process.argv.includes('--in-process');
  // Tail latency follows whatever else the machine runs: say how busy it was.
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average ${loadavg()[0]!.toFixed(2)} at start`);
  const service = await startTestService();
  const base = await service.app.listen({ host: '127.0.0.1', port: 0 });
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const cpuBefore = process.cpuUsage();
  const started = nowMs();
  let result: LoadResult;
  try {
    result = inProcess ? await runLoad(base) : await loadInChild(base);
  } finally {
    loop.disable();
    await service.close();
  }
  const cpu = process.cpuUsage(cpuBefore);
  const elapsedMs = nowMs() - started;
  const { p50, p95, p99, max } = result.percentiles;
  console.log(
    `sse-latency: ${SUBSCRIBERS} subscribers, ${FINAL_SEQ} events each (${MEASURED_EVENTS} measured after ${WARMUP_EVENTS} warm-up), ` +
      `${BATCH} events every ${BATCH_EVERY_MS} ms; reporter and subscribers ${inProcess ? 'in the service process' : 'in a child process'}`,
  );
  console.log(`reported ${Math.round(result.achievedEventsPerSecond).toLocaleString('en-US')} events/s in ${result.reportRequests} ReportProgress requests`);
  console.log(`latency (${result.samples.toLocaleString('en-US')} samples): p50 ${ms(p50)}  p95 ${ms(p95)}  p99 ${ms(p99)}  max ${ms(max)}`);
  if (!inProcess) console.log(`service process: cpu ${((cpu.user + cpu.system) / 1000 / elapsedMs * 100).toFixed(0)}% of a core, event-loop delay p99 ${ms(loop.percentile(99) / 1e6)}`);
  console.log(`${inProcess ? 'single process' : 'load process'}: cpu ${result.cpuPercent.toFixed(0)}% of a core, event-loop delay p99 ${ms(result.loopDelayP99Ms)}`);
  if (result.problems.length === 0) {
    console.log(`delivery: all ${SUBSCRIBERS} subscribers received all ${FINAL_SEQ} events exactly once, in seq order, then end`);
  } else {
    console.log(`delivery: ${result.problems.length} discrepancies`);
    for (const problem of result.problems.slice(0, 20)) console.log(`  ${problem}`);
    process.exitCode = 1;
  }
  console.log(`goal p99 <= 50 ms: ${p99 <= 50 ? 'met' : 'missed'}`);
}
