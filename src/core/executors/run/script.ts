import type { Json, JsonObject } from '../../json.ts';
import { isJsonObject } from '../../json.ts';
import type { RunScriptEffect } from '../../effects.ts';
import { workflowError } from '../../errors.ts';
import type { TaskContext } from '../types.ts';
import { resolveProcessFields, resolveText, type ProcessOptions } from './process-fields.ts';

const LANGUAGES: Record<string, RunScriptEffect['language']> = {
  js: 'js',
  javascript: 'js',
  python: 'python',
};

/** `run: script`: JavaScript or Python, inline `code` or an external `source`, with stdin, argv and environment. */
export function resolveScript(definition: JsonObject, options: ProcessOptions, input: Json, context: TaskContext): RunScriptEffect {
  const { pointer } = context;
  const language = typeof definition.language === 'string' ? LANGUAGES[definition.language.toLowerCase()] : undefined;
  if (!language) {
    throw workflowError('configuration', `script language ${JSON.stringify(definition.language)} is not supported (use js or python)`, { instance: pointer });
  }
  const effect: RunScriptEffect = { kind: 'run.script', language, ...resolveProcessFields(definition, options, input, context) };
  if (typeof definition.code === 'string') {
    effect.code = definition.code;
  } else if (isJsonObject(definition.source)) {
    const endpoint = definition.source.endpoint;
    const uri = isJsonObject(endpoint) ? endpoint.uri : endpoint;
    effect.source = resolveText(uri, 'run.script.source.endpoint', input, context);
  } else {
    throw workflowError('validation', 'run.script needs code or source', { instance: pointer });
  }
  return effect;
}
