/**
 * Changes to the generic workflow's commands, each gated by `patched(id)` so executions started on
 * an earlier version replay and go on as they began (test/temporal/histories/ holds such histories).
 * Each entry says why and since when; an entry goes away with `deprecatePatch` once no execution
 * started before it can still be running.
 */
export const PATCHES = {
  /**
   * Since 0.1.0 (2026-12-04): progress events leave through the worker's `cairnProgress` sink
   * instead of `reportProgress` local activities — no marker and no extra activation per batch,
   * which had doubled the worker's CPU per execution.
   */
  progressThroughSink: 'cairn-progress-through-sink',
  /**
   * Since 0.1.0 (2026-12-04): fewer promises per task (no await at the checkpoint when the task may
   * start at once, no scope switch for an effect in the current scope, no extension wrapper in a
   * document without extensions). Which of two racing branches or timers issues its command first
   * follows the microtask order, so an execution started before keeps its original promises.
   */
  fewerPromisesPerTask: 'cairn-fewer-promises-per-task',
} as const;
