import type { Json, JsonObject } from '../../json.ts';
import type { RunShellEffect } from '../../effects.ts';
import type { TaskContext } from '../types.ts';
import { resolveProcessFields, resolveText, type ProcessOptions } from './process-fields.ts';

/**
 * `run: shell`: the command is a shell script (it may itself be a runtime expression); arguments
 * stay separate argv entries (`$1`, `$2`… in the script), so input data never becomes shell syntax.
 */
export function resolveShell(definition: JsonObject, options: ProcessOptions, input: Json, context: TaskContext): RunShellEffect {
  return {
    kind: 'run.shell',
    command: resolveText(definition.command, 'run.shell.command', input, context),
    ...resolveProcessFields(definition, options, input, context),
  };
}
