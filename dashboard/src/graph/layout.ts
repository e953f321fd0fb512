import ELK from 'elkjs/lib/elk-api.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url';
import type { WorkflowGraph } from './workflow-graph.ts';

export interface PlacedNode {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export const LEAF_WIDTH = 190;
export const LEAF_HEIGHT = 46;
const CONTAINER_HEADER = 34;

// ELK runs in a Web Worker: laying out hundreds of tasks takes long enough that, on the main
// thread, it would hold back the events arriving meanwhile.
const elk = new ELK({ workerFactory: () => new Worker(elkWorkerUrl) });

/**
 * Positions every node with ELK's layered layout, top to bottom; container tasks (do, for, fork,
 * try) become boxes around their nested tasks. Child positions are relative to their container,
 * as React Flow expects for nodes with a parent.
 */
export async function layoutGraph(graph: WorkflowGraph): Promise<Map<string, PlacedNode>> {
  const elkNodes = new Map<string, ElkNode>();
  const root: ElkNode = {
    id: '__root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '36',
      'elk.spacing.nodeNode': '24',
    },
    children: [],
    edges: [],
  };
  for (const node of graph.nodes) {
    const elkNode: ElkNode = node.container
      ? { id: node.id, children: [], layoutOptions: { 'elk.padding': `[top=${CONTAINER_HEADER},left=14,bottom=14,right=14]` } }
      : { id: node.id, width: node.kind === 'start' || node.kind === 'end' ? 80 : LEAF_WIDTH, height: node.kind === 'start' || node.kind === 'end' ? 32 : LEAF_HEIGHT };
    elkNodes.set(node.id, elkNode);
  }
  for (const node of graph.nodes) {
    const parent = node.parentId ? elkNodes.get(node.parentId) : root;
    (parent ?? root).children!.push(elkNodes.get(node.id)!);
    // An empty container still needs a size.
    if (node.container && !graph.nodes.some((child) => child.parentId === node.id)) Object.assign(elkNodes.get(node.id)!, { width: LEAF_WIDTH, height: LEAF_HEIGHT });
  }
  root.edges = graph.edges.map((edge): ElkExtendedEdge => ({ id: edge.id, sources: [edge.source], targets: [edge.target] }));
  const laidOut = await elk.layout(root);
  const placed = new Map<string, PlacedNode>();
  const visit = (node: ElkNode) => {
    for (const child of node.children ?? []) {
      placed.set(child.id, { id: child.id, x: child.x ?? 0, y: child.y ?? 0, width: child.width ?? LEAF_WIDTH, height: child.height ?? LEAF_HEIGHT });
      visit(child);
    }
  };
  visit(laidOut);
  return placed;
}
