import { CancelledError } from '../core/errors.ts';

/**
 * Waits for shared work (a cached document download) on behalf of one caller: the caller's
 * cancellation rejects its wait only, and the work goes on for the others.
 */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  if (signal.aborted) return Promise.reject(new CancelledError(`${what} cancelled`));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new CancelledError(`${what} cancelled`));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
