import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { InProcessEventBus } from '../../src/bus/in-process-bus.ts';
import { loadDefaultEngine } from '../../src/jq/node/engine-choice.ts';
import { buildApp } from '../../src/service/app.ts';
import { LocalEngine } from '../../src/service/local-engine.ts';
import type { RetentionOptions } from '../../src/service/retention.ts';
import { createStoreWorkflowRegistry } from '../../src/service/store-workflow-registry.ts';
import type { ExecutionStore, StoreOptions } from '../../src/store/execution-store.ts';
import { openStore } from '../../src/store/open-store.ts';

export const API_TOKEN = 'test-api-token';
/** The URL the service says it has (tests `inject()`, so nothing listens there). */
export const SERVICE_URL = 'http://127.0.0.1:8080';
export const auth = { authorization: `Bearer ${API_TOKEN}` };

export interface TestService {
  app: FastifyInstance;
  store: ExecutionStore;
  bus: InProcessEventBus;
  /** The SQLite file. */
  location: string;
  close(): Promise<void>;
}

/** A real service (SQLite in a temporary folder, the embedded local engine) that tests `inject()` into or listen on loopback. */
export async function startTestService(
  options: {
    heartbeatMs?: number;
    location?: string;
    wrapStore?: (store: ExecutionStore) => ExecutionStore;
    endInterruptedExecutions?: boolean;
    storeOptions?: StoreOptions;
    retention?: RetentionOptions;
    /** Executions in worker threads, as `cairn serve` runs them (in-process by default: faster to start from source). */
    threads?: boolean;
    /** Where the service's JSON log lines go (none by default). */
    logStream?: NodeJS.WritableStream;
  } = {},
): Promise<TestService> {
  const location = options.location ?? join(mkdtempSync(join(tmpdir(), 'cairn-service-')), 'cairn.db');
  const store = await openStore(location, options.storeOptions);
  const expressions = await loadDefaultEngine();
  const bus = new InProcessEventBus();
  const app = await buildApp({
    store: options.wrapStore ? options.wrapStore(store) : store,
    // As `cairn serve` wires it: `run: workflow` children are the workflows registered at the service.
    engine: new LocalEngine({ inProcess: !options.threads, bus, workflows: createStoreWorkflowRegistry(store, expressions), serviceUrl: () => SERVICE_URL }),
    expressions,
    bus,
    access: { apiTokens: [API_TOKEN], reportSecret: 'test-report-secret' },
    ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
    ...(options.endInterruptedExecutions ? { endInterruptedExecutions: true } : {}),
    ...(options.retention ? { retention: options.retention } : {}),
    ...(options.logStream ? { logger: { level: 'info', stream: options.logStream } } : {}),
  });
  return {
    app,
    store,
    bus,
    location,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}

export const HELLO = `
document:
  dsl: '1.0.0'
  namespace: test
  name: hello
  version: '1.0.0'
do:
  - greet:
      set:
        greeting: \${ "hello " + .who }
  - shout:
      set:
        loud: \${ .greeting | ascii_upcase }
`;

/** Waits until the execution reaches a terminal status (polling the store; the service has no "wait" call). */
export async function waitForEnd(store: ExecutionStore, id: string): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const execution = await store.getExecution(id);
    if (execution && ['completed', 'faulted', 'cancelled'].includes(execution.status) && execution.lastSeq === execution.maxSeq) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`execution ${id} did not end`);
}

/** `/metrics` read now: the value of one series (name with its labels as Prometheus prints them), 0 when absent. */
export async function metricSeries(app: FastifyInstance): Promise<(name: string) => number> {
  const body = (await app.inject({ url: '/metrics' })).body;
  return (name) => {
    const line = body.split('\n').find((candidate) => candidate.startsWith(`${name} `));
    return line === undefined ? 0 : Number(line.slice(name.length + 1));
  };
}

/** The real store, with a fault injected: its first event write fails (as when the database blips). */
export function failingFirstAppend(store: ExecutionStore): ExecutionStore {
  let failed = false;
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'appendEvents' && !failed) {
        return async () => {
          failed = true;
          throw new Error('injected write failure');
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
