import type { TaskStatus } from '../../../src/core/events.ts';
import type { TaskNode, TaskTree } from '../../../src/cli/views/task-tree-state.ts';

/** What a graph node shows: the instances of one task pointer (loop iterations, fork branches, retries) folded together. */
export interface PointerSummary {
  status: TaskStatus;
  instances: TaskNode[];
  attempts: number;
  /** A `for` task's loop progress: iterations started of items (latest instance). */
  loop?: { started: number; items: number };
}

const ACTIVE: readonly TaskStatus[] = ['running', 'waiting', 'suspended'];

/** Groups the tree's instances by task pointer; a pointer is running while any of its instances runs, else it shows its latest instance. */
export function summarizeByPointer(tree: TaskTree): Map<string, PointerSummary> {
  const byPointer = new Map<string, PointerSummary>();
  for (const node of tree.nodes.values()) {
    const summary = byPointer.get(node.ref);
    if (!summary) {
      byPointer.set(node.ref, { status: node.status, instances: [node], attempts: node.attempts });
      continue;
    }
    summary.instances.push(node);
    summary.attempts = Math.max(summary.attempts, node.attempts);
  }
  for (const summary of byPointer.values()) {
    const active = summary.instances.find((node) => ACTIVE.includes(node.status));
    const latest = summary.instances.reduce((a, b) => (b.seq > a.seq ? b : a));
    const faulted = summary.instances.find((node) => node.status === 'faulted');
    summary.status = active?.status ?? (faulted && latest.status !== 'completed' ? 'faulted' : latest.status);
    if (latest.items !== undefined) summary.loop = { started: new Set(latest.children.map((child) => child.iteration)).size, items: latest.items };
  }
  return byPointer;
}
