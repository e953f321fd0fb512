import { startDevServer, type DevServer } from './dev-server.ts';

/** How long an idle dev server waits for the next run before it stops (back-to-back runs share one). */
const LINGER_MS = 5_000;

let server: Promise<DevServer> | undefined;
let users = 0;
let lingerTimer: NodeJS.Timeout | undefined;

/**
 * A dev server shared by the runs of this process that were given no address: started on first
 * use, stopped once no run has used it for `LINGER_MS` (and killed when the process exits).
 * Returns the address and a release function.
 */
export async function acquireDevServer(): Promise<{ address: string; release: () => Promise<void> }> {
  users += 1;
  clearTimeout(lingerTimer);
  if (!server) {
    const starting = startDevServer({ unref: true });
    server = starting;
    starting.catch(() => {
      if (server === starting) server = undefined;
    });
  }
  try {
    const { address } = await server;
    let released = false;
    return {
      address,
      release: async () => {
        if (released) return;
        released = true;
        await releaseOne();
      },
    };
  } catch (error) {
    users -= 1;
    throw error;
  }
}

async function releaseOne(): Promise<void> {
  users -= 1;
  if (users > 0 || !server) return;
  const current = server;
  lingerTimer = setTimeout(() => {
    if (users > 0 || server !== current) return;
    server = undefined;
    void current.then((started) => started.stop());
  }, LINGER_MS);
  lingerTimer.unref();
}
