import { workflowError } from '../core/errors.ts';

/** Response bodies larger than this are refused unless the operator says otherwise (`--max-response-bytes`). */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

function tooLarge(target: string, limit: number): Error {
  return workflowError('communication', `${target}: the response body exceeds the limit of ${limit} bytes (--max-response-bytes)`, { status: 502 });
}

/**
 * Reads a response body as it streams in, and stops (cancelling the rest) as soon as it passes
 * `limit` bytes: a huge response is never held whole.
 */
export async function readLimitedBody(response: Response, limit: number, target: string): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(target, limit);
  }
  if (!response.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(target, limit);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** `readLimitedBody` decoded as UTF-8 text. */
export async function readLimitedText(response: Response, limit: number, target: string): Promise<string> {
  return new TextDecoder().decode(await readLimitedBody(response, limit, target));
}
