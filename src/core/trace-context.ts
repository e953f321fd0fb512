import type { TaskInstance } from './progress.ts';

/**
 * W3C trace context for an execution, computed from its identity alone: the trace id comes from
 * the start request's `traceparent` or is derived from the execution id, and every span id is a
 * hash of what the span stands for. A Temporal replay, a worker restart or a re-sent progress
 * batch therefore names the same spans again, never new ones.
 */
export interface TraceRoot {
  traceId: string;
  /** The caller's span (from the start request's `traceparent`): the execution span's parent. */
  parentSpanId?: string;
  sampled: boolean;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const INVALID_TRACE_ID = '0'.repeat(32);
const INVALID_SPAN_ID = '0'.repeat(16);

/** The trace an execution belongs to: under the caller's `traceparent` when one came with the start. */
export function traceRoot(executionId: string, traceparent?: string): TraceRoot {
  const parent = traceparent === undefined ? undefined : parseTraceparent(traceparent);
  if (parent) return parent;
  return { traceId: hash64(`trace:${executionId}`, 1) + hash64(`trace:${executionId}`, 2), sampled: true };
}

export function parseTraceparent(value: string): TraceRoot | undefined {
  const match = TRACEPARENT.exec(value.trim().toLowerCase());
  if (!match || match[1] === INVALID_TRACE_ID || match[2] === INVALID_SPAN_ID) return undefined;
  return { traceId: match[1]!, parentSpanId: match[2]!, sampled: (parseInt(match[3]!, 16) & 1) === 1 };
}

export function formatTraceparent(traceId: string, spanId: string, sampled: boolean): string {
  return `00-${traceId}-${spanId}-${sampled ? '01' : '00'}`;
}

/** The span of the whole execution. */
export function executionSpanId(executionId: string): string {
  return hash64(`execution:${executionId}`, 0);
}

/** The `traceparent` of the execution's span: the Temporal SDK's own spans for the execution go below it. */
export function executionTraceparent(root: TraceRoot, executionId: string): string {
  return formatTraceparent(root.traceId, executionSpanId(executionId), root.sampled);
}

/** The span of one task instance: pointer, loop iteration (the numbers, or the dotted text events carry) and retry attempt. */
export function taskSpanId(executionId: string, task: Omit<TaskInstance, 'iteration'> & { iteration: TaskInstance['iteration'] | string }): string {
  const iteration = typeof task.iteration === 'string' ? task.iteration : task.iteration.join('.');
  const lanes = taskSpanLanes(taskSpanIdPrefix(executionId, task.pointer), iteration, task.attempt);
  return hex(lanes.high, lanes.low);
}

/**
 * The hash state after a task's id text up to its iteration (`task:<execution>:<pointer>:`):
 * a loop's thousands of instances of one task hash only their iteration and attempt
 * (taskSpanLanes), and get the same ids as taskSpanId.
 */
export interface TaskSpanIdPrefix {
  readonly h1: number;
  readonly h2: number;
}

export function taskSpanIdPrefix(executionId: string, pointer: string): TaskSpanIdPrefix {
  return absorb({ h1: 0xdeadbeef, h2: 0x41c6ce57 }, `task:${executionId}:${pointer}:`);
}

/** A task span id as its two 32-bit halves (`high` first in the hex form and in the id's bytes). */
export interface SpanIdLanes {
  high: number;
  low: number;
}

/** The id of the instance (`iteration` as events carry it) of the task whose prefix is given; `into` is filled and returned. */
export function taskSpanLanes(prefix: TaskSpanIdPrefix, iteration: string, attempt: number, into: SpanIdLanes = { high: 0, low: 0 }): SpanIdLanes {
  // absorb() over `${iteration}:${attempt}`, inlined: a loop computes this once per instance.
  let { h1, h2 } = prefix;
  for (let index = 0; index <= iteration.length; index++) {
    const code = index < iteration.length ? iteration.charCodeAt(index) : 0x3a;
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  const digits = attempt < 10 && attempt >= 0 && Number.isInteger(attempt) ? undefined : String(attempt);
  if (digits === undefined) {
    h1 = Math.imul(h1 ^ (0x30 + attempt), 2654435761);
    h2 = Math.imul(h2 ^ (0x30 + attempt), 1597334677);
  } else
    for (let index = 0; index < digits.length; index++) {
      const code = digits.charCodeAt(index);
      h1 = Math.imul(h1 ^ code, 2654435761);
      h2 = Math.imul(h2 ^ code, 1597334677);
    }
  return finish({ h1, h2 }, into);
}

function hex(high: number, low: number): string {
  return (high >>> 0).toString(16).padStart(8, '0') + (low >>> 0).toString(16).padStart(8, '0');
}

/** The `traceparent` an effect of `task` carries: the task instance's span is the parent of the call. */
export function taskTraceparent(root: TraceRoot, executionId: string, task: TaskInstance): string {
  return formatTraceparent(root.traceId, taskSpanId(executionId, task), root.sampled);
}

/**
 * The span of the `seq`th Temporal span a workflow run starts in its sandbox (its run, a scheduled
 * activity, a handled signal…): the sandbox runs the same code in the same order on replay.
 */
export function workflowSpanId(runId: string, seq: number): string {
  return hash64(`temporal:${runId}:${seq}`, 0);
}

/** A 64-bit string hash (cyrb53's two 32-bit lanes, both kept) as 16 hex digits: sandbox-safe, the same on every host. */
function hash64(text: string, seed: number): string {
  const lanes = finish(absorb({ h1: 0xdeadbeef ^ seed, h2: 0x41c6ce57 ^ seed }, text), { high: 0, low: 0 });
  return hex(lanes.high, lanes.low);
}

function absorb(state: { h1: number; h2: number }, text: string): { h1: number; h2: number } {
  for (let index = 0; index < text.length; index++) absorbCode(state, text.charCodeAt(index));
  return state;
}

function absorbCode(state: { h1: number; h2: number }, code: number): void {
  state.h1 = Math.imul(state.h1 ^ code, 2654435761);
  state.h2 = Math.imul(state.h2 ^ code, 1597334677);
}

function finish({ h1, h2 }: { h1: number; h2: number }, into: SpanIdLanes): SpanIdLanes {
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  // Zero is not a valid span or trace id.
  if (h1 === 0 && h2 === 0) h1 = 1;
  into.high = h2 >>> 0;
  into.low = h1 >>> 0;
  return into;
}
