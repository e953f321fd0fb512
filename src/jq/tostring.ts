import { dump, type V } from './values.ts';

/** jq's `tostring`: strings unchanged, everything else as compact JSON. */
export function tostring(v: V): string {
  return typeof v === 'string' ? v : dump(v);
}
