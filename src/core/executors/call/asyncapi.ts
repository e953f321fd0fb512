import type { Json, JsonObject } from '../../json.ts';
import { isJsonObject } from '../../json.ts';
import type { CallTask, Duration, TaskList } from '../../model.ts';
import type { AsyncApiTarget } from '../../effects.ts';
import { isCancelledError, workflowError } from '../../errors.ts';
import { throwIfCancelled } from '../../cancellation.ts';
import { childPointer } from '../../pointer.ts';
import { resolveDuration } from '../../resolve-duration.ts';
import type { ExecutorResult, TaskContext } from '../types.ts';
import { resolveAuthentication } from './authentication.ts';
import { resolveUri } from './http.ts';
import { effectOptions } from '../../execution.ts';

interface Iterator {
  item?: string;
  at?: string;
  do?: TaskList;
  output?: { as?: string | JsonObject };
  export?: { as?: string | JsonObject };
}

/**
 * `call: asyncapi`. With `message` it publishes once (output: the message as sent). With
 * `subscription` it opens a subscription and pulls messages one at a time, so `filter`, `until`
 * (before each message), `while` (after each), `amount`, `for` and `foreach` are all decided here,
 * deterministically; the output is the array of consumed messages, each transformed by
 * `foreach.output.as` when set. `while` and `until` see that array so far as `.`.
 */
export async function runAsyncApiCall(task: CallTask, input: Json, context: TaskContext): Promise<ExecutorResult> {
  const args = task.with ?? {};
  const target = resolveTarget(args, input, context);
  const { execution, variables, pointer, frame } = context;
  const perform = (request: Parameters<typeof execution.perform>[0]) => execution.perform(request, effectOptions(pointer, frame), frame.scope);

  if (args.message !== undefined) {
    const message = execution.evaluator.template(args.message, input, variables, pointer);
    if (!isJsonObject(message)) throw workflowError('validation', 'call: asyncapi message must be a map', { instance: pointer });
    const headers = stringMap(message.headers, 'message.headers', pointer);
    const payload = message.payload;
    const sent = await perform({ kind: 'asyncapi.publish', ...target, message: { ...(payload === undefined ? {} : { payload }), headers } });
    return { output: sent };
  }

  const subscription = isJsonObject(args.subscription) ? args.subscription : undefined;
  const consume = isJsonObject(subscription?.consume) ? subscription.consume : undefined;
  if (!subscription || !consume) throw workflowError('validation', 'call: asyncapi needs a message or a subscription with consume', { instance: pointer });
  const amount = typeof consume.amount === 'number' ? consume.amount : undefined;
  const whileCondition = typeof consume.while === 'string' ? consume.while : undefined;
  const untilCondition = typeof consume.until === 'string' ? consume.until : undefined;
  const filter = typeof subscription.filter === 'string' ? subscription.filter : undefined;
  const forMs = consume.for === undefined ? undefined : resolveDuration(consume.for as Duration, execution.evaluator, input, variables, pointer);
  const iterator = isJsonObject(subscription.foreach) ? (subscription.foreach as unknown as Iterator) : undefined;

  const opened = await perform({ kind: 'asyncapi.subscribe', ...target });
  const id = isJsonObject(opened) ? opened.subscription : undefined;
  if (typeof id !== 'string') throw workflowError('runtime', 'the host opened no AsyncAPI subscription', { instance: pointer });
  const deadline = forMs === undefined ? undefined : execution.host.now() + forMs;
  const outputs: Json[] = [];
  let ended = false;
  try {
    for (;;) {
      if (amount !== undefined && outputs.length >= amount) break;
      if (untilCondition !== undefined && execution.evaluator.condition(untilCondition, outputs, variables, pointer)) break;
      const remaining = deadline === undefined ? undefined : deadline - execution.host.now();
      if (remaining !== undefined && remaining <= 0) break;
      const message = await perform({ kind: 'asyncapi.receive', subscription: id, ...(remaining === undefined ? {} : { timeoutMs: remaining }) });
      throwIfCancelled(frame.scope);
      if (message === null) break;
      if (filter !== undefined && !execution.evaluator.condition(filter, message, variables, pointer)) continue;
      if (iterator === undefined) outputs.push(message);
      else {
        const result = await iterate(iterator, message, outputs.length, context);
        outputs.push(result.output);
        if (result.ended) {
          ended = true;
          break;
        }
      }
      if (whileCondition !== undefined && !execution.evaluator.condition(whileCondition, outputs, variables, pointer)) break;
    }
  } finally {
    // A cancelled scope closes the subscription on the host's side by itself.
    if (!frame.scope.cancelled) {
      await perform({ kind: 'asyncapi.unsubscribe', subscription: id }).catch((error: unknown) => {
        if (!isCancelledError(error)) throw error;
      });
    }
  }
  return ended ? { output: outputs, ended } : { output: outputs };
}

