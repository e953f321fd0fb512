import type { JsonObject } from '../json.ts';
import { isJsonObject } from '../json.ts';
import { workflowError } from '../errors.ts';
import type { Executor } from './types.ts';
import { effectOptions } from '../execution.ts';

/**
 * `emit`: builds the CloudEvent from `event.with` (expressions evaluated, `id`, `time` and
 * `specversion` filled in through the host, and a missing `source` (spec main) from the
 * workflow's identity), has the host publish it, and outputs the event.
 */
export const emit: Executor<'emit'> = async (task, input, { execution, variables, pointer, frame }) => {
  const written = execution.evaluator.template(task.emit.event.with, input, variables, pointer);
  // Spec main (after 1.0.3): `source` may be omitted; the runtime generates it from the workflow identity.
  const { namespace, name, version } = execution.document.document;
  const fields = isJsonObject(written) && written.source === undefined ? { source: `/${namespace}/${name}/${version}`, ...written } : written;
  if (!isJsonObject(fields) || typeof fields.source !== 'string' || typeof fields.type !== 'string') {
    throw workflowError('validation', 'an emitted event needs string `source` and `type` attributes', { instance: pointer });
  }
  const event: JsonObject = {
    specversion: '1.0',
    id: execution.host.uuid(),
    time: new Date(execution.host.now()).toISOString(),
    ...(fields.data !== undefined ? { datacontenttype: 'application/json' } : {}),
    ...fields,
  };
  const output = await execution.perform({ kind: 'emit', event }, effectOptions(pointer, frame), frame.scope);
  return { output };
};
