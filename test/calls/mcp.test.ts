import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCallWorkflow, runDocument } from './call-helpers.ts';
import { startMcpHttpServer, type McpHttpServer } from './fixtures/mcp-server.ts';

describe('call: mcp', () => {
  let server: McpHttpServer;
  beforeAll(async () => {
    server = await startMcpHttpServer();
  });
  afterAll(() => server.close());

  it('lists and calls tools, gets prompts and reads templated resources over streamable HTTP', async () => {
    const result = await runDocument(await loadCallWorkflow('mcp-http'), { endpoint: server.url, a: 40 });
    expect(result.status).toBe('completed');
    expect(result.output).toEqual({ tools: ['add', 'whoami', 'slow'], sum: 42, text: '42', prompt: 'Please greet Ada.', note: 'note 42' });
    expect(server.authorizations).toContain('Bearer mcp-token');
    expect(server.offeredVersions).toContain('2025-06-18');
  });

  it('runs a stdio server process with the given environment; lists resources and resource templates', async () => {
    const result = await runDocument(await loadCallWorkflow('mcp-stdio'), { user: 'ada' }, { allowProcesses: true });
    expect(result.status).toBe('completed');
    expect(result.output).toEqual({ user: 'ada', resources: ['config://app'], templates: ['notes://{id}'] });
  });

  it('refuses the stdio transport (403) where processes are not allowed, as run tasks are', async () => {
    const result = await runDocument(await loadCallWorkflow('mcp-stdio'), { user: 'ada' });
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({ status: 403, type: 'https://serverlessworkflow.io/spec/1.0.0/errors/authorization' });
    expect(result.error?.detail).toContain('call: mcp over stdio would start a process');
  });

  it('turns a JSON-RPC error into a runtime error carrying the code', async () => {
    const result = await runDocument(await loadCallWorkflow('mcp-fail'), { endpoint: server.url });
    expect(result.status).toBe('faulted');
    expect(result.error?.type).toMatch(/\/errors\/runtime$/);
    expect(result.error).toMatchObject({ instance: '/do/0/unknownPrompt', jsonRpcError: { code: -32602 } });
    expect(result.error?.detail).toContain('nonexistent');
  });

  it('gives up after the call timeout with a runtime error', async () => {
    const result = await runDocument(await loadCallWorkflow('mcp-timeout'), { endpoint: server.url });
    expect(result.status).toBe('faulted');
    expect(result.error?.type).toMatch(/\/errors\/runtime$/);
    expect(result.error?.detail).toMatch(/timed out/i);
  });

  it('faults with a runtime error when the server is unreachable', async () => {
    const result = await runDocument(await loadCallWorkflow('mcp-fail'), { endpoint: 'http://127.0.0.1:1/mcp' });
    expect(result.status).toBe('faulted');
    expect(result.error?.type).toMatch(/\/errors\/runtime$/);
    expect(result.error?.detail).toContain('http://127.0.0.1:1/mcp');
  });
});
