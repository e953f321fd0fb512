import { parse as parseYaml } from 'yaml';
import type { AsyncApiTarget } from '../core/effects.ts';
import { isCancelledError, workflowError } from '../core/errors.ts';
import { isJsonObject, type Json, type JsonObject } from '../core/json.ts';
import type { EffectContext } from './effect-context.ts';
import { performHttp } from './http.ts';
import { raceAbort } from './race-abort.ts';
import { parseFailureLocation, readLocalFile } from './local-files.ts';

/** Where an AsyncAPI operation is performed: the server's protocol and URL parts, and the channel address. */
export interface ResolvedChannel {
  protocol: string;
  /** `host[:port]` (AsyncAPI 3 `host`, or the authority of a 2.6 `url`). */
  host: string;
  /** Path prefix of the server (AsyncAPI 3 `pathname`, or the path of a 2.6 `url`). */
  pathname: string;
  /** The channel address: a NATS subject, an HTTP path… */
  address: string;
  /** send (publish to the channel) or receive (consume from it), from the workflow's point of view. */
  label: string;
}

const DOCUMENT_TIMEOUT_MS = 60_000;

/** Parsed documents per location for the life of the process; a failed load is not kept. */
const cache = new Map<string, Promise<JsonObject>>();

export function loadAsyncApiDocument(target: AsyncApiTarget, context: EffectContext): Promise<JsonObject> {
  let pending = cache.get(target.document);
  if (!pending) {
    // Shared between callers, so not tied to one caller's signal; each caller races its own.
    pending = readDocument(target, { ...context, signal: AbortSignal.timeout(DOCUMENT_TIMEOUT_MS) });
    cache.set(target.document, pending);
    pending.catch(() => cache.delete(target.document));
  }
  return raceAbort(pending, context.signal, 'asyncapi call');
}

async function readDocument(target: AsyncApiTarget, context: EffectContext): Promise<JsonObject> {
  const location = target.document;
  let text: string;
  if (/^https?:\/\//i.test(location)) {
    const raw = await performHttp(
      { kind: 'http', method: 'GET', uri: location, headers: { accept: 'application/json, application/yaml;q=0.9' }, query: {}, output: 'raw', redirect: false },
      context,
    ).catch((error: unknown) => {
      if (!isCancelledError(error)) throw error;
      throw workflowError('timeout', `AsyncAPI document ${location} did not arrive within ${DOCUMENT_TIMEOUT_MS / 1000} s`);
    });
    text = Buffer.from(String(raw), 'base64').toString('utf8');
  } else {
    text = await readLocalFile(location, context, 'AsyncAPI document');
  }
  let document: Json;
  try {
    document = parseYaml(text, { maxAliasCount: 100 }) as Json;
  } catch (error) {
    throw workflowError('configuration', `AsyncAPI document ${location} is not valid JSON or YAML${parseFailureLocation(error)}`);
  }
  if (!isJsonObject(document) || typeof document.asyncapi !== 'string') throw workflowError('configuration', `${location} is not an AsyncAPI document (no asyncapi version field)`);
  return document;
}

/**
 * Finds the operation's channel and server: AsyncAPI 3 by `operation` (channel and servers by
 * `$ref`), AsyncAPI 2.6 by `channel` name. The server is `server.name` when given, else the first
 * server of the channel (or of the document) speaking `protocol` when given, else the first one.
 */
export function resolveChannel(document: JsonObject, target: AsyncApiTarget): ResolvedChannel {
  const v3 = String(document.asyncapi).startsWith('3.');
  const servers = isJsonObject(document.servers) ? document.servers : {};
  let channelName: string;
  let channel: JsonObject;
  if (v3) {
    if (target.operation === undefined) throw workflowError('configuration', 'an AsyncAPI 3 document needs `operation`');
    const operations = isJsonObject(document.operations) ? document.operations : {};
    const operation = operations[target.operation];
    if (!isJsonObject(operation)) throw workflowError('configuration', `the AsyncAPI document has no operation '${target.operation}' (operations: ${Object.keys(operations).join(', ') || 'none'})`);
    channelName = refName(operation.channel, '#/channels/') ?? '';
    const found = isJsonObject(document.channels) ? document.channels[channelName] : undefined;
    if (!isJsonObject(found)) throw workflowError('configuration', `operation '${target.operation}' refers to no channel of the document`);
    channel = found;
  } else {
    if (target.channel === undefined) throw workflowError('configuration', 'an AsyncAPI 2.x document needs `channel`');
    channelName = target.channel;
    const found = isJsonObject(document.channels) ? document.channels[channelName] : undefined;
    if (!isJsonObject(found)) throw workflowError('configuration', `the AsyncAPI document has no channel '${channelName}'`);
    channel = found;
  }
  const allowed = Array.isArray(channel.servers) ? channel.servers.map((item) => (typeof item === 'string' ? item : refName(item, '#/servers/'))) : Object.keys(servers);
  let serverName: string | undefined;
  if (target.server !== undefined) serverName = target.server.name;
  else serverName = allowed.find((name) => name !== undefined && isJsonObject(servers[name]) && (target.protocol === undefined || servers[name].protocol === target.protocol));
  const server = serverName === undefined ? undefined : servers[serverName];
  if (!isJsonObject(server)) {
    const wanted = target.server ? `server '${target.server.name}'` : target.protocol ? `server speaking ${target.protocol}` : 'server';
    throw workflowError('configuration', `the AsyncAPI document defines no ${wanted} for channel '${channelName}'`);
  }
  const variables = { ...defaults(server.variables), ...(target.server?.variables ?? {}) };
  const fill = (text: string) => text.replace(/\{([^}]+)\}/g, (whole, name: string) => variables[name] ?? whole);
  const protocol = String(server.protocol ?? '').toLowerCase();
  let host: string;
  let pathname: string;
  if (v3) {
    host = fill(String(server.host ?? ''));
    pathname = fill(String(server.pathname ?? ''));
  } else {
    const url = fill(String(server.url ?? ''));
    const parsed = /^(?:[a-z][a-z0-9+.-]*:\/\/)?([^/]*)(.*)$/i.exec(url)!;
    host = parsed[1]!;
    pathname = parsed[2]!;
  }
  const address = typeof channel.address === 'string' ? channel.address : channelName;
  return { protocol, host, pathname, address, label: `${protocol}://${host}${pathname} ${address}` };
}

function refName(value: Json | undefined, prefix: string): string | undefined {
  const ref = isJsonObject(value) ? value.$ref : undefined;
  return typeof ref === 'string' && ref.startsWith(prefix) ? decodeURIComponent(ref.slice(prefix.length)).replace(/~1/g, '/').replace(/~0/g, '~') : undefined;
}

function defaults(variables: Json | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isJsonObject(variables)) return out;
  for (const [name, spec] of Object.entries(variables)) if (isJsonObject(spec) && spec.default !== undefined) out[name] = String(spec.default);
  return out;
}
