import type { JsonObject } from '../../../src/core/json.ts';
import { isJsonObject } from '../../../src/core/json.ts';

/** The task definition a pointer (`/do/1/wait/for/do/0/step`) names in a parsed document. */
export function taskAt(document: unknown, pointer: string): JsonObject | undefined {
  let current: unknown = document;
  for (const token of pointer.split('/').slice(1)) {
    const key = token.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      // Task lists are arrays of one-key objects: `/do/0/name` steps through index then name.
      current = current[Number(key)];
    } else if (isJsonObject(current)) current = current[key];
    else return undefined;
  }
  return isJsonObject(current) ? current : undefined;
}

/** The `with` of a `listen` task's first event filter, to prefill the send form. */
export function firstListenFilter(listen: JsonObject): JsonObject | undefined {
  const to = isJsonObject(listen.to) ? listen.to : undefined;
  if (!to) return undefined;
  const candidates = [to.one, ...(Array.isArray(to.any) ? to.any : []), ...(Array.isArray(to.all) ? to.all : [])];
  for (const candidate of candidates) if (isJsonObject(candidate) && isJsonObject(candidate.with)) return candidate.with;
  return undefined;
}
