import type { ErrorSpec } from '../model.ts';
import { authoredError, workflowError } from '../errors.ts';
import type { Executor } from './types.ts';

/**
 * `raise`: faults with the given error (inline, or named in `use.errors`); its fields may be
 * runtime expressions; `instance` defaults to the raising task's pointer.
 */
export const raise: Executor<'raise'> = async (task, input, { execution, variables, pointer }) => {
  const spec: ErrorSpec | undefined = typeof task.raise.error === 'string' ? execution.document.use?.errors?.[task.raise.error] : task.raise.error;
  if (!spec) throw workflowError('configuration', `error '${String(task.raise.error)}' is not defined in use.errors`, { instance: pointer });
  const resolved = execution.evaluator.template(spec as never, input, variables, pointer) as unknown as ErrorSpec;
  const status = Number(resolved.status);
  if (typeof resolved.type !== 'string' || !Number.isInteger(status)) {
    throw workflowError('validation', 'a raised error needs a string type and an integer status', { instance: pointer });
  }
  throw authoredError({
    type: resolved.type,
    status,
    instance: resolved.instance ?? pointer,
    ...(resolved.title === undefined ? {} : { title: text(resolved.title) }),
    ...(resolved.detail === undefined ? {} : { detail: text(resolved.detail) }),
  });
};

/** An expression may yield any JSON value: keep it readable rather than `[object Object]`. */
function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
