import type { Json, JsonObject } from '../json.ts';
import { isJsonObject } from '../json.ts';
import type { CancelScope } from '../host.ts';
import { EVENT_TYPES } from '../events.ts';
import { workflowError } from '../errors.ts';
import { childPointer } from '../pointer.ts';
import { taskInstance } from '../execution.ts';
import { attributesMatch, deepEqual, orUndefined } from '../event-filter.ts';
import type { Executor, ExecutorResult, TaskContext } from './types.ts';

interface EventFilter {
  with?: JsonObject;
  correlate?: Record<string, { from: string; expect?: Json }>;
}

interface ConsumptionStrategy {
  all?: EventFilter[];
  any?: EventFilter[];
  one?: EventFilter;
  until?: string | ConsumptionStrategy;
}

type ReadMode = 'data' | 'envelope' | 'raw';

/** How many consumed events a `listen` reports with its state (a long `until` may consume many more). */
const REPORTED_EVENTS = 100;

/**
 * `listen`: consumes the CloudEvents delivered to the execution after the task started, per
 * `to.all` (each filter once), `to.any` (the first match, or every match until `until` holds or its
 * events arrive) or `to.one`. Filters match attributes (`with`) and correlation keys (`correlate`).
 * Each consumed event, read as data, envelope or raw, goes through `foreach` if set, in arrival
 * order. The output is the array of consumed (and iterated) events. Timeouts are the task timeout.
 */
export const listen: Executor<'listen'> = async (task, input, context) => {
  const { execution, pointer, frame } = context;
  const nextEvent = execution.host.nextEvent?.bind(execution.host);
  if (!nextEvent) throw workflowError('configuration', 'this host cannot receive events: listen is not available', { instance: pointer });
  const strategy = task.listen.to as ConsumptionStrategy | undefined;
  if (!isJsonObject(strategy)) throw workflowError('validation', 'listen needs `to`', { instance: pointer });
  const read = (task.listen.read ?? 'data') as ReadMode;
  if (!['data', 'envelope', 'raw'].includes(read)) throw workflowError('validation', `unknown listen.read '${String(read)}'`, { instance: pointer });

  const correlation = new Correlation(input, context);
  const main = new StrategyProgress(strategy, correlation, context);
  const until = strategy.any !== undefined ? strategy.until : undefined;
  const untilProgress = isJsonObject(until) ? new StrategyProgress(until, correlation, context) : undefined;
  const instance = taskInstance(pointer, frame);
  const listening: CancelScope = frame.scope.child();
  const subscribed = nextEvent(listening);
  execution.progress.emit(EVENT_TYPES.workflowCorrelationStarted, { name: execution.instanceName, startedAt: iso(execution.host.now()) }, instance);

  const consumed: Json[] = [];
  const received: JsonObject[] = [];
  // Consumed events' W3C trace contexts (CloudEvents distributed tracing): the listen's span links to them.
  const traceparents: string[] = [];
  const outputs: Json[] = [];
  let ended = false;
  try {
    for (let pending = subscribed; ; pending = nextEvent(listening)) {
      const event = await pending;
      if (event === undefined) continue;
      if (untilProgress?.offer(event)) {
        if (untilProgress.done) break;
        continue;
      }
      if (!main.offer(event)) continue;
      const item = readEvent(event, read);
      consumed.push(item);
      if (received.length < REPORTED_EVENTS) received.push(event);
      if (typeof event.traceparent === 'string') traceparents.push(event.traceparent);
      const iteration = await iterate(item, consumed.length - 1, task.foreach, context);
      outputs.push(iteration.output);
      if (iteration.ended) {
        ended = true;
        break;
      }
      if (typeof until === 'string') {
        if (execution.evaluator.condition(until, consumed, context.variables, pointer)) break;
      } else if (until === undefined && main.done) {
        break;
      }
    }
  } finally {
    listening.cancel('listen finished');
  }
  const keys = correlation.keys();
  execution.progress.emit(
    EVENT_TYPES.workflowCorrelationCompleted,
    {
      name: execution.instanceName,
      completedAt: iso(execution.host.now()),
      ...(keys ? { correlationKeys: keys } : {}),
      ...(traceparents.length > 0 ? { traceparents } : {}),
    },
    instance,
  );
  return { output: outputs, ended, consumedEvents: received };
};

/** Which filters of a strategy have consumed an event; `done` once the strategy is satisfied. */
class StrategyProgress {
  private readonly filters: EventFilter[];
  private readonly matched: boolean[];
  private readonly mode: 'all' | 'any' | 'one';
  private consumedAny = false;

