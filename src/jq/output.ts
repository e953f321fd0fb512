import { LimitExceeded } from './errors.ts';
import { setKey, type Obj, type V } from './values.ts';

/** Size, height and finiteness of a value: computed once per array or object, which jq never mutates. */
interface Measure {
  bytes: number;
  height: number;
  nonFinite: boolean;
}

const measured = new WeakMap<object, Measure>();
const NULL_MEASURE: Measure = { bytes: 4, height: 1, nonFinite: false };
const BOOLEAN_MEASURE: Measure = { bytes: 5, height: 1, nonFinite: false };

/**
 * Checks an output against the size and nesting limits and returns it as JSON: NaN becomes null and
 * infinities become ±DBL_MAX, as jq prints them. Returns the output's approximate JSON size in bytes.
 * Arrays and objects are measured once and remembered, so large data passed along unchanged from
 * task to task (`.items`) is not walked again on every evaluation.
 */
export function measureOutput(v: V, maxDepth: number): { value: V; bytes: number } {
  const { bytes, nonFinite } = measure(v, 1, maxDepth);
  return { value: nonFinite ? finite(v) : v, bytes };
}

function measure(x: V, depth: number, maxDepth: number): Measure {
  if (depth > maxDepth) throw depthExceeded(maxDepth);
  switch (typeof x) {
    case 'number':
      return { bytes: 8, height: 1, nonFinite: !Number.isFinite(x) };
    case 'string':
      return { bytes: x.length + 2, height: 1, nonFinite: false };
    case 'boolean':
      return BOOLEAN_MEASURE;
    default:
      break;
  }
  if (x === null) return NULL_MEASURE;
  const known = measured.get(x);
  if (known) {
    if (depth - 1 + known.height > maxDepth) throw depthExceeded(maxDepth);
    return known;
  }
  const result: Measure = { bytes: 2, height: 1, nonFinite: false };
  const add = (child: Measure, keyBytes: number): void => {
    result.bytes += child.bytes + keyBytes;
    result.height = Math.max(result.height, child.height + 1);
    result.nonFinite ||= child.nonFinite;
  };
  if (Array.isArray(x)) {
    for (const element of x) add(measure(element, depth + 1, maxDepth), 1);
  } else {
    for (const key in x) add(measure(x[key]!, depth + 1, maxDepth), key.length + 4);
  }
  measured.set(x, result);
  return result;
}

function depthExceeded(maxDepth: number): LimitExceeded {
  return new LimitExceeded(`jq output exceeded the maximum nesting depth of ${maxDepth}`);
}

function finite(x: V): V {
  if (typeof x === 'number') return x !== x ? null : x === Infinity ? Number.MAX_VALUE : x === -Infinity ? -Number.MAX_VALUE : x;
  if (x === null || typeof x !== 'object') return x;
  if (Array.isArray(x)) return x.map(finite);
  const o: Obj = {};
  for (const k in x) setKey(o, k, finite(x[k]!));
  return o;
}
