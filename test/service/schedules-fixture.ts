import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { InProcessEventBus } from '../../src/bus/in-process-bus.ts';
import { loadDefaultEngine } from '../../src/jq/node/engine-choice.ts';
import { buildApp } from '../../src/service/app.ts';
import { LocalEngine } from '../../src/service/local-engine.ts';
import type { ScheduleClock } from '../../src/service/schedules/clock.ts';
import type { ExecutionRecord, ExecutionStore } from '../../src/store/execution-store.ts';
import { openStore } from '../../src/store/open-store.ts';

export const auth = { authorization: 'Bearer schedules-token' };

export interface ScheduledService {
  app: FastifyInstance;
  store: ExecutionStore;
  location: string;
  close(): Promise<void>;
}

/** A real service (SQLite in a temporary folder, the embedded local engine), optionally on a test clock for schedules. */
export async function startScheduledService(options: { location?: string; clock?: ScheduleClock } = {}): Promise<ScheduledService> {
  const location = options.location ?? join(mkdtempSync(join(tmpdir(), 'cairn-schedules-')), 'cairn.db');
  const store = await openStore(location);
  const expressions = await loadDefaultEngine();
  const bus = new InProcessEventBus();
  const app = await buildApp({
    store,
    engine: new LocalEngine({ inProcess: true, bus }),
    expressions,
    bus,
    access: { apiTokens: ['schedules-token'], reportSecret: 'schedules-secret' },
    endInterruptedExecutions: true,
    ...(options.clock ? { scheduleClock: options.clock } : {}),
  });
  return {
    app,
    store,
    location,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}

export function example(name: string): string {
  return readFileSync(new URL(`../../examples/schedules/${name}`, import.meta.url), 'utf8');
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Every execution of a workflow (all versions), oldest first. */
export async function executionsOf(store: ExecutionStore, namespace: string, name: string): Promise<ExecutionRecord[]> {
  const page = await store.listExecutions({ namespace, name, limit: 500 });
  return page.items.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

export const isEnded = (execution: ExecutionRecord) => ['completed', 'faulted', 'cancelled'].includes(execution.status);

/** A clock tests move by hand: timers fire when `advance` reaches them, in time order. */
export class ManualClock implements ScheduleClock {
  private readonly timers = new Set<{ at: number; fire: () => void }>();

  constructor(private time: number) {}

  now(): number {
    return this.time;
  }

  at(epochMs: number, fire: () => void): () => void {
    const timer = { at: epochMs, fire };
    this.timers.add(timer);
    return () => this.timers.delete(timer);
  }

  /** Moves to `epochMs`, firing every timer due on the way. */
  advance(epochMs: number): void {
    for (;;) {
      const due = [...this.timers].filter((timer) => timer.at <= epochMs).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers.delete(due);
      this.time = due.at;
      due.fire();
    }
    this.time = epochMs;
  }

  get pending(): number {
    return this.timers.size;
  }
}
