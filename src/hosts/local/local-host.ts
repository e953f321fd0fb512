import { randomUUID } from 'node:crypto';
import type { CancelScope, Host } from '../../core/host.ts';
import type { EffectOptions, EffectRequest } from '../../core/effects.ts';
import type { ProgressSink } from '../../core/events.ts';
import type { Json } from '../../core/json.ts';
import { CancelledError } from '../../core/errors.ts';
import { taskTraceparent, type TraceRoot } from '../../core/trace-context.ts';
import type { EventBus } from '../../bus/event-bus.ts';
import { performEffect } from '../../effects/perform-effect.ts';
import type { EffectPolicy } from '../../effects/effect-context.ts';
import type { SecretStore } from '../../secrets/secret-store.ts';
import { EventInbox } from './event-inbox.ts';
import { LocalCancelScope } from './local-scope.ts';
import type { LocalSuspension } from './suspension.ts';
import type { SubWorkflowRunner } from './sub-workflow.ts';

export interface LocalHostOptions {
  onEvent: ProgressSink;
  bus: EventBus;
  endpointRewrites?: Record<string, string>;
  /** Whether `run` tasks may start processes (shell, script, container); otherwise they fault with `authorization` (403). */
  allowProcesses?: boolean;
  /** The operator's secrets: performers resolve references from it and scrub its values from results and errors. */
  secrets?: SecretStore;
  /** Runs `run: workflow` sub-workflows; without it they fault with a configuration error. */
  runWorkflow?: SubWorkflowRunner;
  /** Lets the caller suspend and resume the execution between tasks. */
  suspension?: LocalSuspension;
  /** Egress, file and response-size limits for every effect. */
  effectPolicy?: EffectPolicy;
  /** When tracing is on: the execution's trace, so each effect carries its task's `traceparent`. */
  trace?: { root: TraceRoot; executionId: string };
}


/** The in-process host: the real clock, real timers, effects performed directly in this process. */
export function createLocalHost(options: LocalHostOptions): Host & { rootScope: LocalCancelScope } {
  const rootScope = new LocalCancelScope();
  const inbox = new EventInbox(options.bus);
  return {
    rootScope,
    now: () => Date.now(),
    uuid: () => randomUUID(),
    random: () => Math.random(),
    sleep: (ms, scope) => sleep(ms, asLocal(scope)),
    perform: (request: EffectRequest, effectOptions: EffectOptions, scope: CancelScope): Promise<Json> => {
      const local = asLocal(scope);
      if (local.cancelled) return Promise.reject(new CancelledError());
      return performEffect(request, {
        signal: local.signal,
        bus: options.bus,
        allowProcesses: options.allowProcesses === true,
        ...options.effectPolicy,
        ...(options.endpointRewrites ? { endpointRewrites: options.endpointRewrites } : {}),
        ...(options.runWorkflow && request.kind === 'run.workflow' ? { runWorkflow: (effect, signal) => options.runWorkflow!(effect, signal, effectOptions.task) } : {}),
        ...(options.secrets ? { secrets: options.secrets } : {}),
        ...(options.trace ? { traceparent: taskTraceparent(options.trace.root, options.trace.executionId, effectOptions.task) } : {}),
      });
    },
    nextEvent: (scope, timeoutMs) => inbox.next(asLocal(scope), timeoutMs),
    checkpoint: createCheckpoint(options.suspension),
    report: options.onEvent,
  };
}

/** Longest run of tasks between two yields to the event loop, in milliseconds. */
const YIELD_AFTER_MS = 4;

/**
 * Before each task: yields to the event loop once the execution has held it for `YIELD_AFTER_MS`,
 * so that timers (deadlines, cancel requests), requests and other executions still run beside a
 * workflow that loops through pure tasks (`then` jumping backwards) or runs long lists of them;
 * then holds the task while the execution is suspended.
 */
function createCheckpoint(suspension: LocalSuspension | undefined): NonNullable<Host['checkpoint']> {
  let lastYield = performance.now();
  const hold = (scope: CancelScope, notify: (change: 'suspended' | 'resumed') => void): Promise<void> | void => {
    if (scope.cancelled) throw new CancelledError();
    if (suspension?.suspended) return suspension.checkpoint(asLocal(scope), notify);
  };
  // Most tasks start at once: nothing to await, no promise made.
  return (scope, notify) => {
    if (performance.now() - lastYield < YIELD_AFTER_MS) return hold(scope, notify);
    return new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      lastYield = performance.now();
      return hold(scope, notify);
    });
  };
}

function sleep(ms: number, scope: LocalCancelScope): Promise<void> {
  return new Promise((resolve, reject) => {
    if (scope.cancelled) return reject(new CancelledError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CancelledError());
    };
    const timer = setTimeout(() => {
      scope.signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    scope.signal.addEventListener('abort', onAbort, { once: true });
  });
}

function asLocal(scope: CancelScope): LocalCancelScope {
  if (!(scope instanceof LocalCancelScope)) throw new TypeError('the local host only runs scopes it created');
  return scope;
}
