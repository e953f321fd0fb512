import { EVENT_TYPES, type ProgressEvent, type TaskStatus, type WorkflowStatus } from '../../core/events.ts';
import { isJsonObject, type Json, type JsonObject } from '../../core/json.ts';
import { lastToken } from '../../core/pointer.ts';

/** One failed attempt of a task instance (a retried `try`, or a task inside one). */
export interface AttemptRecord {
  /** 0 for the first run. */
  attempt: number;
  error?: JsonObject;
  startedAt?: number;
  endedAt: number;
  /** The backoff before the next attempt (on the `try` task that retried). */
  retryDelayMs?: number;
}

/** One task instance (task pointer plus loop iteration), folded from its events. */
export interface TaskNode {
  /** JSON Pointer of the task in the document. */
  ref: string;
  /** The task's name (last pointer token). */
  name: string;
  /** Loop iteration path ("1" or "1.0" in nested loops); absent outside loops. */
  iteration?: string;
  /** Nesting level: 0 for top-level tasks. */
  depth: number;
  /** Index of the fork branch this task is, when it is one. */
  branch?: number;
  status: TaskStatus;
  /** Milliseconds since the epoch, from the event times. */
  startedAt?: number;
  endedAt?: number;
  /** Number of runs: 1 for a task that never retried (0 before it starts). */
  attempts: number;
  input?: Json;
  output?: Json;
  /** Where the input/output are when the service stored them by reference (the value itself is then absent). */
  inputUri?: string;
  outputUri?: string;
  error?: JsonObject;
  /** Failed attempts, oldest first. */
  failedAttempts: AttemptRecord[];
  /** A `for` task's item count, known once the loop starts. */
  items?: number;
  /** The CloudEvents a `listen` consumed, as received (secret values redacted). */
  consumedEvents?: JsonObject[];
  /** Sequence number of the last event applied to this node. */
  seq: number;
  children: TaskNode[];
}

export interface TaskTree {
  workflow?: { namespace: string; name: string; version: string };
  status: WorkflowStatus;
  startedAt?: number;
  endedAt?: number;
  error?: JsonObject;
  output?: Json;
  /** Where the output is when the service stored it by reference. */
  outputUri?: string;
  /** Top-level task instances in the order they first appeared. */
  roots: TaskNode[];
  /** Every instance by `ref#iteration`. */
  nodes: Map<string, TaskNode>;
  lastSeq: number;
}

export function createTaskTree(): TaskTree {
  return { status: 'pending', roots: [], nodes: new Map(), lastSeq: 0 };
}

const instanceKey = (ref: string, iteration: string | undefined) => `${ref}#${iteration ?? ''}`;

/** Pointers of the tasks that enclose `ref`, nearest first (`/do/0/a/for/do/1/b` → `/do/0/a`). */
function ancestorTaskPointers(ref: string): string[] {
  const tokens = ref.split('/').slice(1);
  const found: string[] = [];
  // A task pointer ends with `<list>/<index>/<name>`: every shorter prefix ending with a name
  // that follows a numeric index (`do/0/name`, `branches/1/name`, `try/0/name`) is a task.
  for (let end = tokens.length - 1; end >= 2; end--) {
    if (/^\d+$/.test(tokens[end - 2]!)) found.push(`/${tokens.slice(0, end).join('/')}`);
  }
  return found;
}

/**
 * The instance a task instance is nested under: the nearest enclosing task's instance in the same
 * iteration, or, when the enclosing task is the `for` that started this iteration, the instance
 * one loop level up.
 */
function findParent(tree: TaskTree, ref: string, iteration: string | undefined): TaskNode | undefined {
  const levels = iteration === undefined ? [] : iteration.split('.');
  for (const pointer of ancestorTaskPointers(ref)) {
    for (let depth = levels.length; depth >= 0; depth--) {
      const parent = tree.nodes.get(instanceKey(pointer, depth === 0 ? undefined : levels.slice(0, depth).join('.')));
      if (parent) return parent;
    }
  }
  return undefined;
}

function timeOf(event: ProgressEvent): number {
  return Date.parse(event.time);
}

function nodeFor(tree: TaskTree, event: ProgressEvent & { subject: string }): TaskNode {
  const key = instanceKey(event.subject, event.iteration);
  const existing = tree.nodes.get(key);
  if (existing) return existing;
  const parent = findParent(tree, event.subject, event.iteration);
  const node: TaskNode = { ref: event.subject, name: lastToken(event.subject), depth: parent ? parent.depth + 1 : 0, status: 'pending', attempts: 0, failedAttempts: [], seq: event.seq, children: [] };
  if (event.iteration !== undefined) node.iteration = event.iteration;
  const branch = /\/fork\/branches\/(\d+)\/[^/]+$/.exec(event.subject);
  if (branch) node.branch = Number(branch[1]);
  tree.nodes.set(key, node);
  (parent ? parent.children : tree.roots).push(node);
  return node;
}

