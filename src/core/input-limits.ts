import type { Json } from './json.ts';

/** Workflow inputs larger than this (serialized JSON bytes) are refused unless the operator says otherwise. */
export const DEFAULT_MAX_INPUT_BYTES = 4 * 1024 * 1024;

/** Nesting deeper than this is refused: every layer that walks data recursively (schemas, jq, stores) would overflow its stack. */
export const MAX_INPUT_DEPTH = 512;

/**
 * Why a workflow input is refused (its nesting depth or serialized size over the limit), or
 * undefined when it is accepted. Depth is measured without recursion, so deep input cannot
 * overflow the check itself.
 */
export function inputLimitViolation(input: Json, maxBytes: number): string | undefined {
  const pending: Array<[Json, number]> = [[input, 1]];
  while (pending.length > 0) {
    const [value, depth] = pending.pop()!;
    if (depth > MAX_INPUT_DEPTH) return `the workflow input is nested more than ${MAX_INPUT_DEPTH} levels deep`;
    if (value !== null && typeof value === 'object') {
      for (const item of Array.isArray(value) ? value : Object.values(value)) {
        if (item !== null && typeof item === 'object') pending.push([item, depth + 1]);
      }
    }
  }
  const bytes = new TextEncoder().encode(JSON.stringify(input)).byteLength;
  return bytes > maxBytes ? `the workflow input is ${bytes} bytes, more than the limit of ${maxBytes} (--max-input-bytes)` : undefined;
}
