import type { Json, JsonObject } from '../../json.ts';
import { isJsonObject } from '../../json.ts';
import type { RunContainerEffect } from '../../effects.ts';
import type { Duration } from '../../model.ts';
import { workflowError } from '../../errors.ts';
import { resolveDuration } from '../../resolve-duration.ts';
import type { TaskContext } from '../types.ts';
import { resolveProcessFields, resolveText, stringMap, type ProcessOptions } from './process-fields.ts';

const PULL_POLICIES = ['ifNotPresent', 'always', 'never'] as const;
const CLEANUP_POLICIES = ['always', 'never', 'eventually'] as const;

/** `run: container`: image, command, ports, volumes, environment, stdin, arguments, lifetime, pull policy. */
export function resolveContainer(definition: JsonObject, options: ProcessOptions, input: Json, context: TaskContext): RunContainerEffect {
  const { execution, variables, pointer } = context;
  const evaluate = (value: Json | undefined) => execution.evaluator.template(value, input, variables, pointer);
  const effect: RunContainerEffect = {
    kind: 'run.container',
    image: resolveText(definition.image, 'run.container.image', input, context),
    name: definition.name === undefined ? conventionalName(context) : resolveText(definition.name, 'run.container.name', input, context),
    ports: stringMap(evaluate(definition.ports), 'container ports', pointer),
    volumes: stringMap(evaluate(definition.volumes), 'container volumes', pointer),
    cleanup: 'never',
    ...resolveProcessFields(definition, options, input, context),
  };
  if (definition.command !== undefined) effect.command = resolveText(definition.command, 'run.container.command', input, context);
  if (definition.pullPolicy !== undefined) {
    const policy = PULL_POLICIES.find((candidate) => candidate === definition.pullPolicy);
    if (!policy) throw workflowError('validation', `unknown container pullPolicy ${JSON.stringify(definition.pullPolicy)}`, { instance: pointer });
    effect.pullPolicy = policy;
  }
  if (isJsonObject(definition.lifetime)) {
    const cleanup = CLEANUP_POLICIES.find((candidate) => candidate === (definition.lifetime as JsonObject).cleanup);
    if (!cleanup) throw workflowError('validation', 'container lifetime.cleanup must be always, never or eventually', { instance: pointer });
    effect.cleanup = cleanup;
    if (cleanup === 'eventually') {
      const after = definition.lifetime.after;
      if (after === undefined || after === null) throw workflowError('validation', 'container lifetime.cleanup eventually needs after', { instance: pointer });
      effect.cleanupAfterMs = resolveDuration(after as Duration, execution.evaluator, input, variables, pointer);
    }
  }
  return effect;
}

/**
 * The spec's recommended `{workflow.name}-{uuid}.{workflow.namespace}-{task.name}`, plus the loop
 * iteration and retry attempt so repeated runs do not collide, limited to characters docker accepts.
 */
function conventionalName({ execution, name, frame }: TaskContext): string {
  const iteration = frame.iteration.length > 0 ? `-${frame.iteration.join('.')}` : '';
  const attempt = frame.attempt > 0 ? `-retry${frame.attempt}` : '';
  return `${execution.instanceName}-${name}${iteration}${attempt}`.replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^[^A-Za-z0-9]+/, '');
}
