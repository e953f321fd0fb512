import type { Json } from './json.ts';

/**
 * Continuing an execution in a new run (Temporal's continue-as-new): the interpreter pauses
 * before a task, at a point it can describe as plain JSON, and a later run resumes there with the
 * same data, `$context` and event sequence. A point is resumable when every enclosing construct
 * is a task list, a `do` or a `for` without its own timeout; fork branches, try blocks, retries
 * and timed tasks hold state (concurrency, attempts, deadlines) that a new run could not rebuild.
 */

/** A task list paused before the task at `index`, whose input is `data`. */
export interface ListResumeFrame {
  kind: 'list';
  pointer: string;
  index: number;
  data: Json;
}

/** A `do` or `for` task that had started: its raw and transformed input, and when it started. */
export interface TaskResumeFrame {
  kind: 'task';
  pointer: string;
  rawInput: Json;
  input: Json;
  startedAt: number;
}

/** A `for` loop paused in iteration `index` of `items` (evaluated once, when the loop started). */
export interface LoopResumeFrame {
  kind: 'for';
  pointer: string;
  index: number;
  items: Json[];
}

export type ResumeFrame = ListResumeFrame | TaskResumeFrame | LoopResumeFrame;

/** Everything a new run needs to go on where the previous one paused: plain JSON. */
export interface ResumePoint {
  /** From the top-level task list down to the list holding the next task. */
  frames: ResumeFrame[];
  context: Json;
  /** `seq` of the last event the previous runs reported: the new run numbers on from there. */
  lastSeq: number;
  /** When the execution started (epoch ms): `$workflow.startedAt` and the workflow timeout. */
  startedAt: number;
}

/**
 * Thrown before a task at a resumable point when the run should continue in a new one; each
 * enclosing construct adds its frame while it unwinds, so the outermost frame ends up first.
 * Never reported as a fault or a cancellation.
 */
export class ContinuationSignal extends Error {
  readonly frames: ResumeFrame[] = [];

  constructor() {
    super('the execution continues in a new run');
    this.name = 'ContinuationSignal';
  }

  /** Adds the frame of the construct the signal is leaving, and returns the signal to rethrow. */
  enclosedBy(frame: ResumeFrame): ContinuationSignal {
    this.frames.unshift(frame);
    return this;
  }
}

export function isContinuationSignal(error: unknown): error is ContinuationSignal {
  return error instanceof ContinuationSignal;
}

/**
 * Replays a resume point's frames top-down: each construct on the resumed path takes its own
 * frame (same kind, same pointer) as the run descends again, in the order they were recorded.
 */
export class ResumeCursor {
  #position = 0;

  constructor(private readonly frames: readonly ResumeFrame[] = []) {}

  take<K extends ResumeFrame['kind']>(kind: K, pointer: string): Extract<ResumeFrame, { kind: K }> | undefined {
    const frame = this.frames[this.#position];
    if (!frame || frame.kind !== kind || frame.pointer !== pointer) return undefined;
    this.#position += 1;
    return frame as Extract<ResumeFrame, { kind: K }>;
  }
}
