import type { Json, JsonObject } from '../../json.ts';
import { isJsonObject } from '../../json.ts';
import type { EffectRequest, ProcessReturn } from '../../effects.ts';
import { workflowError } from '../../errors.ts';
import type { Executor, TaskContext } from '../types.ts';
import type { ProcessOptions } from './process-fields.ts';
import { resolveContainer } from './container.ts';
import { resolveScript } from './script.ts';
import { resolveShell } from './shell.ts';
import { resolveWorkflow } from './workflow.ts';
import { effectOptions } from '../../execution.ts';

type ProcessResolver = (definition: JsonObject, options: ProcessOptions, input: Json, context: TaskContext) => EffectRequest;

/** One resolver per process type: each turns its definition into an effect request for the host. */
const resolvers: Record<string, ProcessResolver> = {
  container: resolveContainer,
  script: resolveScript,
  shell: resolveShell,
  workflow: resolveWorkflow,
};

const RETURNS: readonly ProcessReturn[] = ['stdout', 'stderr', 'code', 'all', 'none'];

/**
 * `run`: resolves the process into an effect request and has the host perform it. With
 * `await: false` the process is only started and the task outputs its (transformed) input.
 */
export const run: Executor<'run'> = async (task, input, context) => {
  const { pointer, execution, frame } = context;
  const type = Object.keys(resolvers).find((candidate) => isJsonObject(task.run[candidate]));
  if (type === undefined) throw workflowError('validation', 'run needs one of container, script, shell or workflow', { instance: pointer });
  const returns = task.run.return ?? 'stdout';
  if (!RETURNS.includes(returns as ProcessReturn)) {
    throw workflowError('validation', `run.return must be one of ${RETURNS.join(', ')}`, { instance: pointer });
  }
  const options: ProcessOptions = { await: task.run.await !== false, return: returns as ProcessReturn };
  const request = resolvers[type]!(task.run[type] as JsonObject, options, input, context);
  const result = await execution.perform(request, effectOptions(pointer, frame), frame.scope);
  return { output: options.await ? result : input };
};
