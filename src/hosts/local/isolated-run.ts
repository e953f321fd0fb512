import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { EventLoopUtilization } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { EventBus } from '../../bus/event-bus.ts';
import { InProcessEventBus } from '../../bus/in-process-bus.ts';
import { workflowError, type ProblemDetails } from '../../core/errors.ts';
import type { ProgressEvent } from '../../core/events.ts';
import type { Json } from '../../core/json.ts';
import type { WorkflowDocument } from '../../core/model.ts';
import type { EffectPolicy } from '../../effects/effect-context.ts';
import type { WorkflowRegistry } from '../../effects/run/workflow-registry.ts';
import type { SpanLossReason } from '../../observability/span-losses.ts';
import { effectPolicyToData } from './effect-policy-data.ts';
import { endEvents, LimitCounter, limitProblem, MIN_MEMORY_MB, type ExecutionLimits, type LimitName } from './execution-limits.ts';
import { ThreadHoldings } from './thread-holdings.ts';
import type { ExecutionReport, FromWorker, ToWorker, WorkerRunRequest } from './worker-protocol.ts';

export interface IsolatedRunOptions extends Omit<WorkerRunRequest, 'executionId' | 'document' | 'input' | 'effectPolicy' | 'workflowsFromParent'> {
  executionId?: string;
  /** Egress, file and response-size limits of the execution's effects (sent to the thread as data). */
  effectPolicy?: EffectPolicy;
  /** Where `run: workflow` finds children: looked up here, on the thread's request. */
  workflows?: WorkflowRegistry;
  /** Limits of this execution; the memory limit is the pool's (a thread's heap is fixed when it starts). */
  limits?: Omit<ExecutionLimits, 'maxMemoryMb'>;
  /** Where the execution's emits go and its `listen` tasks read from (a fresh in-process bus by default). */
  bus?: EventBus;
  /** Each progress event, in sequence order, as the worker reports it. */
  onEvent?: (event: ProgressEvent) => void;
}

export interface IsolatedResult {
  executionId: string;
  status: 'completed' | 'faulted' | 'cancelled';
  output?: Json;
  error?: ProblemDetails;
  lastSeq: number;
}

/** Control of one execution running in a worker thread. */
export interface IsolatedExecution {
  readonly done: Promise<IsolatedResult>;
  cancel(): void;
  suspend(): void;
  resume(): void;
}

/** How often the parent reads a worker's busy time against its CPU budget. */
const CPU_CHECK_MS = 200;
/** A cancelled execution whose thread does not answer (a runaway expression) is stopped after this long. */
const CANCEL_GRACE_MS = 2_000;

/** How many threads may be starting at once: loading the runtime is CPU-heavy, and bursts of starts would starve the service. */
const MAX_BOOTING = 2;
/** Threads kept warm after their execution ended: loading one costs far more than keeping it. */
const MAX_IDLE = 32;
/** A warm thread unused for this long is stopped. */
const IDLE_MS = 60_000;
/**
 * An execution younger than this counts as computing (its thread's load cannot be told yet), and
 * waiting starts are looked at again this often: an execution that turned out to wait for I/O or a
 * timer then lets the next start in.
 */
const SETTLE_MS = 25;
/**
 * An execution holding its thread longer than this is a long one: it no longer counts among the
 * executions computing, so starts waiting behind a heavy or runaway execution get a thread of
 * their own (short executions, the ones a burst brings, end well within it).
 */
const LONG_EXECUTION_MS = 250;
/** A busy thread whose event loop was active more than this share of the time since its execution started is computing. */
const COMPUTING_UTILIZATION = 0.5;
/**
 * Executions computing at once: one per core. The service's thread stores every event and answers
 * every request, so it is the bottleneck of short executions; more computing threads would only
 * share the cores with it and slow every execution's end. Fewer would leave a thread idle while
 * its next start crosses over (a wake-up that takes milliseconds on a loaded machine). Starts beyond
 * them wait for a thread to come free; executions that wait for I/O or timers, or run long, do not
 * count, so they never hold the others back.
 */
const MAX_COMPUTING = availableParallelism();

/** A worker thread with what the parent knows of it. */
interface ExecutionThread {
  readonly worker: Worker;
  /** Set by the thread while it runs an execution (see `execution-worker.ts`). */
  readonly running: Int32Array;
  readonly holdings: ThreadHoldings;
}

/** A start waiting for a thread. */
interface WaitingStart {
  take: (thread: ExecutionThread) => void;
  fail: (detail: string) => void;
}

