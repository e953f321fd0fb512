import { randomUUID } from 'node:crypto';
import type { AsyncApiMessage } from '../core/effects.ts';
import { CancelledError, workflowError, type WorkflowError } from '../core/errors.ts';

/** A transport's side of a subscription: it pushes messages, ends, or fails; `close` stops it. */
export interface MessageSource {
  close(): Promise<void>;
}

export interface MessageSink {
  push(message: AsyncApiMessage): void;
  end(error?: WorkflowError): void;
}

/**
 * An open subscription: messages that arrive before the workflow asks for them wait in a FIFO
 * queue (the spec's foreach must finish one message before the next).
 */
class Subscription implements MessageSink {
  readonly #queue: AsyncApiMessage[] = [];
  #waiter: (() => void) | undefined;
  #ended = false;
  #error: WorkflowError | undefined;
  source: MessageSource | undefined;

  push(message: AsyncApiMessage): void {
    if (this.#ended) return;
    this.#queue.push(message);
    this.#waiter?.();
  }

  end(error?: WorkflowError): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    this.#waiter?.();
  }

  /** The next message; null when the stream ended or `timeoutMs` passed first. */
  async next(timeoutMs: number | undefined, signal: AbortSignal): Promise<AsyncApiMessage | null> {
    while (this.#queue.length === 0) {
      // Cancellation first: a cancelled scope also closes the subscription, which is not "the stream ended".
      if (signal.aborted) throw new CancelledError('subscription cancelled');
      if (this.#error) throw this.#error;
      if (this.#ended) return null;
      const arrived = await new Promise<boolean>((resolve) => {
        const timer = timeoutMs === undefined ? undefined : setTimeout(() => settle(false), timeoutMs);
        const onAbort = () => settle(true);
        const settle = (value: boolean) => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          this.#waiter = undefined;
          resolve(value);
        };
        this.#waiter = () => settle(true);
        signal.addEventListener('abort', onAbort, { once: true });
      });
      if (!arrived) return null;
    }
    return this.#queue.shift()!;
  }
}

const open = new Map<string, Subscription>();
const idleTimers = new Map<string, ReturnType<typeof setTimeout>>();

/**
 * A subscription nobody reads from for this long is closed: on Temporal the task's cancellation
 * does not reach the activity that opened it, so an abandoned subscription must end by itself.
 */
const IDLE_CLOSE_MS = 5 * 60_000;

function armIdleTimer(id: string): void {
  clearTimeout(idleTimers.get(id));
  const timer = setTimeout(() => void closeSubscription(id), IDLE_CLOSE_MS);
  timer.unref();
  idleTimers.set(id, timer);
}

/**
 * Opens a subscription: `start` connects the transport, feeding the returned sink. The
 * subscription is closed when `closeSignal` aborts (the task's scope was cancelled).
 */
export async function openSubscription(start: (sink: MessageSink) => Promise<MessageSource>, closeSignal: AbortSignal): Promise<string> {
  const subscription = new Subscription();
  subscription.source = await start(subscription);
  const id = randomUUID();
  open.set(id, subscription);
  armIdleTimer(id);
  closeSignal.addEventListener('abort', () => void closeSubscription(id), { once: true });
  return id;
}

export async function receive(id: string, timeoutMs: number | undefined, signal: AbortSignal): Promise<AsyncApiMessage | null> {
  const subscription = open.get(id);
  if (!subscription) {
    throw workflowError('runtime', `AsyncAPI subscription ${id} is not open in this process (it was closed after ${IDLE_CLOSE_MS / 60_000} idle minutes, or the worker restarted)`);
  }
  clearTimeout(idleTimers.get(id));
  try {
    return await subscription.next(timeoutMs, signal);
  } finally {
    if (open.has(id)) armIdleTimer(id);
  }
}

export async function closeSubscription(id: string): Promise<void> {
  const subscription = open.get(id);
  if (!subscription) return;
  open.delete(id);
  clearTimeout(idleTimers.get(id));
  idleTimers.delete(id);
  subscription.end();
  await subscription.source?.close();
}
