import type { Json, JsonObject } from '../../json.ts';
import type { RunWorkflowEffect } from '../../effects.ts';
import type { TaskContext } from '../types.ts';
import { resolveText, type ProcessOptions } from './process-fields.ts';

/** `run: workflow`: which registered workflow to run (version defaults to `latest`) and its input. */
export function resolveWorkflow(definition: JsonObject, options: ProcessOptions, input: Json, context: TaskContext): RunWorkflowEffect {
  const { execution, variables, pointer } = context;
  return {
    kind: 'run.workflow',
    namespace: resolveText(definition.namespace, 'run.workflow.namespace', input, context),
    name: resolveText(definition.name, 'run.workflow.name', input, context),
    version: definition.version === undefined ? 'latest' : resolveText(definition.version, 'run.workflow.version', input, context),
    input: definition.input === undefined ? {} : execution.evaluator.template(definition.input, input, variables, pointer),
    await: options.await,
  };
}
