import type { TaskNode, TaskTree } from '../../../src/cli/views/task-tree-state.ts';

/** The task a faulted run failed in: the innermost faulted instance, the latest one when several are. */
export function failingTask(tree: TaskTree): TaskNode | undefined {
  let found: TaskNode | undefined;
  for (const node of tree.nodes.values()) {
    if (node.status !== 'faulted') continue;
    const inner = !node.children.some((child) => child.status === 'faulted');
    if (inner && (!found || node.seq > found.seq)) found = node;
  }
  return found;
}
