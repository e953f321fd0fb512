import type { EffectOptions, EffectRequest } from './effects.ts';
import type { ProgressEvent } from './events.ts';
import type { Json, JsonObject } from './json.ts';

/**
 * A unit of work that can be cancelled as a whole: a fork branch that lost the race, a task
 * that timed out, or the whole execution. Sleeps and effects started in a scope reject with
 * `CancelledError` when it (or any ancestor) is cancelled.
 */
export interface CancelScope {
  readonly cancelled: boolean;
  cancel(reason?: string): void;
  /** Creates a scope that is cancelled with this one, and can be cancelled on its own. */
  child(): CancelScope;
}

/**
 * Everything the interpreter needs from the outside world. The core never touches a clock,
 * randomness, timers or I/O except through this interface, so the same code runs in-process
 * (local host) and in Temporal's workflow sandbox (temporal host).
 */
export interface Host {
  /** Current time, epoch milliseconds (the workflow clock on Temporal). */
  now(): number;
  /** A fresh UUID (deterministic on replay on Temporal). */
  uuid(): string;
  /** A number in [0, 1) (deterministic on replay on Temporal); used for retry jitter. */
  random(): number;
  /** The execution's root scope. */
  readonly rootScope: CancelScope;
  /** Waits `ms` milliseconds; rejects with `CancelledError` when `scope` is cancelled. */
  sleep(ms: number, scope: CancelScope): Promise<void>;
  /** Performs an effect; rejects with `WorkflowError` (no `instance`) or `CancelledError`. */
  perform(request: EffectRequest, options: EffectOptions, scope: CancelScope): Promise<Json>;
  /**
   * The next CloudEvent delivered to this execution (`listen`). A scope's subscription starts at its
   * first call and ends when the scope is cancelled; events arriving in between are buffered in
   * arrival order, so none is lost while the caller is busy. Resolves undefined when `timeoutMs`
   * passes first; rejects with `CancelledError` when the scope is cancelled. Optional while hosts
   * adopt it: without it `listen` faults with a configuration error.
   */
  nextEvent?(scope: CancelScope, timeoutMs?: number): Promise<JsonObject | undefined>;
  /**
   * Awaited before each task starts: holds the execution while it is suspended (a suspended
   * workflow starts no new task; running ones go on). `notify` is called once per suspension and
   * once per resumption, however many branches wait, so the core reports them in its own sequence.
   * Rejects (or throws) `CancelledError` when the scope is cancelled. Returns nothing when the task
   * may start at once, so the core spends no await on it. Hosts without suspension omit it.
   */
  checkpoint?(scope: CancelScope, notify: (change: 'suspended' | 'resumed') => void): Promise<void> | void;
  /** Hands over a progress event. Never awaited: reporting must not block or fail the workflow. */
  report(event: ProgressEvent): void;
}
