import pc from 'picocolors';
import type { TaskStatus, WorkflowStatus } from '../../core/events.ts';
import { lastToken } from '../../core/pointer.ts';
import { formatDuration } from './format-duration.ts';
import type { TaskNode, TaskTree } from './task-tree-state.ts';

export interface RenderOptions {
  /** Current time (ms since the epoch): running tasks show how long they have run so far. */
  now: number;
  colour: boolean;
  /** Upper bound on the lines drawn; finished tasks are folded away first. Unlimited by default. */
  maxLines?: number;
}

type Colours = ReturnType<typeof pc.createColors>;

const ICONS: Record<TaskStatus | WorkflowStatus, string> = {
  pending: '○',
  running: '▶',
  waiting: '…',
  suspended: '⏸',
  cancelled: '⊘',
  faulted: '✗',
  completed: '✓',
  skipped: '↷',
};

function paint(colours: Colours, status: TaskStatus | WorkflowStatus, text: string): string {
  switch (status) {
    case 'running':
      return colours.cyan(text);
    case 'completed':
      return colours.green(text);
    case 'faulted':
      return colours.red(text);
    case 'cancelled':
    case 'suspended':
    case 'waiting':
      return colours.yellow(text);
    default:
      return colours.dim(text);
  }
}

function duration(startedAt: number | undefined, endedAt: number | undefined, now: number): string {
  if (startedAt === undefined) return '';
  return formatDuration((endedAt ?? now) - startedAt);
}

function label(node: TaskNode): string {
  const parts = [node.name];
  if (node.iteration !== undefined) parts.push(`[${node.iteration}]`);
  if (node.branch !== undefined) parts.push(`(branch ${node.branch})`);
  return parts.join(' ');
}

function errorSummary(error: TaskNode['error']): string {
  if (!error) return '';
  const type = typeof error.type === 'string' ? lastToken(error.type) : 'error';
  const status = error.status === undefined ? '' : ` ${String(error.status)}`;
  const detail = typeof error.detail === 'string' ? `: ${error.detail}` : '';
  return `${type}${status}${detail}`;
}

interface Row {
  depth: number;
  node: TaskNode;
}

function flatten(nodes: TaskNode[], depth: number, rows: Row[]): Row[] {
  for (const node of nodes) {
    rows.push({ depth, node });
    flatten(node.children, depth + 1, rows);
  }
  return rows;
}

const FINISHED = new Set<TaskStatus>(['completed', 'skipped']);

/** Drops the oldest finished rows until the tree fits, keeping running and failed tasks in view. */
function fit(rows: Row[], budget: number): { rows: Row[]; hidden: number } {
  if (rows.length <= budget) return { rows, hidden: 0 };
  const excess = rows.length - (budget - 1);
  const drop = new Set<Row>();
  for (const row of rows) {
    if (drop.size >= excess) break;
    if (FINISHED.has(row.node.status)) drop.add(row);
  }
  const kept = rows.filter((row) => !drop.has(row));
  return { rows: kept.slice(Math.max(0, kept.length - (budget - 1))), hidden: rows.length - Math.min(kept.length, budget - 1) };
}

/**
 * Draws the task tree as text: a header line for the workflow, then one line per task instance
 * (status icon, name with loop iteration or fork branch, status, duration, attempts, pointer),
 * nested under the task that runs it. Pure: the same tree, time and options give the same string.
 */
export function renderTaskTree(tree: TaskTree, options: RenderOptions): string {
  const colours = pc.createColors(options.colour);
  const { workflow } = tree;
  const title = workflow ? `${workflow.namespace}.${workflow.name}@${workflow.version}` : 'workflow';
  const header = [
    `${paint(colours, tree.status, ICONS[tree.status])} ${colours.bold(title)}`,
    paint(colours, tree.status, tree.status),
    colours.dim(duration(tree.startedAt, tree.endedAt, options.now)),
  ]
    .filter((part) => part !== '')
    .join('  ');

  const all = flatten(tree.roots, 1, []);
  const { rows, hidden } = fit(all, options.maxLines === undefined ? Number.POSITIVE_INFINITY : Math.max(2, options.maxLines - 1));
  const labelWidth = Math.max(0, ...rows.map((row) => row.depth * 2 + label(row.node).length));
  const lines = [header];
  if (hidden > 0) lines.push(colours.dim(`  … ${hidden} finished ${hidden === 1 ? 'task' : 'tasks'} not shown`));
  for (const { depth, node } of rows) {
    const indent = '  '.repeat(depth);
    const columns = [
      `${indent}${paint(colours, node.status, ICONS[node.status])} ${label(node).padEnd(labelWidth - indent.length)}`,
      paint(colours, node.status, node.status.padEnd(9)),
      duration(node.startedAt, node.endedAt, options.now).padStart(8),
      node.attempts > 1 ? colours.yellow(`${node.attempts} attempts`) : '',
      colours.dim(node.ref),
      node.status === 'faulted' ? colours.red(errorSummary(node.error)) : '',
    ];
    lines.push(columns.filter((column) => column !== '').join('  '));
  }
  return lines.join('\n');
}
