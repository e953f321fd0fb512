import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { rewriteUrl } from '../effects/rewrite-url.ts';

export interface DocumentCredentials {
  basic?: { username: string; password: string };
  bearer?: { token: string };
}

export interface FetchOptions {
  credentials?: DocumentCredentials;
  /** Origin → origin replacements (tests point public hosts at loopback fixtures). */
  endpointRewrites?: Record<string, string>;
  timeoutMs: number;
  maxBytes: number;
}

/** The text of a function document from a file: URL or over HTTP(S); throws an Error with a one-line reason. */
export async function fetchFunctionDocument(url: URL, options: FetchOptions): Promise<string> {
  if (url.protocol === 'file:') {
    try {
      const text = await readFile(fileURLToPath(url), 'utf8');
      if (text.length > options.maxBytes) throw new Error(`larger than ${options.maxBytes} bytes`);
      return text;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      throw new Error(typeof code === 'string' ? code : (error as Error).message);
    }
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`unsupported scheme ${url.protocol}`);
  const headers: Record<string, string> = { accept: 'application/yaml, application/json, text/plain, */*' };
  const { credentials } = options;
  if (credentials?.basic) {
    headers.authorization = `Basic ${Buffer.from(`${credentials.basic.username}:${credentials.basic.password}`).toString('base64')}`;
  } else if (credentials?.bearer) {
    headers.authorization = `Bearer ${credentials.bearer.token}`;
  }
  const response = await fetch(rewriteUrl(url, options.endpointRewrites), { headers, signal: AbortSignal.timeout(options.timeoutMs) }).catch((error: unknown) => {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(cause?.code ?? cause?.message ?? (error as Error).message);
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const text = await response.text();
  if (text.length > options.maxBytes) throw new Error(`larger than ${options.maxBytes} bytes`);
  return text;
}
