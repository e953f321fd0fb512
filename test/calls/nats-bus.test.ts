import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsEventBus } from '../../src/bus/nats-bus.ts';
import type { JsonObject } from '../../src/core/json.ts';
import { startNatsServer, type NatsServer } from './fixtures/nats-server.ts';

const WORKER = fileURLToPath(new URL('./fixtures/bus-worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Starts a bus worker (a separate Node process); `lines` collects its stdout lines as they come. */
function startWorker(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  let buffer = '';
  const waiters: Array<() => void> = [];
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      lines.push(buffer.slice(0, newline));
      buffer = buffer.slice(newline + 1);
    }
    waiters.splice(0).forEach((wake) => wake());
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const limit = setTimeout(() => child.kill('SIGKILL'), 60_000);
  void exited.then(() => clearTimeout(limit));
  return {
    lines,
    exited: exited.then((code) => ({ code, stderr })),
    async waitForLine(text: string): Promise<void> {
      while (!lines.includes(text)) {
        if (child.exitCode !== null) throw new Error(`worker exited before printing ${text}: ${stderr}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          void exited.then(() => resolve());
        });
      }
    },
  };
}

describe('NatsEventBus (JetStream) on a real nats-server', () => {
  let nats: NatsServer;
  beforeAll(async () => {
    nats = await startNatsServer();
  });
  afterAll(() => nats?.stop());

  it('delivers events emitted by a workflow in one worker process to a listener in another, in order', async () => {
    const listener = startWorker(['listen', nats.url, '3']);
    await listener.waitForLine('READY');
    const emitter = startWorker(['emit', nats.url, '3']);
    const [emitted, listened] = await Promise.all([emitter.exited, listener.exited]);
    expect(emitted).toMatchObject({ code: 0 });
    expect(listened).toMatchObject({ code: 0 });
    const result = JSON.parse(emitter.lines.at(-1)!) as { status: string; output: string[] };
    expect(result.status).toBe('completed');
    const events = listener.lines.filter((line) => line !== 'READY').map((line) => JSON.parse(line) as JsonObject);
    expect(events.map((event) => (event.data as { order: number }).order)).toEqual([0, 1, 2]);
    expect(events.map((event) => event.id)).toEqual(result.output);
    expect(events[0]).toMatchObject({ specversion: '1.0', source: 'https://cairn.test/orders', type: 'io.cairn.test.order.placed.v1' });
  });

  it('stores a re-published event id once, and gives a subscriber nothing published in an earlier millisecond', async () => {
    const publisher = await NatsEventBus.connect({ servers: nats.url });
    const subscriber = await NatsEventBus.connect({ servers: nats.url });
    try {
      const event = (id: string): JsonObject => ({ specversion: '1.0', id, source: 'test', type: 'io.cairn.test.dedupe.v1' });
      await publisher.publish(event('before-subscribing'));
      // Subscriptions start at a millisecond: one published earlier in the same millisecond may be delivered.
      const publishedAt = Date.now();
      while (Date.now() === publishedAt) await new Promise((resolve) => setImmediate(resolve));
      const received: string[] = [];
      let sawSentinel: () => void = () => {};
      const sentinel = new Promise<void>((resolve) => (sawSentinel = resolve));
      const unsubscribe = subscriber.subscribe((delivered) => {
        received.push(String(delivered.id));
        if (delivered.id === 'sentinel') sawSentinel();
      });
      await subscriber.ready();
      await publisher.publish(event('twice'));
      await publisher.publish(event('twice'));
      await publisher.publish(event('sentinel'));
      await sentinel;
      unsubscribe();
      expect(received).toEqual(['twice', 'sentinel']);
    } finally {
      await publisher.close();
      await subscriber.close();
    }
  });
});