  constructor(strategy: ConsumptionStrategy, private readonly correlation: Correlation, private readonly context: TaskContext) {
    if (Array.isArray(strategy.all)) [this.mode, this.filters] = ['all', strategy.all];
    else if (Array.isArray(strategy.any)) [this.mode, this.filters] = ['any', strategy.any];
    else if (isJsonObject(strategy.one)) [this.mode, this.filters] = ['one', [strategy.one]];
    else throw workflowError('validation', 'listen.to needs all, any or one', { instance: context.pointer });
    this.matched = this.filters.map(() => false);
  }

  get done(): boolean {
    return this.mode === 'all' ? this.matched.every(Boolean) : this.consumedAny;
  }

  /** Consumes the event when a filter still waiting for one matches it. */
  offer(event: JsonObject): boolean {
    if (this.mode === 'any' && this.filters.length === 0) return (this.consumedAny = true);
    for (let index = 0; index < this.filters.length; index += 1) {
      if (this.mode === 'all' && this.matched[index]) continue;
      const filter = this.filters[index]!;
      const { execution, variables, pointer } = this.context;
      if (!attributesMatch(filter.with ?? {}, event, (expression, value) => execution.evaluator.value(expression, value, variables, pointer))) continue;
      if (!this.correlation.accept(filter.correlate, event)) continue;
      this.matched[index] = true;
      this.consumedAny = true;
      return true;
    }
    return false;
  }
}

/**
 * Correlation keys of one listen: `from` is evaluated on the event envelope; `expect` (a constant or
 * an expression on the task input) is the value it must equal. Without `expect`, the first value
 * extracted for a key becomes its expectation for the rest of the listen.
 */
class Correlation {
  private readonly values = new Map<string, Json>();

  constructor(private readonly input: Json, private readonly context: TaskContext) {}

  accept(correlate: EventFilter['correlate'], event: JsonObject): boolean {
    if (!correlate) return true;
    const { execution, variables, pointer } = this.context;
    const fresh = new Map<string, Json>();
    for (const [key, definition] of Object.entries(correlate)) {
      const actual = orUndefined(() => execution.evaluator.value(definition.from, event, variables, pointer));
      if (actual === undefined || actual === null) return false;
      const expected = definition.expect !== undefined
        ? execution.evaluator.template(definition.expect, this.input, variables, pointer)
        : this.values.get(key);
      if (expected === undefined) fresh.set(key, actual);
      else if (!deepEqual(actual, expected)) return false;
      else fresh.set(key, actual);
    }
    for (const [key, value] of fresh) this.values.set(key, value);
    return true;
  }

  keys(): JsonObject | undefined {
    if (this.values.size === 0) return undefined;
    return Object.fromEntries([...this.values.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }
}

function readEvent(event: JsonObject, read: ReadMode): Json {
  if (read === 'envelope') return event;
  if (read === 'data') return event.data ?? null;
  if (typeof event.data_base64 === 'string') return event.data_base64;
  if (event.data === undefined || typeof event.data === 'string') return event.data ?? null;
  return JSON.stringify(event.data);
}

/** One `foreach` iteration: `do` on the item (item/index variables bound), then `output.as` and `export.as`. */
async function iterate(item: Json, index: number, foreach: JsonObject | undefined, context: TaskContext): Promise<ExecutorResult> {
  if (!foreach) return { output: item };
  const { execution, frame, pointer } = context;
  const itemName = typeof foreach.item === 'string' ? foreach.item : 'item';
  const indexName = typeof foreach.at === 'string' ? foreach.at : 'index';
  const loopVariables = { [itemName]: item, [indexName]: index };
  const variables = { ...context.variables, ...loopVariables };
  let output = item;
  let ended = false;
  if (Array.isArray(foreach.do)) {
    const outcome = await context.runList(foreach.do as never, childPointer(pointer, 'foreach', 'do'), item, {
      ...frame,
      iteration: [...frame.iteration, index],
      variables: { ...frame.variables, ...loopVariables },
    });
    output = outcome.output;
    ended = outcome.ended;
  }
  const outputSpec = isJsonObject(foreach.output) ? foreach.output : undefined;
  if (outputSpec?.as !== undefined) output = execution.evaluator.transform(outputSpec.as as string | JsonObject, output, variables, pointer);
  const exportSpec = isJsonObject(foreach.export) ? foreach.export : undefined;
  if (exportSpec?.as !== undefined) {
    execution.context = execution.evaluator.transform(exportSpec.as as string | JsonObject, output, { ...variables, context: execution.context }, pointer);
  }
  return { output, ended };
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
