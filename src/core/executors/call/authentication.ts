import type { Json, JsonObject } from '../../json.ts';
import { isJsonObject } from '../../json.ts';
import type { ResolvedAuthentication } from '../../effects.ts';
import { workflowError } from '../../errors.ts';
import type { TaskContext } from '../types.ts';

/**
 * Resolves an `authentication` block (inline, or `use: name` from `use.authentications`) into
 * basic or bearer credentials with expressions evaluated.
 */
export function resolveAuthentication(authentication: Json | undefined, input: Json, context: TaskContext): ResolvedAuthentication | undefined {
  if (authentication === undefined || authentication === null) return undefined;
  const { execution, variables, pointer } = context;
  let policy = authentication;
  if (isJsonObject(policy) && typeof policy.use === 'string') {
    const named = execution.document.use?.authentications?.[policy.use];
    if (!named) throw workflowError('configuration', `authentication '${policy.use}' is not defined in use.authentications`, { instance: pointer });
    policy = named;
  }
  const resolved = execution.evaluator.template(policy, input, variables, pointer);
  if (isJsonObject(resolved) && isJsonObject(resolved.basic)) {
    return { basic: { username: text(resolved.basic, 'username', pointer), password: text(resolved.basic, 'password', pointer) } };
  }
  if (isJsonObject(resolved) && isJsonObject(resolved.bearer)) {
    return { bearer: { token: text(resolved.bearer, 'token', pointer) } };
  }
  throw workflowError('configuration', 'only inline basic and bearer authentication are supported by this runtime so far', { instance: pointer });
}

function text(scheme: JsonObject, field: string, pointer: string): string {
  const value = scheme[field];
  if (typeof value !== 'string') throw workflowError('configuration', `authentication field '${field}' must be a string`, { instance: pointer });
  return value;
}
