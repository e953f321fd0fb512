import { EXIT } from './exit-codes.ts';

/**
 * Ctrl-C (SIGINT) for a command that ends cleanly: the first one calls `onInterrupt` (abort the
 * run, stop following), a second one exits at once with the cancelled code. The listener stays
 * registered until disposed: with `process.once`, signal-exit (used by the terminal view's
 * cursor handling) would see no other listener and re-raise the signal, killing the process with 130.
 */
export function handleInterrupt(onInterrupt: () => void): { readonly interrupted: boolean; dispose(): void } {
  let interrupted = false;
  const listener = () => {
    if (interrupted) {
      process.stderr.write('cancelled\n');
      process.exit(EXIT.cancelled);
    }
    interrupted = true;
    onInterrupt();
  };
  process.on('SIGINT', listener);
  return {
    get interrupted() {
      return interrupted;
    },
    dispose: () => process.off('SIGINT', listener),
  };
}
