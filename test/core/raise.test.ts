import { describe, expect, it } from 'vitest';
import { runOnFakeHost } from './fake-host.ts';
import { testEngine, workflow } from './test-workflow.ts';

describe('raise on the fake host', () => {
  it('renders non-string title and detail expressions as JSON, not [object Object]', async () => {
    const document = await workflow(`
do:
  - fail:
      raise:
        error:
          type: https://example.com/errors/rejected
          status: 422
          title: '\${ .code }'
          detail: '\${ {reasons: .reasons} }'
`);
    const { result } = await runOnFakeHost(document, { code: 17, reasons: ['stock', 'price'] }, { engine: await testEngine() });
    expect(result.error).toEqual({
      type: 'https://example.com/errors/rejected',
      status: 422,
      title: '17',
      detail: '{"reasons":["stock","price"]}',
      instance: '/do/0/fail',
    });
  });

  it('keeps an explicit instance expression instead of the task pointer', async () => {
    const document = await workflow(`
do:
  - fail:
      raise:
        error:
          type: https://example.com/errors/rejected
          status: 400
          instance: /orders/7
`);
    const { result } = await runOnFakeHost(document, {}, { engine: await testEngine() });
    expect(result.error).toMatchObject({ instance: '/orders/7' });
  });
});