/** Runs `foreach.do` for one message (input: the message), then `output.as` and `export.as`. */
async function iterate(iterator: Iterator, message: Json, index: number, context: TaskContext): Promise<{ output: Json; ended: boolean }> {
  const { execution, variables, pointer, frame } = context;
  const loopVariables = { [iterator.item ?? 'item']: message, [iterator.at ?? 'index']: index };
  let output = message;
  let ended = false;
  if (iterator.do !== undefined) {
    const outcome = await context.runList(iterator.do, childPointer(pointer, 'with', 'subscription', 'foreach', 'do'), message, {
      ...frame,
      iteration: [...frame.iteration, index],
      variables: { ...frame.variables, ...loopVariables },
    });
    output = outcome.output;
    ended = outcome.ended;
  }
  const scope = { ...variables, ...loopVariables };
  if (iterator.output?.as !== undefined) output = execution.evaluator.transform(iterator.output.as, output, scope, pointer);
  if (iterator.export?.as !== undefined) execution.context = execution.evaluator.transform(iterator.export.as, output, { ...scope, output }, pointer);
  return { output, ended };
}

function resolveTarget(args: JsonObject, input: Json, context: TaskContext): AsyncApiTarget {
  const { execution, variables, pointer } = context;
  const document = isJsonObject(args.document) ? args.document.endpoint : undefined;
  const uri = isJsonObject(document) ? document.uri : document;
  if (typeof uri !== 'string') throw workflowError('validation', 'call: asyncapi needs document.endpoint', { instance: pointer });
  const operation = typeof args.operation === 'string' ? args.operation : undefined;
  const channel = typeof args.channel === 'string' ? args.channel : undefined;
  if (operation === undefined && channel === undefined) throw workflowError('validation', 'call: asyncapi needs an operation (AsyncAPI 3) or a channel (AsyncAPI 2.6)', { instance: pointer });
  const server = isJsonObject(args.server) ? args.server : undefined;
  const serverName = server ? execution.evaluator.template(server.name, input, variables, pointer) : null;
  if (server && typeof serverName !== 'string') throw workflowError('validation', 'call: asyncapi server.name must be a string', { instance: pointer });
  const serverVariables = server ? stringMap(execution.evaluator.template(server.variables ?? {}, input, variables, pointer), 'server.variables', pointer) : {};
  const documentAuthentication = isJsonObject(document) ? document.authentication : undefined;
  const authentication = resolveAuthentication(args.authentication ?? documentAuthentication, input, context);
  return {
    document: resolveUri(uri, input, context),
    ...(operation === undefined ? {} : { operation }),
    ...(channel === undefined ? {} : { channel }),
    ...(typeof serverName === 'string' ? { server: { name: serverName, variables: serverVariables } } : {}),
    ...(typeof args.protocol === 'string' ? { protocol: args.protocol } : {}),
    ...(authentication ? { authentication } : {}),
  };
}

function stringMap(value: Json | undefined, field: string, pointer: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isJsonObject(value)) throw workflowError('validation', `call: asyncapi ${field} must be a map`, { instance: pointer });
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) if (item !== null) out[key] = typeof item === 'string' ? item : JSON.stringify(item);
  return out;
}
