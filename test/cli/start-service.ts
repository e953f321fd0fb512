import type { FastifyInstance } from 'fastify';
import { InProcessEventBus } from '../../src/bus/in-process-bus.ts';
import { loadDefaultEngine } from '../../src/jq/node/engine-choice.ts';
import { buildApp } from '../../src/service/app.ts';
import { LocalEngine } from '../../src/service/local-engine.ts';
import { createStoreWorkflowRegistry } from '../../src/service/store-workflow-registry.ts';
import { dashboardRoutes } from '../../src/service/routes/dashboard.ts';
import { openStore } from '../../src/store/open-store.ts';

export interface RunningService {
  url: string;
  token: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** The real execution service (in-memory SQLite, embedded local engine, dashboard routes) on 127.0.0.1 and a free port. */
export async function startService(options: { token?: string; port?: number } = {}): Promise<RunningService> {
  const token = options.token ?? 'test-api-token';
  const expressions = await loadDefaultEngine();
  const bus = new InProcessEventBus();
  const store = await openStore(':memory:');
  const app = await buildApp({
    store,
    engine: new LocalEngine({ inProcess: true, bus, workflows: createStoreWorkflowRegistry(store, expressions) }),
    expressions,
    bus,
    access: { apiTokens: [token], reportSecret: 'test-report-secret' },
    heartbeatMs: 1000,
    plugins: [async (instance) => dashboardRoutes(instance)],
  });
  await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    app,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}
