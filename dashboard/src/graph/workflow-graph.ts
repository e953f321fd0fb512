import type { SwitchCase, TaskDefinition, TaskKind, TaskList, WorkflowDocument } from '../../../src/core/model.ts';
import { childPointer } from '../../../src/core/pointer.ts';
import { taskKindOf } from '../../../src/core/task-kind.ts';

export const START = '__start';
export const END = '__end';

export interface GraphNode {
  /** The task's JSON Pointer (what progress events name as `subject`), or START / END. */
  id: string;
  label: string;
  kind: TaskKind | 'start' | 'end';
  /** The container task (do, for, fork, try) this task is nested in. */
  parentId?: string;
  /** Tasks of a `try`'s `catch.do` list. */
  inCatch?: boolean;
  /** Whether other tasks are nested inside. */
  container: boolean;
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  /** Switch case name, or `then` directive. */
  label?: string;
}

export interface WorkflowGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

function entries(list: TaskList | undefined): Array<[string, TaskDefinition]> {
  return (list ?? []).flatMap((item) => Object.entries(item));
}

/**
 * The whole task graph of a workflow document, before any of it runs: every task (nested ones
 * under their do/for/fork/try), sequence edges inside each task list, `switch` cases and `then`
 * jumps to their targets. Node ids are task pointers, so progress events colour them directly.
 */
export function buildWorkflowGraph(document: WorkflowDocument): WorkflowGraph {
  const nodes: GraphNode[] = [
    { id: START, label: 'start', kind: 'start', container: false },
    { id: END, label: 'end', kind: 'end', container: false },
  ];
  const edges: GraphEdge[] = [];
  const addEdge = (source: string, target: string, label?: string) => {
    const id = `${source}->${target}${label ? `:${label}` : ''}`;
    if (!edges.some((edge) => edge.id === id)) edges.push({ id, source, target, ...(label ? { label } : {}) });
  };

  /** Adds a task list's tasks; returns the pointer of its first task. `exitTo` is where `exit` and the list's end lead. */
  const addList = (list: TaskList | undefined, base: string, parentId: string | undefined, exitTo: string | undefined, inCatch = false): string | undefined => {
    const tasks = entries(list).map(([name, task], index) => ({ name, task, pointer: childPointer(base, index, name) }));
    const byName = new Map(tasks.map((entry) => [entry.name, entry.pointer]));
    const targetOf = (directive: string | undefined, index: number): string | undefined => {
      if (directive === undefined || directive === 'continue') return tasks[index + 1]?.pointer ?? exitTo;
      if (directive === 'exit') return exitTo;
      if (directive === 'end') return END;
      return byName.get(directive);
    };
    tasks.forEach(({ name, task, pointer }, index) => {
      const kind = taskKindOf(task) ?? 'do';
      const node: GraphNode = { id: pointer, label: name, kind, container: false };
      if (parentId) node.parentId = parentId;
      if (inCatch) node.inCatch = true;
      nodes.push(node);
      node.container = addChildren(task, kind, pointer);
      if (kind === 'switch') {
        for (const [caseName, switchCase] of (task as { switch: Array<Record<string, SwitchCase>> }).switch.flatMap((item) => Object.entries(item))) {
          const target = targetOf(switchCase.then, index);
          if (target) addEdge(pointer, target, caseName);
        }
      } else {
        const target = targetOf(task.then, index);
        if (target) addEdge(pointer, target, task.then && task.then !== 'continue' ? task.then : undefined);
      }
    });
    return tasks[0]?.pointer;
  };

  const addChildren = (task: TaskDefinition, kind: TaskKind, pointer: string): boolean => {
    switch (kind) {
      case 'do':
      case 'for':
        addList((task as { do: TaskList }).do, `${pointer}/do`, pointer, undefined);
        return true;
      case 'fork':
        // Branches run side by side: no edges between them.
        for (const [index, [name, branch]] of entries((task as { fork: { branches: TaskList } }).fork.branches).entries()) {
          const branchPointer = childPointer(`${pointer}/fork/branches`, index, name);
          const branchKind = taskKindOf(branch) ?? 'do';
          nodes.push({ id: branchPointer, label: name, kind: branchKind, parentId: pointer, container: false });
          nodes.at(-1)!.container = addChildren(branch, branchKind, branchPointer);
        }
        return true;
      case 'try': {
        const tryTask = task as { try: TaskList; catch?: { do?: TaskList } };
        addList(tryTask.try, `${pointer}/try`, pointer, undefined);
        addList(tryTask.catch?.do, `${pointer}/catch/do`, pointer, undefined, true);
        return true;
      }
      default:
        return false;
    }
  };

  const first = addList(document.do, '/do', undefined, END);
  addEdge(START, first ?? END);
  return { nodes, edges };
}
