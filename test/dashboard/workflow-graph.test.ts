import { describe, expect, it } from 'vitest';
import { buildWorkflowGraph, END, START } from '../../dashboard/src/graph/workflow-graph.ts';
import { loadDefaultEngine } from '../../src/jq/node/engine-choice.ts';
import { loadWorkflowFile } from '../../src/loader/load-workflow.ts';

const load = async (file: string) => loadWorkflowFile(file, { engine: await loadDefaultEngine() });

describe('workflow graph from the document', () => {
  it('has every task of the order pipeline, nested ones under their container, with switch and then edges', async () => {
    const graph = buildWorkflowGraph(await load('examples/order-pipeline.yaml'));
    const ids = graph.nodes.map((node) => node.id);
    expect(ids).toEqual([
      START,
      END,
      '/do/0/priceItems',
      '/do/0/priceItems/do/0/addLine',
      '/do/1/chooseShipping',
      '/do/2/freeShipping',
      '/do/3/paidShipping',
      '/do/4/checkStock',
      '/do/4/checkStock/fork/branches/0/warehouseNorth',
      '/do/4/checkStock/fork/branches/1/warehouseSouth',
      '/do/5/reserve',
      '/do/5/reserve/try/0/confirmReservation',
      '/do/5/reserve/catch/do/0/noteDelay',
      '/do/6/announce',
    ]);
    const node = (id: string) => graph.nodes.find((candidate) => candidate.id === id)!;
    expect(node('/do/0/priceItems/do/0/addLine').parentId).toBe('/do/0/priceItems');
    expect(node('/do/4/checkStock/fork/branches/1/warehouseSouth').parentId).toBe('/do/4/checkStock');
    expect(node('/do/5/reserve/catch/do/0/noteDelay')).toMatchObject({ parentId: '/do/5/reserve', inCatch: true });
    expect(node('/do/4/checkStock')).toMatchObject({ kind: 'fork', container: true });
    const edges = graph.edges.map((edge) => `${edge.source} -> ${edge.target}${edge.label ? ` (${edge.label})` : ''}`);
    expect(edges).toEqual([
      '/do/0/priceItems -> /do/1/chooseShipping',
      '/do/1/chooseShipping -> /do/2/freeShipping (free)',
      '/do/1/chooseShipping -> /do/3/paidShipping (paid)',
      '/do/2/freeShipping -> /do/4/checkStock (checkStock)',
      '/do/3/paidShipping -> /do/4/checkStock',
      '/do/4/checkStock -> /do/5/reserve',
      '/do/5/reserve -> /do/6/announce',
      '/do/6/announce -> __end',
      `${START} -> /do/0/priceItems`,
    ]);
  });

  it('leads `then: end` inside a nested list to the workflow end, and `exit` out of its list', async () => {
    const graph = buildWorkflowGraph({
      document: { dsl: '1.0.3', namespace: 't', name: 'n', version: '1.0.0' },
      do: [
        { outer: { do: [{ a: { set: {}, then: 'end' } }, { b: { set: {}, then: 'exit' } }] } },
        { after: { set: {} } },
      ],
    } as never);
    expect(graph.edges.map((edge) => `${edge.source} -> ${edge.target}`)).toEqual([
      '/do/0/outer/do/0/a -> __end',
      '/do/0/outer -> /do/1/after',
      '/do/1/after -> __end',
      `${START} -> /do/0/outer`,
    ]);
  });
});
