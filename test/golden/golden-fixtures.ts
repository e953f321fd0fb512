import { startConformanceFixtures } from '../fixtures/conformance-fixtures.ts';
import { GOLDEN_ORIGIN, startGoldenServer } from '../fixtures/golden-server.ts';

export interface GoldenFixtures {
  /** Public origins the goldens name (petstore, httpbin, golden.test) → loopback fixture servers. */
  endpointRewrites: Record<string, string>;
  close(): Promise<void>;
}

/** Starts every loopback server the HTTP goldens call. */
export async function startGoldenFixtures(): Promise<GoldenFixtures> {
  const [conformance, golden] = await Promise.all([startConformanceFixtures(), startGoldenServer()]);
  return {
    endpointRewrites: { ...conformance.endpointRewrites, [GOLDEN_ORIGIN]: golden.url },
    close: async () => {
      await Promise.all([conformance.close(), golden.close()]);
    },
  };
}
