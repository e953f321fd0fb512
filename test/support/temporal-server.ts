import { startDevServer, type DevServer, type DevServerOptions } from '../../src/hosts/temporal/dev-server.ts';

export type { DevServer };

/**
 * A real Temporal dev server for one test file (`beforeAll(startTemporalServer)`, `afterAll(stop)`).
 * The CLI comes from `scripts/install-tools.sh`; a missing binary fails loudly rather than skipping.
 */
export function startTemporalServer(options: DevServerOptions = {}): Promise<DevServer> {
  return startDevServer({ startTimeoutMs: 90_000, ...options });
}
