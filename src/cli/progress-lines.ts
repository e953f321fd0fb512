import pc from 'picocolors';
import { EVENT_TYPES, type ProgressEvent } from '../core/events.ts';
import { lastToken } from '../core/pointer.ts';

/**
 * Renders task progress as one line per transition (started, completed, faulted, …), indented by
 * nesting depth. Used on stderr by `cairn run`; colours only when the stream is a terminal.
 */
export function createProgressLinePrinter(write: (line: string) => void, colour: boolean): (event: ProgressEvent) => void {
  const colours = pc.createColors(colour);
  const startedAt = new Map<string, number>();
  const key = (event: ProgressEvent) => `${event.subject}#${event.iteration ?? ''}#${event.attempt ?? 0}`;
  return (event) => {
    if (!event.subject) return;
    const depth = Math.max(0, event.subject.split('/').length / 2 - 1.5);
    const indent = '  '.repeat(Math.floor(depth));
    const label = `${lastToken(event.subject)}${event.iteration !== undefined ? colours.dim(` [${event.iteration}]`) : ''}${event.attempt ? colours.dim(` attempt ${event.attempt + 1}`) : ''}`;
    const elapsed = () => {
      const started = startedAt.get(key(event));
      return started === undefined ? '' : colours.dim(` ${Date.parse(event.time) - started} ms`);
    };
    switch (event.type) {
      case EVENT_TYPES.taskStarted:
        startedAt.set(key(event), Date.parse(event.time));
        write(`${indent}${colours.cyan('▶')} ${label} ${colours.dim(event.subject)}`);
        break;
      case EVENT_TYPES.taskCompleted:
        write(`${indent}${colours.green('✓')} ${label}${elapsed()}`);
        break;
      case EVENT_TYPES.taskFaulted: {
        const error = event.data.error as { type?: string; status?: number } | undefined;
        write(`${indent}${colours.red('✗')} ${label}${elapsed()} ${colours.red(`${lastToken(error?.type ?? '')} ${error?.status ?? ''}`.trim())}`);
        break;
      }
      case EVENT_TYPES.taskCancelled:
        write(`${indent}${colours.yellow('⊘')} ${label} cancelled${elapsed()}`);
        break;
      case EVENT_TYPES.taskSkipped:
        write(`${indent}${colours.dim('↷')} ${label} ${colours.dim('skipped')}`);
        break;
      case EVENT_TYPES.taskRetried:
        write(`${indent}${colours.yellow('↻')} ${label} retrying`);
        break;
      default:
        break;
    }
  };
}
