import { expect } from 'vitest';
import type { ServeProcess } from '../support/serve-process.ts';

/**
 * The executions API of a `cairn serve` under test, called with its token. `service` is read on
 * each call: the suites start the service in `beforeAll`.
 */
export function serviceApi(service: () => ServeProcess) {
  async function api(path: string, init: RequestInit = {}) {
    const response = await fetch(`${service().url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${service().token}`, 'content-type': 'application/json', ...init.headers },
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  }

  /** Starts the document; returns the execution's id. */
  async function start(document: string): Promise<string> {
    const started = await api('/v1/executions', { method: 'POST', body: JSON.stringify({ document }) });
    expect(started.status).toBe(201);
    return started.body.id as string;
  }

  /** Waits (bounded) for the execution's end; returns the ended record. */
  async function untilEnded(id: string) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { body } = await api(`/v1/executions/${id}`);
      if (['completed', 'faulted', 'cancelled'].includes(body.execution.status)) return body.execution;
      if (Date.now() > deadline) throw new Error(`execution ${id} did not end: ${body.execution.status}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  return { api, start, untilEnded, runToEnd: async (document: string) => untilEnded(await start(document)) };
}
