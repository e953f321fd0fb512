import { EVENT_TYPES, type ProgressEvent } from '../../core/events.ts';
import { applyEvent, createTaskTree, type TaskNode } from './task-tree-state.ts';
import { formatDuration } from './format-duration.ts';

function describe(node: TaskNode): string {
  const iteration = node.iteration === undefined ? '' : ` [${node.iteration}]`;
  const branch = node.branch === undefined ? '' : ` (branch ${node.branch})`;
  return `${node.name}${iteration}${branch}`;
}

function elapsed(node: TaskNode): string {
  return node.startedAt !== undefined && node.endedAt !== undefined ? ` ${formatDuration(node.endedAt - node.startedAt)}` : '';
}

/**
 * Task progress as one uncoloured line per transition (started, completed, faulted, retried…),
 * indented like the task tree, for logs and pipes where redrawing in place is impossible.
 */
export function createPlainLinePrinter(write: (line: string) => void): (event: ProgressEvent) => void {
  const tree = createTaskTree();
  return (event) => {
    applyEvent(tree, event);
    if (event.subject === undefined) return;
    const node = tree.nodes.get(`${event.subject}#${event.iteration ?? ''}`);
    if (!node) return;
    const indent = '  '.repeat(node.depth);
    const name = describe(node);
    switch (event.type) {
      case EVENT_TYPES.taskStarted:
        write(`${indent}▶ ${name} ${node.ref}${event.attempt ? ` attempt ${event.attempt + 1}` : ''}`);
        break;
      case EVENT_TYPES.taskCompleted:
        write(`${indent}✓ ${name}${elapsed(node)}`);
        break;
      case EVENT_TYPES.taskFaulted: {
        const error = node.error ?? {};
        write(`${indent}✗ ${name}${elapsed(node)} ${String(error.type ?? 'error')}${error.status === undefined ? '' : ` ${String(error.status)}`}`);
        break;
      }
      case EVENT_TYPES.taskCancelled:
        write(`${indent}⊘ ${name} cancelled${elapsed(node)}`);
        break;
      case EVENT_TYPES.taskSkipped:
        write(`${indent}↷ ${name} skipped`);
        break;
      case EVENT_TYPES.taskRetried:
        write(`${indent}↻ ${name} retrying (attempt ${node.attempts})`);
        break;
      case EVENT_TYPES.taskSuspended:
        write(`${indent}⏸ ${name} suspended`);
        break;
      case EVENT_TYPES.taskResumed:
        write(`${indent}▶ ${name} resumed`);
        break;
    }
  };
}
