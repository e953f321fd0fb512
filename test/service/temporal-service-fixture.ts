import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { InProcessEventBus } from '../../src/bus/in-process-bus.ts';
import type { WorkflowRegistry } from '../../src/effects/run/workflow-registry.ts';
import { connectWorker, createCairnWorker } from '../../src/hosts/temporal/worker.ts';
import type { ExpressionEngine } from '../../src/jq/engine.ts';
import { loadDefaultEngine } from '../../src/jq/node/engine-choice.ts';
import { buildApp } from '../../src/service/app.ts';
import { connectTemporalEngine } from '../../src/service/temporal-engine.ts';
import type { ExecutionStore } from '../../src/store/execution-store.ts';
import { openStore } from '../../src/store/open-store.ts';

/** The service on its Temporal engine (SQLite, listening on loopback) and one real Cairn worker reporting to it. */
export interface TemporalService {
  app: FastifyInstance;
  store: ExecutionStore;
  /** Stops the worker, then the service and its store (not the Temporal server). */
  close(): Promise<void>;
}

export async function startTemporalService(options: {
  /** The Temporal dev server's address. */
  address: string;
  taskQueue: string;
  apiToken: string;
  expressions?: ExpressionEngine;
  /** The worker's `run: workflow` children (`cairn worker --workflows`). */
  workflows?: WorkflowRegistry;
}): Promise<TemporalService> {
  const expressions = options.expressions ?? (await loadDefaultEngine());
  const store = await openStore(join(mkdtempSync(join(tmpdir(), `cairn-${options.taskQueue}-`)), 'cairn.db'));
  const bus = new InProcessEventBus();
  let serviceUrl = '';
  const engine = await connectTemporalEngine({
    address: options.address,
    taskQueue: options.taskQueue,
    bus,
    serviceUrl: () => serviceUrl,
    storedLastSeq: async (id) => (await store.getExecution(id))?.lastSeq ?? 0,
    log: (message, error) => console.error(message, error),
  });
  const app = await buildApp({ store, engine, expressions, bus, access: { apiTokens: [options.apiToken], reportSecret: `${options.taskQueue}-secret` } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  serviceUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  // The worker factory's `serviceUrl` (`cairn worker --service`) names where progress batches go.
  const workerConnection = await connectWorker(options.address);
  const worker = await createCairnWorker({ connection: workerConnection, taskQueue: options.taskQueue, serviceUrl, ...(options.workflows ? { workflows: options.workflows } : {}) });
  const running = worker.run();
  return {
    app,
    store,
    close: async () => {
      worker.shutdown();
      await running;
      await workerConnection.close();
      await app.close();
      await store.close();
    },
  };
}
