import type { Json, JsonObject } from '../../json.ts';
import { isJsonObject } from '../../json.ts';
import type { ProcessEffectBase, ProcessReturn, SecretText } from '../../effects.ts';
import { isSecretReference } from '../../effects.ts';
import { workflowError } from '../../errors.ts';
import type { TaskContext } from '../types.ts';
import { secretAwareTemplate } from '../call/authentication.ts';

/** `run.await` and `run.return`, read once by the run executor and handed to every process resolver. */
export interface ProcessOptions {
  await: boolean;
  return: ProcessReturn;
}

/**
 * The fields shell, script and container processes share: `arguments` (each item evaluated on its
 * own and passed as one argv entry), `stdin`, `environment`, plus await/return.
 */
export function resolveProcessFields(definition: JsonObject, options: ProcessOptions, input: Json, context: TaskContext): ProcessEffectBase {
  const { execution, variables, pointer } = context;
  const evaluate = (value: Json | undefined) => execution.evaluator.template(value, input, variables, pointer);
  const fields: ProcessEffectBase = {
    argv: argumentList(evaluate(definition.arguments), pointer),
    environment: environmentMap(secretAwareTemplate(definition.environment ?? null, input, context), pointer),
    return: options.return,
    await: options.await,
  };
  if (definition.stdin !== undefined) {
    const stdin = evaluate(definition.stdin);
    if (stdin !== null) fields.stdin = typeof stdin === 'string' ? stdin : JSON.stringify(stdin);
  }
  return fields;
}

/** A string field that may be a runtime expression; `what` names it in errors. */
export function resolveText(value: Json | undefined, what: string, input: Json, context: TaskContext): string {
  const { execution, variables, pointer } = context;
  const resolved = execution.evaluator.template(value, input, variables, pointer);
  if (typeof resolved !== 'string' || resolved === '') {
    throw workflowError('validation', `${what} must be a non-empty string, got ${JSON.stringify(resolved)}`, { instance: pointer });
  }
  return resolved;
}

function argumentList(value: Json, pointer: string): string[] {
  if (value === null) return [];
  if (!Array.isArray(value)) throw workflowError('validation', 'run arguments must be a list', { instance: pointer });
  return value.map((item) => scalarText(item, 'run arguments', pointer));
}

/** Pass-through `map` fields (environment, ports, volumes): string keys, scalar values as text, nulls dropped. */
export function stringMap(value: Json, field: string, pointer: string): Record<string, string> {
  if (value === null) return {};
  if (!isJsonObject(value)) throw workflowError('validation', `run ${field} must be a map`, { instance: pointer });
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) if (item !== null) out[key] = scalarText(item, `run ${field}`, pointer);
  return out;
}

/** Environment values may be secrets: those stay `{ secret }` references until the process is spawned. */
function environmentMap(value: Json, pointer: string): Record<string, SecretText> {
  if (value === null) return {};
  if (!isJsonObject(value)) throw workflowError('validation', 'run environment must be a map', { instance: pointer });
  const environment: Record<string, SecretText> = {};
  for (const [name, item] of Object.entries(value)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw workflowError('validation', `environment variable name '${name}' is not valid`, { instance: pointer });
    }
    if (item !== null) environment[name] = isSecretReference(item) ? item : scalarText(item, 'run environment', pointer);
  }
  return environment;
}

function scalarText(value: Json, field: string, pointer: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw workflowError('validation', `${field} must hold strings, numbers or booleans, got ${JSON.stringify(value)}`, { instance: pointer });
}
