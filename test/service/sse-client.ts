import { readSse, type SseMessage } from '../../src/cli/service-client.ts';
import { API_TOKEN } from './service-fixture.ts';

/** A real SSE client over loopback: reads messages until `stopWhen` says so, or the stream ends. */
export async function readStream(
  url: string,
  options: { lastEventId?: string; stopWhen?: (messages: SseMessage[]) => boolean; token?: string } = {},
): Promise<{ messages: SseMessage[]; headers: Headers; ended: boolean }> {
  const abort = new AbortController();
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${options.token ?? API_TOKEN}`, accept: 'text/event-stream', ...(options.lastEventId ? { 'last-event-id': options.lastEventId } : {}) },
    signal: abort.signal,
  });
  if (!response.ok || !response.body) throw new Error(`stream refused: HTTP ${response.status}`);
  const messages: SseMessage[] = [];
  let ended = true;
  try {
    for await (const message of readSse(response.body)) {
      messages.push(message);
      if (options.stopWhen?.(messages)) {
        ended = false;
        abort.abort();
        break;
      }
    }
  } catch (error) {
    if ((error as Error).name !== 'AbortError') throw error;
  }
  return { messages, headers: response.headers, ended };
}

export function seqs(messages: SseMessage[]): number[] {
  return messages.filter((message) => message.event === 'message').map((message) => Number(message.id));
}
