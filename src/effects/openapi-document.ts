import { parse as parseYaml } from 'yaml';
import type { ResolvedAuthentication } from '../core/effects.ts';
import { CancelledError, isCancelledError, workflowError } from '../core/errors.ts';
import { isJsonObject, type JsonObject } from '../core/json.ts';
import type { EffectContext } from './effect-context.ts';
import { performHttp } from './http.ts';
import { rewriteUrl } from './rewrite-url.ts';
import { parseFailureLocation, readLocalFile } from './local-files.ts';

export interface LoadedDocument {
  document: JsonObject;
  /**
   * The document's URL as the workflow names it (before endpoint rewrites, which the HTTP call
   * applies): relative server URLs and the Swagger scheme derive from it. Absent for files.
   */
  url?: URL;
}

const DOCUMENT_TIMEOUT_MS = 60_000;

/** Parsed documents per URL for the life of the process; a failed load is not kept. */
const cache = new Map<string, Promise<LoadedDocument>>();

/**
 * Reads an OpenAPI or Swagger document from an http(s) URL (through the same HTTP code path as
 * calls, so rewrites, authentication and errors match) or from a file path; JSON or YAML.
 */
export async function loadOpenApiDocument(
  location: string,
  authentication: ResolvedAuthentication | undefined,
  context: EffectContext,
): Promise<LoadedDocument> {
  if (!/^https?:\/\//i.test(location)) return { document: parseDocument(await readLocalFile(location, context, 'OpenAPI document'), location) };
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw workflowError('configuration', `OpenAPI document endpoint ${JSON.stringify(location)} is not a valid URL`);
  }
  // Keyed by where it is really fetched from: two rewrites of one public URL are two documents.
  const key = rewriteUrl(url, context.endpointRewrites).href;
  let pending = cache.get(key);
  if (pending === undefined) {
    // Shared between callers, so it is not tied to one caller's signal; each caller races its own.
    pending = fetchDocument(url, authentication, context);
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
  return raceAbort(pending, context.signal, location);
}

async function fetchDocument(
  url: URL,
  authentication: ResolvedAuthentication | undefined,
  context: EffectContext,
): Promise<LoadedDocument> {
  const raw = await performHttp(
    {
      kind: 'http',
      method: 'GET',
      uri: url.href,
      headers: { accept: 'application/json, application/yaml;q=0.9, */*;q=0.5' },
      query: {},
      output: 'raw',
      redirect: false,
      ...(authentication === undefined ? {} : { authentication }),
    },
    { ...context, signal: AbortSignal.timeout(DOCUMENT_TIMEOUT_MS) },
  ).catch((error: unknown) => {
    if (!isCancelledError(error)) throw error;
    throw workflowError('timeout', `OpenAPI document ${url.href} did not arrive within ${DOCUMENT_TIMEOUT_MS / 1000} s`);
  });
  const text = typeof raw === 'string' ? Buffer.from(raw, 'base64').toString('utf8') : '';
  return { document: parseDocument(text, url.href), url };
}

function parseDocument(text: string, origin: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    try {
      parsed = parseYaml(text, { maxAliasCount: 1000 });
    } catch (error) {
      throw workflowError('configuration', `OpenAPI document ${origin} is neither JSON nor YAML${parseFailureLocation(error)}`);
    }
  }
  const isSpec = isJsonObject(parsed) && (parsed.swagger === '2.0' || String(parsed.openapi ?? '').startsWith('3.'));
  if (!isSpec) {
    throw workflowError('configuration', `${origin} is not a Swagger 2.0 or OpenAPI 3.x document`);
  }
  return parsed as JsonObject;
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  if (signal.aborted) return Promise.reject(new CancelledError(`loading ${what} cancelled`));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new CancelledError(`loading ${what} cancelled`));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
