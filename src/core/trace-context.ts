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
  return hash64(`task:${executionId}:${task.pointer}:${iteration}:${task.attempt}`, 0);
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
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  // Zero is not a valid span or trace id.
  if (h1 === 0 && h2 === 0) h1 = 1;
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}
