import fc from 'fast-check';
import { stringify } from 'yaml';
import { isJsonObject, type Json } from '../../src/core/json.ts';

/** Fragments that stress the YAML and JSON parsers when spliced into a document. */
const SYNTAX_NOISE = ['- ', ': ', '{', '}', '[', ']', '&a ', '*a', '!!binary ', '|', '>', "'", '"', '#', '\t', '\n', '---\n', '? ', '%YAML 1.2\n', '${', '}}', '\\u0000'];
const KEY_NOISE = ['do', 'then', 'set', 'call', 'for', 'in', 'each', 'try', 'catch', 'switch', 'when', 'raise', 'error', 'use', 'fork', 'branches', 'wait', 'if', 'input', 'output', 'as', 'from', 'x'];
const THEN_NOISE = ['continue', 'exit', 'end', 'init', 'loop', 'check', 'fail', 'guarded', 'report', 'nowhere'];

export type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'insertText'; at: number; text: string }
  | { kind: 'deleteText'; at: number; length: number }
  | { kind: 'dropKey'; pick: number }
  | { kind: 'renameKey'; pick: number; name: string }
  | { kind: 'replaceValue'; pick: number; value: Json }
  | { kind: 'swapTasks'; pick: number; other: number }
  | { kind: 'setThen'; pick: number; target: string };

export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insertText' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...SYNTAX_NOISE), fc.string({ maxLength: 12 })) }),
  fc.record({ kind: fc.constant('deleteText' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('dropKey' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('renameKey' as const), pick: fc.nat(), name: fc.oneof(fc.constantFrom(...KEY_NOISE), fc.string({ maxLength: 8 })) }),
  fc.record({
    kind: fc.constant('replaceValue' as const),
    pick: fc.nat(),
    value: fc.oneof(fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>, fc.constantFrom<Json>('${ .a | }', '${ . }', 'PT1S', '.items', [], {}, null)),
  }),
  fc.record({ kind: fc.constant('swapTasks' as const), pick: fc.nat(), other: fc.nat() }),
  fc.record({ kind: fc.constant('setThen' as const), pick: fc.nat(), target: fc.constantFrom(...THEN_NOISE) }),
);

/** Applies mutations in order; data mutations re-serialize the document as YAML or JSON. */
export function mutate(text: string, data: Json, mutations: readonly Mutation[], asJson: boolean): string {
  let current = text;
  let value: Json = structuredClone(data);
  let dataChanged = false;
  for (const mutation of mutations) {
    switch (mutation.kind) {
      case 'truncate':
        current = serialize();
        current = current.slice(0, mutation.at % (current.length + 1));
        break;
      case 'insertText': {
        current = serialize();
        const at = mutation.at % (current.length + 1);
        current = current.slice(0, at) + mutation.text + current.slice(at);
        break;
      }
      case 'deleteText': {
        current = serialize();
        const at = mutation.at % (current.length + 1);
        current = current.slice(0, at) + current.slice(at + mutation.length);
        break;
      }
      default:
        value = mutateData(value, mutation);
        dataChanged = true;
        current = '';
    }
  }
  return serialize();

  function serialize(): string {
    if (current !== '' || !dataChanged) return current;
    dataChanged = false;
    current = asJson ? JSON.stringify(value, null, 2) : stringify(value);
    return current;
  }
}

type Slot = { parent: Json[] | { [key: string]: Json }; key: string | number };

function slots(value: Json): Slot[] {
  const found: Slot[] = [];
  const visit = (node: Json): void => {
    if (Array.isArray(node)) node.forEach((item, i) => (found.push({ parent: node, key: i }), visit(item)));
    else if (isJsonObject(node)) for (const [key, item] of Object.entries(node)) (found.push({ parent: node, key }), visit(item));
  };
  visit(value);
  return found;
}

function mutateData(root: Json, mutation: Exclude<Mutation, { kind: 'truncate' | 'insertText' | 'deleteText' }>): Json {
  const all = slots(root);
  if (all.length === 0) return root;
  const slot = all[mutation.pick % all.length]!;
  const parent = slot.parent as Record<string | number, Json>;
  switch (mutation.kind) {
    case 'dropKey':
      if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
      else delete parent[slot.key];
      break;
    case 'renameKey':
      if (!Array.isArray(slot.parent)) {
        const item = parent[slot.key]!;
        delete parent[slot.key];
        parent[mutation.name] = item;
      }
      break;
    case 'replaceValue':
      parent[slot.key] = mutation.value;
      break;
    case 'swapTasks': {
      const lists = all.filter((s) => Array.isArray(s.parent));
      const a = lists[mutation.pick % Math.max(lists.length, 1)];
      if (a && Array.isArray(a.parent) && a.parent.length > 1) {
        const list = a.parent;
        const i = a.key as number;
        const j = mutation.other % list.length;
        [list[i], list[j]] = [list[j]!, list[i]!];
      }
      break;
    }
    case 'setThen': {
      const tasks = all.filter((s) => isJsonObject((s.parent as Record<string | number, Json>)[s.key]) && !Array.isArray(s.parent));
      const target = tasks[mutation.pick % Math.max(tasks.length, 1)];
      const task = target ? (target.parent as Record<string, Json>)[target.key] : undefined;
      if (isJsonObject(task)) task['then'] = mutation.target;
      break;
    }
  }
  return root;
}
