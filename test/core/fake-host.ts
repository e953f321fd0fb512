import { setImmediate as nextMacrotask } from 'node:timers/promises';
import type { CancelScope, Host } from '../../src/core/host.ts';
import type { EffectRequest } from '../../src/core/effects.ts';
import type { ProgressEvent } from '../../src/core/events.ts';
import type { Json, JsonObject } from '../../src/core/json.ts';
import type { WorkflowDocument } from '../../src/core/model.ts';
import type { ExpressionEngine } from '../../src/jq/engine.ts';
import { CancelledError } from '../../src/core/errors.ts';
import { isJsonObject } from '../../src/core/json.ts';
import { unsealSecrets } from '../../src/core/secret-sealing.ts';
import { runWorkflow, type ContinuedRun, type SegmentOptions, type WorkflowResult } from '../../src/core/interpreter.ts';
import { createAjvSchemaValidator } from '../../src/data-schema/ajv-schema-validator.ts';

/**
 * A deterministic in-memory host for unit tests of the core (a fake: the real hosts need real
 * time). Time is virtual: `sleep` registers a timer, and `runOnFakeHost` advances the clock to
 * the earliest timer whenever the interpreter has nothing else to do. Ids and randomness come
 * from counters and a fixed sequence.
 */
export class FakeCancelScope implements CancelScope {
  private readonly listeners = new Set<() => void>();
  private readonly children = new Set<FakeCancelScope>();
  cancelled = false;

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    for (const child of this.children) child.cancel();
    for (const listener of this.listeners) listener();
    this.listeners.clear();
  }

  child(): FakeCancelScope {
    const child = new FakeCancelScope();
    if (this.cancelled) child.cancelled = true;
    else this.children.add(child);
    return child;
  }

  /** Runs `listener` once when the scope is cancelled; returns the function that unsubscribes it. */
  onCancel(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** What happened to one `sleep` call. */
export interface SleepRecord {
  ms: number;
  /** Virtual time when it was requested. */
  at: number;
  outcome: 'pending' | 'elapsed' | 'cancelled';
}

interface Timer {
  due: number;
  order: number;
  fire: () => void;
}

export interface FakeHostOptions {
  /** Virtual epoch milliseconds at the start (default 2026-01-01T00:00:00Z). */
  startAt?: number;
  /** The values `random()` returns, cycled (default [0.5]). */
  randoms?: number[];
  /** Answers effects (call, emit); the default echoes emitted events and fails anything else. */
  perform?: (request: EffectRequest) => Json | Promise<Json>;
  /** Cancels the execution after this many progress events (bounds runaway loops). */
  maxEvents?: number;
  /** What performers resolve sealed secret strings from (the run's `$secrets`). */
  secrets?: JsonObject;
}

export class FakeHost implements Host {
  readonly rootScope = new FakeCancelScope();
  readonly events: ProgressEvent[] = [];
  readonly sleeps: SleepRecord[] = [];
  readonly effects: EffectRequest[] = [];
  private clock: number;
  private timers: Timer[] = [];
  private timerOrder = 0;
  private uuids = 0;
  private randomIndex = 0;

  constructor(private readonly options: FakeHostOptions = {}) {
    this.clock = options.startAt ?? Date.UTC(2026, 0, 1);
  }

  now(): number {
    return this.clock;
  }

  uuid(): string {
    this.uuids += 1;
    return `00000000-0000-4000-8000-${String(this.uuids).padStart(12, '0')}`;
  }

  random(): number {
    const randoms = this.options.randoms ?? [0.5];
    const value = randoms[this.randomIndex % randoms.length]!;
    this.randomIndex += 1;
    return value;
  }

  sleep(ms: number, scope: CancelScope): Promise<void> {
    const record: SleepRecord = { ms, at: this.clock, outcome: 'pending' };
    this.sleeps.push(record);
    const fakeScope = scope as FakeCancelScope;
    return new Promise<void>((resolve, reject) => {
      if (fakeScope.cancelled) {
        record.outcome = 'cancelled';
        return reject(new CancelledError());
      }
      const timer: Timer = {
        due: this.clock + Math.max(0, ms),
        order: (this.timerOrder += 1),
        fire: () => {
          unsubscribe();
          record.outcome = 'elapsed';
          resolve();
        },
      };
      const unsubscribe = fakeScope.onCancel(() => {
        this.timers = this.timers.filter((candidate) => candidate !== timer);
        record.outcome = 'cancelled';
        reject(new CancelledError());
      });
      this.timers.push(timer);
    });
  }

  /** Requests as the core handed them over: secret values sealed (see secret-sealing.ts). */
  readonly sealedEffects: EffectRequest[] = [];

  async perform(sealed: EffectRequest, _options: unknown, scope: CancelScope): Promise<Json> {
    if (scope.cancelled) throw new CancelledError();
    this.sealedEffects.push(sealed);
    // As a performer does: sealed strings are joined again right before the effect happens.
    const request = unsealSecrets(sealed as unknown as Json, (path) => String(path.split('.').reduce<Json | undefined>((value, key) => (isJsonObject(value) ? value[key] : undefined), this.options.secrets ?? {}))) as unknown as EffectRequest;
    this.effects.push(request);
    if (this.options.perform) return this.options.perform(request);
    if (request.kind === 'emit') return request.event;
    throw new Error(`the fake host performs no ${request.kind} effects`);
  }

  report(event: ProgressEvent): void {
    this.events.push(event);
    if (this.options.maxEvents !== undefined && this.events.length >= this.options.maxEvents) this.rootScope.cancel();
  }

  /** Moves the virtual clock forward (never back) without firing anything. */
  setTime(epochMs: number): void {
    this.clock = Math.max(this.clock, epochMs);
  }

  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Fires the earliest timer due by `until`, advancing the virtual clock to it; false when there is none. */
  advance(until = Number.POSITIVE_INFINITY): boolean {
    this.timers.sort((a, b) => a.due - b.due || a.order - b.order);
    if (this.timers.length === 0 || this.timers[0]!.due > until) return false;
    const timer = this.timers.shift()!;
    this.clock = Math.max(this.clock, timer.due);
    timer.fire();
    return true;
  }
}

export interface FakeRunOptions extends FakeHostOptions {
  engine: ExpressionEngine;
  executionId?: string;
  secrets?: JsonObject;
  runtimeMetadata?: JsonObject;
  /** Gives up (and throws) after this many timers fired without the run settling. */
  maxTimers?: number;
  /** Cancels the execution from outside once this many virtual milliseconds have passed. */
  cancelAfterMs?: number;
}

export interface FakeRun {
  result: WorkflowResult;
  host: FakeHost;
}

/**
 * Runs a workflow on a fresh fake host, advancing virtual time only when the interpreter is idle
 * (every microtask drained), so timer order alone decides the interleaving.
 */
export async function runOnFakeHost(document: WorkflowDocument, input: Json, options: FakeRunOptions): Promise<FakeRun> {
  const host = new FakeHost(options);
  return { result: await drive(host, runWorkflow(document, input, host, runOptions(options)), options), host };
}

/** One run of an execution run in segments (continue-as-new), on a fresh fake host. */
export async function runSegmentOnFakeHost(
  document: WorkflowDocument,
  input: Json,
  options: FakeRunOptions,
  segment: SegmentOptions,
): Promise<{ result: WorkflowResult | ContinuedRun; host: FakeHost }> {
  const host = new FakeHost(options);
  return { result: await drive(host, runWorkflow(document, input, host, runOptions(options), segment), options), host };
}

function runOptions(options: FakeRunOptions) {
  return {
    executionId: options.executionId ?? 'fake-execution',
    engine: options.engine,
    schemas: createAjvSchemaValidator(),
    ...(options.secrets ? { secrets: options.secrets } : {}),
    ...(options.runtimeMetadata ? { runtimeMetadata: options.runtimeMetadata } : {}),
  };
}

/** Fires timers whenever the run is idle until it settles. */
async function drive<T>(host: FakeHost, run: Promise<T>, options: FakeRunOptions): Promise<T> {
  let settled = false;
  const running = run.finally(() => {
    settled = true;
  });
  let fired = 0;
  const maxTimers = options.maxTimers ?? 10_000;
  const cancelAt = options.cancelAfterMs === undefined ? undefined : host.now() + options.cancelAfterMs;
  for (;;) {
    await nextMacrotask();
    if (settled) break;
    if (fired >= maxTimers) throw new Error(`the run did not settle after ${maxTimers} timers`);
    if (host.advance(cancelAt)) {
      fired += 1;
    } else if (cancelAt !== undefined && !host.rootScope.cancelled) {
      host.setTime(cancelAt);
      host.rootScope.cancel();
    } else {
      throw new Error('the run is stuck: no timer pending and the workflow has not settled');
    }
  }
  return running;
}
