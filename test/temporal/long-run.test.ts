import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { WorkflowDocument } from '../../src/core/model.ts';
import { runTemporal } from '../../src/hosts/temporal/run-temporal.ts';
import { startTemporalServer, type DevServer } from '../support/temporal-server.ts';

// A long pure-compute run: 10,000 loop iterations never yield by themselves, so the host yields
// every 100 tasks (a local-activity marker) to stay under the sandbox's per-activation CPU budget.
const ITEMS = 10_000;
let server: DevServer;

beforeAll(async () => {
  server = await startTemporalServer();
});
afterAll(async () => {
  await server?.stop();
});

describe('long executions on Temporal', () => {
  it(`a for over ${ITEMS.toLocaleString('en')} items completes, with every progress event in order and a small history`, async () => {
    const document = parseYaml(`
document: { dsl: '1.0.0', namespace: long, name: big-for, version: '1.0.0' }
do:
  - sum:
      for: { each: item, in: '\${ [range(0; ${ITEMS})] }' }
      do:
        - add:
            set: { total: '\${ (.total // 0) + $item }' }
`) as WorkflowDocument;
    const result = await runTemporal(document, {}, { executionId: 'long-for', temporal: { address: server.address } });

    expect(result.status).toBe('completed');
    expect(result.output).toEqual({ total: (ITEMS * (ITEMS - 1)) / 2 });
    expect(result.events.filter((event) => event.subject === '/do/0/sum/do/0/add' && event.type.endsWith('task.completed.v1'))).toHaveLength(ITEMS);
    expect(result.events.map((event) => event.seq)).toEqual(result.events.map((_, index) => index + 1));

    const connection = await Connection.connect({ address: server.address });
    try {
      // Fetched in one gRPC message (< 4 MB): progress batches do not enter history.
      const history = await new Client({ connection }).workflow.getHandle('long-for').fetchHistory();
      expect(history.events!.length).toBeLessThan(4_096);
    } finally {
      await connection.close();
    }
  }, 300_000);
});
