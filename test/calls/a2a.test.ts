import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCallWorkflow, runDocument } from './call-helpers.ts';
import { startA2aAgent, type A2aAgent } from './fixtures/a2a-agent.ts';

describe('call: a2a against a loopback A2A agent', () => {
  let agent: A2aAgent;
  beforeAll(async () => {
    agent = await startA2aAgent();
  });
  afterAll(() => agent.close());

  it('sends message/send to the url of the agent card, defaulting messageId and role, and outputs the result', async () => {
    const result = await runDocument(await loadCallWorkflow('a2a-send'), { card: `${agent.origin}/.well-known/agent-card.json`, question: 'How are sales?' });
    expect(result.status).toBe('completed');
    expect(result.output).toEqual({ kind: 'message', role: 'agent', messageId: 'reply-1', parts: [{ kind: 'text', text: 'echo: How are sales?' }] });
    const sent = agent.requests.at(-1)!;
    expect(sent.method).toBe('message/send');
    expect(sent.params.message).toMatchObject({ role: 'user', kind: 'message', parts: [{ kind: 'text', text: 'How are sales?' }] });
    expect((sent.params.message as { messageId: string }).messageId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('collects every result of message/stream in order, sending the bearer token', async () => {
    const result = await runDocument(await loadCallWorkflow('a2a-stream'), { server: `${agent.origin}/a2a` });
    expect(result.status).toBe('completed');
    expect(result.output).toEqual(['working', 'report', 'completed']);
    expect(agent.requests.at(-1)).toMatchObject({ method: 'message/stream', authorization: 'Bearer agent-token', params: { message: { messageId: 'm-fixed' } } });
  });

  it('outputs the task for tasks/get, and a JSON-RPC error becomes a runtime error with its code', async () => {
    const found = await runDocument(await loadCallWorkflow('a2a-task'), { server: `${agent.origin}/a2a`, task: 't-1' });
    expect(found.output).toMatchObject({ kind: 'task', id: 't-1', status: { state: 'completed' } });
    const missing = await runDocument(await loadCallWorkflow('a2a-task'), { server: `${agent.origin}/a2a`, task: 't-9' });
    expect(missing.status).toBe('faulted');
    expect(missing.error?.type).toMatch(/\/errors\/runtime$/);
    expect(missing.error).toMatchObject({ instance: '/do/0/lookup', jsonRpcError: { code: -32001, message: 'Task not found' } });
  });

  it('turns an HTTP failure of the agent into a runtime error keeping the status', async () => {
    const result = await runDocument(await loadCallWorkflow('a2a-task'), { server: `${agent.origin}/nowhere`, task: 't-1' });
    expect(result.status).toBe('faulted');
    expect(result.error?.type).toMatch(/\/errors\/runtime$/);
    expect(result.error?.status).toBe(404);
  });
});