/** A value inline, or (stored by reference at the service) its `…Uri` in its place. */
function applyValue(target: { input?: Json; output?: Json; inputUri?: string; outputUri?: string }, data: JsonObject, field: 'input' | 'output'): void {
  const uriField = `${field}Uri` as const;
  if (data[field] !== undefined) {
    target[field] = data[field];
    delete target[uriField];
  } else if (typeof data[uriField] === 'string') {
    target[uriField] = data[uriField];
    delete target[field];
  }
}

function applyTaskEvent(node: TaskNode, event: ProgressEvent): void {
  const { data } = event;
  switch (event.type) {
    case EVENT_TYPES.taskStarted:
      node.status = 'running';
      // A retry restarts the clock: the duration shown is the current attempt's.
      if (node.startedAt === undefined || (event.attempt ?? 0) + 1 > node.attempts) node.startedAt = timeOf(event);
      node.attempts = Math.max(node.attempts, (event.attempt ?? 0) + 1);
      delete node.endedAt;
      delete node.error;
      return;
    case EVENT_TYPES.taskRetried: {
      const previous = node.failedAttempts.at(-1);
      const startedAt = previous ? previous.endedAt + (previous.retryDelayMs ?? 0) : node.startedAt;
      node.failedAttempts.push({
        attempt: Math.max(0, (event.attempt ?? 1) - 1),
        endedAt: timeOf(event),
        ...(startedAt !== undefined ? { startedAt } : {}),
        ...(isJsonObject(data.error) ? { error: data.error } : {}),
        ...(typeof data.retryDelayMs === 'number' ? { retryDelayMs: data.retryDelayMs } : {}),
      });
      node.attempts = Math.max(node.attempts, (event.attempt ?? 0) + 1);
      return;
    }
    case EVENT_TYPES.taskSuspended:
      node.status = 'suspended';
      return;
    case EVENT_TYPES.taskResumed:
      node.status = 'running';
      return;
    case EVENT_TYPES.taskCancelled:
      node.status = 'cancelled';
      node.endedAt = timeOf(event);
      return;
    case EVENT_TYPES.taskFaulted:
      node.status = 'faulted';
      node.endedAt = timeOf(event);
      if (isJsonObject(data.error)) node.error = data.error;
      node.failedAttempts.push({ attempt: event.attempt ?? 0, endedAt: node.endedAt, ...(node.startedAt !== undefined ? { startedAt: node.startedAt } : {}), ...(node.error ? { error: node.error } : {}) });
      return;
    case EVENT_TYPES.taskCompleted:
      node.status = 'completed';
      node.endedAt = timeOf(event);
      applyValue(node, data, 'output');
      return;
    case EVENT_TYPES.taskSkipped:
      node.status = 'skipped';
      node.endedAt = timeOf(event);
      return;
    case EVENT_TYPES.taskState:
      applyValue(node, data, 'input');
      applyValue(node, data, 'output');
      if (typeof data.items === 'number') node.items = data.items;
      if (Array.isArray(data.consumedEvents)) node.consumedEvents = data.consumedEvents.filter(isJsonObject);
      return;
    case EVENT_TYPES.taskStatusChanged:
      if (typeof data.status === 'string') node.status = data.status as TaskStatus;
      return;
  }
}

const WORKFLOW_STATUS_BY_TYPE: Partial<Record<string, WorkflowStatus>> = {
  [EVENT_TYPES.workflowStarted]: 'running',
  [EVENT_TYPES.workflowSuspended]: 'suspended',
  [EVENT_TYPES.workflowResumed]: 'running',
  [EVENT_TYPES.workflowCancelled]: 'cancelled',
  [EVENT_TYPES.workflowFaulted]: 'faulted',
  [EVENT_TYPES.workflowCompleted]: 'completed',
};

function applyWorkflowEvent(tree: TaskTree, event: ProgressEvent): void {
  const { data } = event;
  const status = WORKFLOW_STATUS_BY_TYPE[event.type];
  if (status) tree.status = status;
  if (event.type === EVENT_TYPES.workflowStarted) {
    tree.startedAt ??= timeOf(event);
    const definition = data.definition;
    if (isJsonObject(definition)) {
      tree.workflow = { namespace: String(definition.namespace), name: String(definition.name), version: String(definition.version) };
    }
  }
  if (status === 'completed' || status === 'faulted' || status === 'cancelled') {
    tree.endedAt = timeOf(event);
    applyValue(tree, data, 'output');
    if (isJsonObject(data.error)) tree.error = data.error;
  }
}

/** Applies one event (events must arrive in `seq` order; an event seen before is ignored). */
export function applyEvent(tree: TaskTree, event: ProgressEvent): TaskTree {
  if (event.seq <= tree.lastSeq) return tree;
  tree.lastSeq = event.seq;
  if (event.subject !== undefined && event.type.includes('.task.')) {
    const node = nodeFor(tree, event as ProgressEvent & { subject: string });
    applyTaskEvent(node, event);
    node.seq = event.seq;
  } else {
    applyWorkflowEvent(tree, event);
  }
  return tree;
}

export function foldTaskTree(events: Iterable<ProgressEvent>): TaskTree {
  const tree = createTaskTree();
  for (const event of events) applyEvent(tree, event);
  return tree;
}
