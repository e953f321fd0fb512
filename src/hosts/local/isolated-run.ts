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
import { effectPolicyToData } from './effect-policy-data.ts';
import { endEvents, LimitCounter, limitProblem, MIN_MEMORY_MB, type ExecutionLimits, type LimitName } from './execution-limits.ts';
import type { FromWorker, ToWorker, WorkerRunRequest } from './worker-protocol.ts';

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
 * A start waits this long for a busy thread to come free before a new thread loads for it: most
 * executions end within it, and loading a thread would cost more CPU than the wait.
 */
const BOOT_AFTER_WAIT_MS = 25;
/**
 * An execution holding its thread longer than this is a long one: it no longer counts among the
 * threads computing, so starts waiting behind runaway executions get a new thread.
 */
const LONG_EXECUTION_MS = 1_000;
/** A busy thread whose event loop was active more than this share of the time since its execution started is computing. */
const COMPUTING_UTILIZATION = 0.5;
/**
 * Computing threads beyond which a waiting start gets no new thread: two per core, because a
 * thread's active time includes time it waits for a core, so on a shared machine fewer would leave
 * starts queued behind threads that are only waiting to run.
 */
const MAX_COMPUTING = 2 * availableParallelism();

/** Resolves the worker entry next to this module: `.ts` from source (through tsx), `.js` from a build. */
function createWorker(maxMemoryMb: number | undefined): Worker {
  const self = import.meta.url;
  const fromSource = self.endsWith('.ts');
  const entry = new URL(`./execution-worker.${fromSource ? 'ts' : 'js'}`, self);
  const resourceLimits = maxMemoryMb !== undefined ? { maxOldGenerationSizeMb: maxMemoryMb } : undefined;
  const options = resourceLimits ? { resourceLimits } : {};
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
 * Runs executions on the local host, each in its own worker thread, so one execution cannot block
 * or exhaust the process that started it. The parent enforces the limits: it counts tasks and
 * events as they arrive, watches wall time and the thread's busy time, and terminates the thread
 * when one is exceeded; the execution then ends `faulted` with a `CAIRN_ERR_LIMIT` runtime error.
 * Threads whose execution ended normally run the next one. A start waits for a free thread; a new
 * thread loads for it only when fewer than `MAX_COMPUTING` busy ones are computing (the others wait
 * for I/O or timers, or run long executions), at most `MAX_BOOTING` at a time: under a burst of
 * short executions, loading threads would only take CPU from the executions.
 */
export class ExecutionWorkerPool {
  /** Warm threads, each with the timer that stops it when it stays unused. */
  private readonly idle = new Map<Worker, NodeJS.Timeout>();
  private readonly all = new Set<Worker>();
  private readonly waiting: Array<{ take: (worker: Worker) => void; fail: (detail: string) => void }> = [];
  /** Threads running an execution: when they took it, and their event-loop utilization then. */
  private readonly busy = new Map<Worker, { since: number; utilization: EventLoopUtilization }>();
  private booting = 0;
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
    let worker: Worker | undefined;
    const control: ToWorker[] = [];
    const send = (message: ToWorker) => (worker ? worker.postMessage(message) : control.push(message));
    let lastSeq = 0;
    let ended = false;
    let resolveDone!: (result: IsolatedResult) => void;
    const done = new Promise<IsolatedResult>((resolve) => (resolveDone = resolve));
    const timers: NodeJS.Timeout[] = [];
    const detach: Array<() => void> = [];

    const finish = (result: Omit<IsolatedResult, 'executionId' | 'lastSeq'>, keepWorker: boolean) => {
      if (ended) return;
      ended = true;
      for (const timer of timers) clearTimeout(timer);
      for (const undo of detach) undo();
      if (worker) {
        if (keepWorker) this.release(worker);
        else this.discard(worker);
      }
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

    const onMessage = (message: FromWorker) => {
      if (ended) return;
      switch (message.kind) {
        case 'events':
          for (const event of message.events) {
            const exceeded = counter.exceededBy(event);
            if (exceeded) return stopAt(exceeded);
            lastSeq = event.seq;
            options.onEvent?.(event);
          }
          return;
        case 'publish':
          bus.publish(message.event).catch(() => undefined);
          return;
        case 'finished': {
          const { kind: _kind, ...result } = message;
          return finish(result, true);
        }
        case 'crashed':
          return crashed(`the execution failed: ${message.message}`);
        case 'find-workflow': {
          const { requestId, namespace, name, version } = message;
          const answer = (reply: { document?: WorkflowDocument; error?: string }) => {
            if (!ended) send({ kind: 'workflow', requestId, ...reply });
          };
          Promise.resolve(options.workflows?.find(namespace, name, version)).then(
            (document) => answer(document ? { document } : {}),
            (error: unknown) => answer({ error: error instanceof Error ? error.message : String(error) }),
          );
          return;
        }
      }
    };
    const onError = (error: Error & { code?: string }) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY' && limits.maxMemoryMb !== undefined) stopAt('maxMemoryMb');
      else crashed(`the execution's thread failed: ${error.message}`);
    };
    const onExit = () => crashed("the execution's thread stopped unexpectedly");

    this.acquire((acquired) => {
      if (ended) return this.release(acquired);
      worker = acquired;
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      const unsubscribe = bus.subscribe((event) => send({ kind: 'cloudevent', event }));
      detach.push(unsubscribe, () => {
        acquired.off('message', onMessage);
        acquired.off('error', onError);
        acquired.off('exit', onExit);
      });
      if (limits.maxCpuMs !== undefined) {
        const budget = limits.maxCpuMs;
        const baseline = acquired.performance.eventLoopUtilization();
        timers.push(
          setInterval(() => {
            if (acquired.performance.eventLoopUtilization(baseline).active > budget) stopAt('maxCpuMs');
          }, CPU_CHECK_MS),
        );
      }
      const { executionId: _id, limits: _limits, bus: _bus, onEvent: _onEvent, effectPolicy, workflows, ...request } = options;
      send({
        kind: 'start',
        run: {
          ...request,
          executionId,
          document,
          input,
          ...(effectPolicy ? { effectPolicy: effectPolicyToData(effectPolicy) } : {}),
          ...(workflows ? { workflowsFromParent: true } : {}),
        },
      });
      for (const message of control.splice(0)) send(message);
    }, crashed);

    return {
      done,
      cancel: () => {
        if (ended) return;
        if (!worker) return endFromOutside('cancelled');
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
    await Promise.all([...this.all].map((worker) => worker.terminate()));
    this.all.clear();
    this.busy.clear();
    for (const timer of this.idle.values()) clearTimeout(timer);
    this.idle.clear();
  }

  private acquire(take: (worker: Worker) => void, fail: (detail: string) => void): void {
    const [worker, timer] = [...this.idle].pop() ?? [];
    if (worker) {
      clearTimeout(timer);
      this.idle.delete(worker);
      this.hand(worker, take);
      this.boot();
      return;
    }
    this.waiting.push({ take, fail });
    if (this.busy.size === 0) return this.boot();
    for (const delay of [BOOT_AFTER_WAIT_MS, LONG_EXECUTION_MS]) setTimeout(() => this.boot(), delay).unref();
  }

  private hand(worker: Worker, take: (worker: Worker) => void): void {
    this.busy.set(worker, { since: performance.now(), utilization: worker.performance.eventLoopUtilization() });
    worker.ref();
    take(worker);
  }

  /** Busy threads running a recent execution that kept their event loop mostly active. */
  private computing(): number {
    const now = performance.now();
    let count = 0;
    for (const [worker, { since, utilization }] of this.busy) {
      if (now - since < LONG_EXECUTION_MS && worker.performance.eventLoopUtilization(utilization).utilization > COMPUTING_UTILIZATION) count++;
    }
    return count;
  }

  /** Starts loading a thread when starts (and spares) are wanted and fewer than `MAX_BOOTING` load already. */
  private boot(): void {
    if (this.closed || this.booting >= MAX_BOOTING || this.booting + this.idle.size >= this.waiting.length + this.spare) return;
    if (this.waiting.length > 0 && this.computing() >= MAX_COMPUTING) return;
    this.booting += 1;
    const worker = createWorker(this.maxMemoryMb);
    this.all.add(worker);
    let loading = true;
    const loaded = () => {
      if (!loading) return false;
      loading = false;
      this.booting -= 1;
      return true;
    };
    worker.on('message', (message: FromWorker) => {
      if (message.kind !== 'ready' || !loaded()) return;
      this.release(worker);
      this.boot();
    });
    worker.once('exit', (code) => {
      this.all.delete(worker);
      // A thread that cannot even load fails the start that waited longest, instead of retrying forever.
      if (loaded()) this.waiting.shift()?.fail(`the execution's thread did not start (exit code ${code})`);
      this.boot();
    });
    // A thread that fails to load reports through 'exit'; its 'error' must not crash the service.
    worker.on('error', () => undefined);
  }

  /** A thread is free: the next waiting start takes it, or it waits warm (up to `MAX_IDLE`, for `IDLE_MS`). */
  private release(worker: Worker): void {
    this.busy.delete(worker);
    const next = this.waiting.shift();
    if (next) return this.hand(worker, next.take);
    if (this.closed || this.idle.size >= MAX_IDLE) return this.discard(worker);
    const expire = setTimeout(() => {
      this.idle.delete(worker);
      this.discard(worker);
    }, IDLE_MS);
    expire.unref();
    this.idle.set(worker, expire);
    // A warm thread must not keep the process alive.
    worker.unref();
  }

  private discard(worker: Worker): void {
    this.busy.delete(worker);
    this.all.delete(worker);
    void worker.terminate();
  }
}
