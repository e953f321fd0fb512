import type { Json } from './json.ts';
import type { TaskDefinition, TaskList } from './model.ts';
import type { Frame, Execution } from './execution.ts';
import type { ListOutcome } from './executors/types.ts';
import { childPointer } from './pointer.ts';
import { runTask } from './run-task.ts';
import { workflowError } from './errors.ts';
import { isContinuationSignal } from './continuation.ts';

/**
 * Runs a task list in order, following flow directives: `continue` goes on, `exit` leaves this
 * list, `end` ends the workflow, a task name jumps (forward or backward) within this list.
 * Each task's output is the next task's input.
 */
export async function runTaskList(execution: Execution, list: TaskList, listPointer: string, input: Json, frame: Frame): Promise<ListOutcome> {
  const entries = listEntries(list);
  const resumed = execution.resume.take('list', listPointer);
  let data = resumed ? resumed.data : input;
  let index = resumed ? resumed.index : 0;
  while (index < entries.length) {
    const [name, task] = entries[index]!;
    let outcome;
    try {
      outcome = await runTask(execution, name, task, childPointer(listPointer, index, name), data, frame);
    } catch (error) {
      throw isContinuationSignal(error) ? error.enclosedBy({ kind: 'list', pointer: listPointer, index, data }) : error;
    }
    data = outcome.output;
    if (outcome.ended) return { output: data, ended: true };
    const directive = outcome.then ?? 'continue';
    if (directive === 'continue') index += 1;
    else if (directive === 'exit') return { output: data, ended: false, exited: true };
    else if (directive === 'end') return { output: data, ended: true };
    else {
      const target = entries.findIndex(([candidate]) => candidate === directive);
      if (target < 0) {
        throw workflowError('configuration', `flow directive 'then: ${directive}' names no task in this list`, {
          instance: childPointer(listPointer, index, name),
        });
      }
      index = target;
    }
  }
  return { output: data, ended: false };
}

/** A loop body's list runs once per iteration: its entries are worked out once (documents are never mutated). */
const entriesOf = new WeakMap<TaskList, Array<[string, TaskDefinition]>>();

function listEntries(list: TaskList): Array<[string, TaskDefinition]> {
  let entries = entriesOf.get(list);
  if (!entries) {
    entries = list.map((entry) => Object.entries(entry)[0]!);
    entriesOf.set(list, entries);
  }
  return entries;
}
