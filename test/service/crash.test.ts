import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSse } from '../../src/cli/service-client.ts';
import { EVENT_TYPES, type ProgressEvent } from '../../src/core/events.ts';
import { progressEvent } from '../store/events.ts';
import { freePort } from '../support/free-port.ts';

const EVENTS = 240;
const CLIENTS = 20;
const dataDir = mkdtempSync(join(tmpdir(), 'cairn-crash-'));
let server: ChildProcess | undefined;

afterAll(() => {
  server?.kill('SIGKILL');
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts `cairn serve` (a real process on the same data directory and port each time) and waits until it answers. */
async function startServe(port: number): Promise<void> {
  server = spawn(process.execPath, ['bin/cairn.js', 'serve', '--port', String(port), '--data', dataDir], { stdio: 'ignore' });
  for (let attempt = 0; attempt < 600; attempt++) {
    if (await fetch(`http://127.0.0.1:${port}/healthz`).then((response) => response.ok, () => false)) return;
    await sleep(50);
  }
  throw new Error('cairn serve did not start');
}

function runEvents(): ProgressEvent[] {
  const events = [progressEvent('crash-1', 1, EVENT_TYPES.workflowStarted)];
  for (let seq = 2; seq < EVENTS; seq++) events.push(progressEvent('crash-1', seq, EVENT_TYPES.taskState, { subject: `/do/${seq}/step`, data: { output: seq } }));
  events.push(progressEvent('crash-1', EVENTS, EVENT_TYPES.workflowCompleted, { data: { output: { done: true } } }));
  return events;
}

/** An EventSource-like client: reconnects with Last-Event-ID after every drop until the `end` event. */
async function watch(base: string, token: () => string): Promise<number[]> {
  const seen: number[] = [];
  for (;;) {
    try {
      const response = await fetch(`${base}/v1/executions/crash-1/events`, {
        headers: { authorization: `Bearer ${token()}`, ...(seen.length ? { 'last-event-id': String(seen[seen.length - 1]) } : {}) },
      });
      if (response.ok && response.body) {
        for await (const message of readSse(response.body)) {
          if (message.event === 'end') return seen;
          seen.push(Number(message.id));
        }
      }
    } catch {
      // the service died under us: reconnect like EventSource does
    }
    await sleep(100);
  }
}

describe('crash test (real `cairn serve` process, SIGKILLed twice)', () => {
  it('every one of 20 SSE clients sees every event exactly once', { timeout: 240_000 }, async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    await startServe(port);
    const token = () => readFileSync(join(dataDir, 'api-token'), 'utf8').trim();
    const events = runEvents();
    const report = async (batch: ProgressEvent[]) => {
      // A reporter that retries until the service took the batch, as the ReportProgress activity does.
      for (;;) {
        const ok = await fetch(`${base}/v1/progress`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token()}`, 'content-type': 'application/json' },
          body: JSON.stringify({ events: batch }),
        }).then((response) => response.ok, () => false);
        if (ok) return;
        await sleep(100);
      }
    };
    await report(events.slice(0, 10));
    const clients = Array.from({ length: CLIENTS }, () => watch(base, token));
    for (let start = 10; start < EVENTS; start += 10) {
      await report(events.slice(start, start + 10));
      if (start === 80 || start === 160) {
        server!.kill('SIGKILL');
        await new Promise((resolve) => server!.once('exit', resolve));
        await startServe(port);
      }
      await sleep(20);
    }
    const results = await Promise.all(clients);
    const expected = events.map((event) => event.seq);
    for (const seen of results) expect(seen).toEqual(expected);
  });
});
