import { readSse } from '../../src/cli/service-client.ts';

/** What a bystander measured while an attack ran. */
export interface BystanderReport {
  healthP99Ms: number;
  streamP99Ms: number;
  /** Requests that failed or did not answer within the request timeout (each one a description). */
  failures: string[];
}

export interface Bystander {
  stop(): Promise<BystanderReport>;
}

const REQUEST_TIMEOUT_MS = 5_000;
const HEALTH_INTERVAL_MS = 50;
const STREAM_INTERVAL_MS = 100;

/** A workflow that waits (for an hour) so its SSE stream stays open and unrelated to the attack. */
const WAITING_WORKFLOW = `document:
  dsl: '1.0.0'
  namespace: security
  name: bystander
  version: '1.0.0'
do:
  - idle:
      wait:
        hours: 1
`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The 99th percentile (nearest rank) of the samples; 0 when there are none. */
export function p99(samples: number[]): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]!;
}

/** Runs `probe` every `intervalMs` until stopped, recording each probe's latency or failure. */
function pollLoop(name: string, intervalMs: number, probe: (signal: AbortSignal) => Promise<void>, failures: string[]) {
  const samples: number[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const started = performance.now();
      try {
        await probe(AbortSignal.timeout(REQUEST_TIMEOUT_MS));
        samples.push(performance.now() - started);
      } catch (error) {
        samples.push(performance.now() - started);
        failures.push(`${name}: ${(error as Error).message}`);
      }
      await sleep(intervalMs);
    }
  })();
  return {
    samples,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

/**
 * A concurrent client of a service under attack: it polls `/healthz` and re-opens the SSE stream of
 * an unrelated (waiting) execution until its first event, and reports the p99 latency of both.
 */
export async function startBystander(serviceUrl: string, token: string): Promise<Bystander> {
  const headers = { authorization: `Bearer ${token}` };
  const started = await fetch(`${serviceUrl}/v1/executions`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ document: WAITING_WORKFLOW }),
  });
  if (started.status !== 201) throw new Error(`the bystander could not start its execution: ${started.status} ${await started.text()}`);
  const { id } = (await started.json()) as { id: string };
  const failures: string[] = [];
  const firstEvent = async (signal: AbortSignal) => {
    const controller = new AbortController();
    const abort = () => controller.abort();
    signal.addEventListener('abort', abort, { once: true });
    try {
      const response = await fetch(`${serviceUrl}/v1/executions/${id}/events`, { headers, signal: controller.signal });
      if (!response.ok || !response.body) throw new Error(`status ${response.status}`);
      for await (const _message of readSse(response.body)) return;
      throw new Error('the stream ended without an event');
    } finally {
      signal.removeEventListener('abort', abort);
      controller.abort();
    }
  };
  // Measuring starts once the execution has reported: before that a stream has nothing to answer
  // with, and the wait would measure the execution's (cold) start instead of the service.
  await firstEvent(AbortSignal.timeout(60_000));

  const health = pollLoop('healthz', HEALTH_INTERVAL_MS, async (signal) => {
    const response = await fetch(`${serviceUrl}/healthz`, { signal });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`status ${response.status}`);
  }, failures);

  const stream = pollLoop('stream', STREAM_INTERVAL_MS, firstEvent, failures);

  return {
    async stop() {
      await Promise.all([health.stop(), stream.stop()]);
      await fetch(`${serviceUrl}/v1/executions/${id}/cancel`, { method: 'POST', headers }).then((response) => response.arrayBuffer(), () => undefined);
      return { healthP99Ms: p99(health.samples), streamP99Ms: p99(stream.samples), failures };
    },
  };
}
