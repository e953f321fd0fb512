import type { Json } from './json.ts';
import type { RetryPolicy } from './model.ts';
import type { ExpressionEvaluator, Variables } from './expr/evaluator.ts';
import { resolveDuration } from './resolve-duration.ts';

/** Everything needed to resolve the durations of a policy. */
export interface RetryEnvironment {
  evaluator: ExpressionEvaluator;
  input: Json;
  variables: Variables;
  pointer: string;
  random: () => number;
}

/**
 * Delay before retry number `retry` (0 for the first retry): `delay` shaped by the backoff
 * (constant: delay; linear: delay + increment × retry, increment defaulting to delay;
 * exponential: delay × factor^retry, factor defaulting to 2), plus a uniform jitter in [from, to].
 */
export function retryDelayMs(policy: RetryPolicy, retry: number, env: RetryEnvironment): number {
  const ms = (duration: Parameters<typeof resolveDuration>[0]) => resolveDuration(duration, env.evaluator, env.input, env.variables, env.pointer);
  const base = policy.delay !== undefined ? ms(policy.delay) : 0;
  let delay = base;
  if (policy.backoff?.exponential) {
    const factor = typeof policy.backoff.exponential.factor === 'number' ? policy.backoff.exponential.factor : 2;
    delay = base * factor ** retry;
  } else if (policy.backoff?.linear) {
    const increment = policy.backoff.linear.increment !== undefined ? ms(policy.backoff.linear.increment) : base;
    delay = base + increment * retry;
  }
  if (policy.jitter) {
    const from = ms(policy.jitter.from);
    const to = ms(policy.jitter.to);
    delay += from + env.random() * Math.max(0, to - from);
  }
  return Math.round(delay);
}

/**
 * Whether another attempt is allowed. `limit.attempt.count` is the maximum number of attempts,
 * the first one included; `limit.duration` bounds the time from the first attempt to the start
 * of the next one.
 */
export function mayRetry(policy: RetryPolicy, attemptsSoFar: number, elapsedMs: number, nextDelayMs: number, env: RetryEnvironment): boolean {
  const count = policy.limit?.attempt?.count;
  if (count !== undefined && attemptsSoFar >= count) return false;
  if (policy.limit?.duration !== undefined) {
    const limit = resolveDuration(policy.limit.duration, env.evaluator, env.input, env.variables, env.pointer);
    if (elapsedMs + nextDelayMs > limit) return false;
  }
  if (policy.when !== undefined && !env.evaluator.condition(policy.when, env.input, env.variables, env.pointer)) return false;
  if (policy.exceptWhen !== undefined && env.evaluator.condition(policy.exceptWhen, env.input, env.variables, env.pointer)) return false;
  return true;
}
