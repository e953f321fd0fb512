import { LimitExceeded } from './errors.ts';
import { setKey, type Obj, type V } from './values.ts';

/**
 * Checks an output against the size and nesting limits and returns it as JSON: NaN becomes null and
 * infinities become ±DBL_MAX, as jq prints them. Returns the output's approximate JSON size in bytes.
 */
export function measureOutput(v: V, maxDepth: number): { value: V; bytes: number } {
  let bytes = 0;
  let nonFinite = false;
  const visit = (x: V, depth: number): void => {
    if (depth > maxDepth) throw new LimitExceeded(`jq output exceeded the maximum nesting depth of ${maxDepth}`);
    switch (typeof x) {
      case 'number':
        if (!Number.isFinite(x)) nonFinite = true;
        bytes += 8;
        return;
      case 'string':
        bytes += x.length + 2;
        return;
      case 'boolean':
        bytes += 5;
        return;
      default:
        if (x === null) bytes += 4;
        else if (Array.isArray(x)) {
          bytes += 2 + x.length;
          for (const e of x) visit(e, depth + 1);
        } else {
          bytes += 2;
          for (const k in x) {
            bytes += k.length + 4;
            visit(x[k]!, depth + 1);
          }
        }
    }
  };
  visit(v, 1);
  return { value: nonFinite ? finite(v) : v, bytes };
}

function finite(x: V): V {
  if (typeof x === 'number') return x !== x ? null : x === Infinity ? Number.MAX_VALUE : x === -Infinity ? -Number.MAX_VALUE : x;
  if (x === null || typeof x !== 'object') return x;
  if (Array.isArray(x)) return x.map(finite);
  const o: Obj = {};
  for (const k in x) setKey(o, k, finite(x[k]!));
  return o;
}
