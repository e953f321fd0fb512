import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import type { McpEffect } from '../core/effects.ts';
import { CancelledError, workflowError } from '../core/errors.ts';
import type { Json, JsonObject } from '../core/json.ts';
import { upfrontAuthorization } from './call-credentials.ts';
import type { EffectContext } from './effect-context.ts';
import { rewriteUrl } from './rewrite-url.ts';
import { egressFetch } from './egress/egress-fetch.ts';

type Call = (client: Client, parameters: JsonObject, options: { signal: AbortSignal; timeout?: number }) => Promise<unknown>;

/** The MCP methods of the spec, each through the SDK's typed request (results are validated by it). */
const METHODS: Record<string, Call> = {
  'tools/list': (client, parameters, options) => client.listTools(parameters, options),
  'tools/call': (client, parameters, options) => client.callTool(parameters as Parameters<Client['callTool']>[0], undefined, options),
  'prompts/list': (client, parameters, options) => client.listPrompts(parameters, options),
  'prompts/get': (client, parameters, options) => client.getPrompt(parameters as Parameters<Client['getPrompt']>[0], options),
  'resources/list': (client, parameters, options) => client.listResources(parameters, options),
  'resources/read': (client, parameters, options) => client.readResource(parameters as Parameters<Client['readResource']>[0], options),
  'resources/templates/list': (client, parameters, options) => client.listResourceTemplates(parameters, options),
};

/** How much of a stdio server's stderr a failure message quotes. */
const STDERR_TAIL_CHARS = 2000;

/**
 * Connects to an MCP server (streamable HTTP, or a process over stdio), initializes with the
 * requested protocol version, sends one request and closes. The output is the JSON-RPC result;
 * any failure is a `runtime` error, as the spec requires (a JSON-RPC error keeps its code).
 */
export async function performMcp(effect: McpEffect, context: EffectContext): Promise<Json> {
  if (context.signal.aborted) throw new CancelledError('mcp call cancelled before it started');
  const call = METHODS[effect.method];
  if (call === undefined) throw workflowError('configuration', `MCP method '${effect.method}' is not supported (supported: ${Object.keys(METHODS).join(', ')})`);
  const { transport, describe, stderr } = await createTransport(effect, context);
  const client = new Client({ name: effect.client.name, version: effect.client.version });
  const options = { signal: context.signal, ...(effect.timeoutMs === undefined ? {} : { timeout: effect.timeoutMs }) };
  try {
    await client.connect(pinProtocolVersion(transport, effect.protocolVersion), options);
    return (await call(client, effect.parameters, options)) as Json;
  } catch (error) {
    if (context.signal.aborted) throw new CancelledError(`mcp ${effect.method} on ${describe} cancelled`);
    const tail = stderr().trim();
    const reason = `${(error as Error).message}${tail === '' ? '' : ` (server stderr: ${tail.slice(-STDERR_TAIL_CHARS)})`}`;
    throw workflowError('runtime', `mcp ${effect.method} on ${describe} failed: ${reason}`, error instanceof McpError ? { jsonRpcError: { code: error.code, message: error.message } } : {});
  } finally {
    await client.close().catch(() => undefined);
  }
}

async function createTransport(effect: McpEffect, context: EffectContext): Promise<{ transport: Transport; describe: string; stderr: () => string }> {
  if ('http' in effect.transport) {
    const { endpoint, headers, authentication } = effect.transport.http;
    const url = rewriteUrl(new URL(endpoint), context.endpointRewrites);
    const requestHeaders: Record<string, string> = { ...headers };
    if (authentication) requestHeaders.authorization = await upfrontAuthorization(authentication, context, 'MCP');
    if (context.traceparent) requestHeaders.traceparent = context.traceparent;
    return { transport: new StreamableHTTPClientTransport(url, { requestInit: { headers: requestHeaders }, fetch: (target, init) => egressFetch(context.egress, target, init) }), describe: endpoint, stderr: () => '' };
  }
  const { command, arguments: args, environment } = effect.transport.stdio;
  const transport = new StdioClientTransport({ command, args, env: environment, stderr: 'pipe' });
  let captured = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    captured = (captured + chunk.toString()).slice(-STDERR_TAIL_CHARS);
  });
  return { transport, describe: `stdio server '${command}'`, stderr: () => captured };
}

/** The SDK always offers its latest version; the workflow's `protocolVersion` is what `initialize` must offer. */
function pinProtocolVersion(transport: Transport, version: string): Transport {
  const send = transport.send.bind(transport);
  transport.send = (message, options) => {
    if ('method' in message && message.method === 'initialize') {
      return send({ ...message, params: { ...message.params, protocolVersion: version } }, options);
    }
    return send(message, options);
  };
  return transport;
}