/** A thread's lost spans join this process's (the service's metrics listen there); tracing is loaded already where threads trace. */
function reportSpansLost(reason: SpanLossReason, count: number): void {
  void import('../../observability/tracing.ts')
    .then(({ loadTracing }) => loadTracing())
    .then((tracing) => tracing.reportSpansLost(reason, count))
    // Counting a loss must not end the service: a tracing that cannot load is reported by the runs that need it.
    .catch(() => undefined);
}

/** Resolves the worker entry next to this module: `.ts` from source (through tsx), `.js` from a build. */
function createWorker(maxMemoryMb: number | undefined, running: SharedArrayBuffer): Worker {
  const self = import.meta.url;
  const fromSource = self.endsWith('.ts');
  const entry = new URL(`./execution-worker.${fromSource ? 'ts' : 'js'}`, self);
  const resourceLimits = maxMemoryMb !== undefined ? { maxOldGenerationSizeMb: maxMemoryMb } : undefined;
  const options = { workerData: { running }, ...(resourceLimits ? { resourceLimits } : {}) };
  // Built JavaScript needs no TypeScript loader: a parent started through tsx would otherwise load it in every thread.
  if (!fromSource) return new Worker(entry, { ...options, execArgv: withoutTypeScriptLoader(process.execArgv) });
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/** Node options minus tsx's `--require`/`--import` of its loader. */
function withoutTypeScriptLoader(execArgv: string[]): string[] {
  const kept: string[] = [];
  for (let index = 0; index < execArgv.length; index++) {
    const flag = execArgv[index]!;
    const value = execArgv[index + 1] ?? '';
    if ((flag === '--require' || flag === '--import') && (value === 'tsx' || value.includes('/node_modules/tsx/'))) index++;
    else kept.push(flag);
  }
  return kept;
}

/**
 * Runs executions on the local host, each in its own worker thread (one execution per thread at a
 * time), so one execution cannot block or exhaust the process that started it or the executions
 * beside it. The parent enforces the limits: it counts tasks and events as they arrive, watches
 * wall time and the thread's busy time, and terminates the thread when one is exceeded; the
 * execution then ends `faulted` with a `CAIRN_ERR_LIMIT` runtime error. Threads whose execution
 * ended normally run the next one. A start takes a warm thread, or a new one loads for it, only
 * while fewer than `MAX_COMPUTING` executions compute (the others wait for I/O or timers, or run
 * long), at most `MAX_BOOTING` loading at a time: under a burst of short executions, more threads
 * would only take CPU from the service's own thread and from the executions.
 */
export class ExecutionWorkerPool {
  /** Warm threads, each with the timer that stops it when it stays unused; the last one is the most recently used. */
  private readonly idle = new Map<ExecutionThread, NodeJS.Timeout>();
  private readonly all = new Set<ExecutionThread>();
  private readonly waiting: WaitingStart[] = [];
  /** Threads running an execution: when they took it, and their event-loop utilization then. */
  private readonly busy = new Map<ExecutionThread, { since: number; utilization: EventLoopUtilization }>();
  private booting = 0;
  private recheck: NodeJS.Timeout | undefined;
  private closed = false;

  /**
   * `maxMemoryMb`: the heap of each thread (V8 old generation). `spare`: threads kept loaded ahead
   * of demand, so a start does not wait for one to load (a service keeps one; a single run none).
   */
  constructor(
    private readonly maxMemoryMb?: number,
    private readonly spare = 0,
  ) {
    if (maxMemoryMb !== undefined && maxMemoryMb < MIN_MEMORY_MB) throw new RangeError(`maxMemoryMb must be at least ${MIN_MEMORY_MB} (MiB), got ${maxMemoryMb}`);
    this.boot();
  }

  start(document: WorkflowDocument, input: Json, options: IsolatedRunOptions = {}): IsolatedExecution {
    const executionId = options.executionId ?? randomUUID();
    const limits = { ...options.limits, ...(this.maxMemoryMb !== undefined ? { maxMemoryMb: this.maxMemoryMb } : {}) };
    const counter = new LimitCounter(limits);
    const instanceName = `${document.document.name}-${executionId}.${document.document.namespace}`;
    const bus = options.bus ?? new InProcessEventBus();
    let thread: ExecutionThread | undefined;
    const control: ToWorker[] = [];
    const send = (message: ToWorker) => (thread ? thread.worker.postMessage(message) : control.push(message));
    let lastSeq = 0;
    let ended = false;
    let resolveDone!: (result: IsolatedResult) => void;
    const done = new Promise<IsolatedResult>((resolve) => (resolveDone = resolve));
    const timers: NodeJS.Timeout[] = [];
    const detach: Array<() => void> = [];

    const finish = (result: Omit<IsolatedResult, 'executionId' | 'lastSeq'>, keepThread: boolean) => {
      if (ended) return;
      ended = true;
      for (const timer of timers) clearTimeout(timer);
      for (const undo of detach) undo();
      if (thread) {
        if (keepThread) this.release(thread);
        else this.discard(thread);
      } else this.withdraw(waiting);
      resolveDone({ executionId, lastSeq, ...result });
    };
    /** Ends the execution from here: its thread is gone (or never got it), so this side reports its last events. */
    const endFromOutside = (status: 'faulted' | 'cancelled', error?: ProblemDetails) => {
      if (ended) return;
      for (const event of endEvents(executionId, instanceName, lastSeq, status, error, new Date())) {
        lastSeq = event.seq;
        options.onEvent?.(event);
      }
      finish({ status, ...(error ? { error } : {}) }, false);
    };
    const stopAt = (limit: LimitName) => endFromOutside('faulted', limitProblem(limit, limits[limit]!));
    const crashed = (detail: string) => endFromOutside('faulted', workflowError('runtime', detail, { instance: '/' }).problem);
    if (limits.maxDurationMs !== undefined) timers.push(setTimeout(() => stopAt('maxDurationMs'), limits.maxDurationMs));

    /** Handles one report; false once the execution ended. */
    const onReport = (report: ExecutionReport): boolean => {
      switch (report.kind) {
        case 'events':
          for (const event of report.events) {
            const exceeded = counter.exceededBy(event);
            if (exceeded) {
              stopAt(exceeded);
              return false;
            }
            lastSeq = event.seq;
            options.onEvent?.(event);
          }
          return true;
        case 'publish':
          bus.publish(report.event).catch(() => undefined);
          return true;
        case 'finished': {
          const { kind: _kind, ...result } = report;
          finish(result, true);
          return false;
        }
        case 'crashed':
          crashed(`the execution failed: ${report.message}`);
          return false;
        case 'find-workflow': {
          const { requestId, namespace, name, version } = report;
          const answer = (reply: { document?: WorkflowDocument; error?: string }) => {
            if (!ended) send({ kind: 'workflow', requestId, ...reply });
          };
          Promise.resolve(options.workflows?.find(namespace, name, version)).then(
            (document) => answer(document ? { document } : {}),
            (error: unknown) => answer({ error: error instanceof Error ? error.message : String(error) }),
          );
          return true;
        }
      }
    };
    const onMessage = (message: FromWorker) => {
      if (message.kind !== 'reports') return;
      for (const report of message.reports) if (ended || !onReport(report)) return;
    };
    const onError = (error: Error & { code?: string }) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY' && limits.maxMemoryMb !== undefined) stopAt('maxMemoryMb');
      else crashed(`the execution's thread failed: ${error.message}`);
    };
    const onExit = () => crashed("the execution's thread stopped unexpectedly");

    const waiting: WaitingStart = {
      take: (acquired) => {
        thread = acquired;
        const { worker } = acquired;
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.on('exit', onExit);
        const unsubscribe = bus.subscribe((event) => send({ kind: 'cloudevent', event }));
        detach.push(unsubscribe, () => {
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
        });
        if (limits.maxCpuMs !== undefined) {
          const budget = limits.maxCpuMs;
          const baseline = worker.performance.eventLoopUtilization();
          timers.push(
            setInterval(() => {
              if (worker.performance.eventLoopUtilization(baseline).active > budget) stopAt('maxCpuMs');
            }, CPU_CHECK_MS),
          );
        }
        const { executionId: _id, limits: _limits, bus: _bus, onEvent: _onEvent, effectPolicy, workflows, ...request } = options;
        send(
          acquired.holdings.start({
            ...request,
            executionId,
            document,
            input,
            ...(effectPolicy ? { effectPolicy: effectPolicyToData(effectPolicy) } : {}),
            ...(workflows ? { workflowsFromParent: true } : {}),
          }),
        );
        for (const message of control.splice(0)) send(message);
      },
      fail: crashed,
    };
    this.waiting.push(waiting);
    this.admit();

    return {
      done,
      cancel: () => {
        if (ended) return;
        if (!thread) return endFromOutside('cancelled');
        send({ kind: 'cancel' });
        timers.push(setTimeout(() => endFromOutside('cancelled'), CANCEL_GRACE_MS));
      },
      suspend: () => send({ kind: 'suspend' }),
      resume: () => send({ kind: 'resume' }),
    };
  }

  /** Terminates every thread (running executions end without further events). */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.recheck);
    await Promise.all([...this.all].map((thread) => thread.worker.terminate()));
    this.all.clear();
    this.busy.clear();
    for (const timer of this.idle.values()) clearTimeout(timer);
    this.idle.clear();
  }

  /**
   * Hands waiting starts to warm threads, and loads threads for them, while fewer than
   * `MAX_COMPUTING` executions compute; while starts still wait, looks again after `SETTLE_MS`.
   */
  private admit(): void {
    if (this.closed) return;
    while (this.waiting.length > 0 && this.idle.size > 0 && this.computing() < MAX_COMPUTING) {
      const thread = [...this.idle.keys()].pop()!;
      clearTimeout(this.idle.get(thread));
      this.idle.delete(thread);
      this.busy.set(thread, { since: performance.now(), utilization: thread.worker.performance.eventLoopUtilization() });
      thread.worker.ref();
      this.waiting.shift()!.take(thread);
    }
    this.boot();
    if (this.waiting.length === 0 || this.recheck) return;
    this.recheck = setTimeout(() => {
      this.recheck = undefined;
      this.admit();
    }, SETTLE_MS);
    // Waiting starts do not keep the process alive: the busy threads they wait for do.
    this.recheck.unref();
  }

  private withdraw(start: WaitingStart): void {
    const index = this.waiting.indexOf(start);
    if (index >= 0) this.waiting.splice(index, 1);
  }

  /**
   * Busy threads whose execution computes: ended and about to be free (its end not yet read
   * here), too young to tell, or not yet long and keeping the thread's event loop mostly active.
   */
  private computing(): number {
    const now = performance.now();
    let count = 0;
    for (const [thread, { since, utilization }] of this.busy) {
      const age = now - since;
      if (Atomics.load(thread.running, 0) === 0 || age < SETTLE_MS) count++;
      else if (age < LONG_EXECUTION_MS && thread.worker.performance.eventLoopUtilization(utilization).utilization > COMPUTING_UTILIZATION) count++;
    }
    return count;
  }

  /** Starts loading a thread when a waiting start may compute and no warm thread is left, or to keep `spare` threads warm. */
  private boot(): void {
    if (this.closed || this.booting >= MAX_BOOTING) return;
    const wanted =
      this.waiting.length > 0 ? this.idle.size === 0 && this.computing() + this.booting < MAX_COMPUTING : this.booting + this.idle.size < this.spare;
    if (!wanted) return;
    this.booting += 1;
    const running = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
    const thread: ExecutionThread = { worker: createWorker(this.maxMemoryMb, running), running: new Int32Array(running), holdings: new ThreadHoldings() };
    const { worker } = thread;
    this.all.add(thread);
    let loading = true;
    const loaded = () => {
      if (!loading) return false;
      loading = false;
      this.booting -= 1;
      return true;
    };
    worker.on('message', (message: FromWorker) => {
      if (message.kind === 'spans-lost') return reportSpansLost(message.reason, message.count);
      if (message.kind !== 'ready' || !loaded()) return;
      this.release(thread);
    });
    worker.once('exit', (code) => {
      this.all.delete(thread);
      // A thread that cannot even load fails the start that waited longest, instead of retrying forever.
      if (loaded()) this.waiting.shift()?.fail(`the execution's thread did not start (exit code ${code})`);
      this.admit();
    });
    // A thread that fails to load reports through 'exit'; its 'error' must not crash the service.
    worker.on('error', () => undefined);
  }

  /** A thread is free: it waits warm (up to `MAX_IDLE`, for `IDLE_MS`) unless a waiting start takes it now. */
  private release(thread: ExecutionThread): void {
    this.busy.delete(thread);
    if (this.closed || (this.idle.size >= MAX_IDLE && this.waiting.length === 0)) return this.discard(thread);
    const expire = setTimeout(() => {
      this.idle.delete(thread);
      this.discard(thread);
    }, IDLE_MS);
    expire.unref();
    this.idle.set(thread, expire);
    // A warm thread must not keep the process alive.
    thread.worker.unref();
    this.admit();
  }

  private discard(thread: ExecutionThread): void {
    this.busy.delete(thread);
    this.all.delete(thread);
    void thread.worker.terminate();
  }
}
