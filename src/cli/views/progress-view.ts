import { createLogUpdate } from 'log-update';
import type { ProgressEvent } from '../../core/events.ts';
import { createPlainLinePrinter } from './plain-lines.ts';
import { applyEvent, createTaskTree } from './task-tree-state.ts';
import { renderTaskTree } from './task-tree.ts';

/** Shows the progress of one execution while its events arrive. */
export interface ProgressView {
  onEvent(event: ProgressEvent): void;
  /** Draws the final state and releases the terminal. */
  finish(): void;
}

export type ProgressMode = 'tree' | 'lines' | 'json';

export interface ProgressViewOptions {
  stream: NodeJS.WriteStream | (NodeJS.WritableStream & { isTTY?: boolean; rows?: number });
  /** `json` prints each event as one NDJSON line; otherwise a live tree on a terminal, plain lines elsewhere. */
  json?: boolean;
  /** Redraw period of the live tree, so running durations tick. */
  tickMs?: number;
}

export function progressMode(options: ProgressViewOptions): ProgressMode {
  if (options.json) return 'json';
  return options.stream.isTTY === true ? 'tree' : 'lines';
}

/**
 * The progress view `cairn run` and `cairn watch` draw on stderr: a task tree redrawn in place on
 * a terminal, one plain line per task transition when the stream is a pipe or file (so logs stay
 * readable), or the raw events as NDJSON for scripts.
 */
export function createProgressView(options: ProgressViewOptions): ProgressView {
  const { stream } = options;
  switch (progressMode(options)) {
    case 'json':
      return { onEvent: (event) => stream.write(`${JSON.stringify(event)}\n`), finish: () => {} };
    case 'lines': {
      return { onEvent: createPlainLinePrinter((line) => stream.write(`${line}\n`)), finish: () => {} };
    }
    case 'tree':
      return createLiveTree(stream as NodeJS.WriteStream, options.tickMs ?? 250);
  }
}

function createLiveTree(stream: NodeJS.WriteStream, tickMs: number): ProgressView {
  const tree = createTaskTree();
  const log = createLogUpdate(stream);
  let drawnAt = 0;
  const draw = () => {
    drawnAt = Date.now();
    log(renderTaskTree(tree, { now: drawnAt, colour: true, maxLines: Math.max(4, (stream.rows ?? 24) - 1) }));
  };
  // Events can arrive thousands per second: redraw at most once per tick for events, and on the
  // tick anyway so the durations of running tasks advance.
  const timer = setInterval(draw, tickMs);
  timer.unref();
  draw();
  return {
    onEvent(event) {
      applyEvent(tree, event);
      if (Date.now() - drawnAt >= tickMs / 4) draw();
    },
    finish() {
      clearInterval(timer);
      log.clear();
      stream.write(`${renderTaskTree(tree, { now: Date.now(), colour: true })}\n`);
      log.done();
    },
  };
}
