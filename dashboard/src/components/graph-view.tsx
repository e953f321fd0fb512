import { Background, Controls, Handle, Position, ReactFlow, type Edge, type Node, type NodeProps } from '@xyflow/react';
import { memo, useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import type { TaskStatus } from '../../../src/core/events.ts';
import { layoutGraph, type PlacedNode } from '../graph/layout.ts';
import type { WorkflowGraph } from '../graph/workflow-graph.ts';
import type { PointerSummary } from '../live/task-status.ts';

interface TaskNodeData extends Record<string, unknown> {
  label: string;
  kind: string;
  pointer: string;
  container: boolean;
  inCatch: boolean;
  status: TaskStatus | 'start' | 'end';
  instances: number;
  attempts: number;
  selected: boolean;
  loop?: { started: number; items: number };
  onSelect(pointer: string): void;
}

const TaskBox = memo(function TaskBox({ data }: NodeProps<Node<TaskNodeData>>) {
  const classes = ['task-node', `status-${data.status}`, data.container ? 'container' : 'leaf', data.selected ? 'selected' : '', data.inCatch ? 'in-catch' : ''];
  const selectable = data.pointer.startsWith('/');
  const select = () => selectable && data.onSelect(data.pointer);
  return (
    <div
      className={classes.join(' ')}
      data-pointer={data.pointer}
      data-status={data.status}
      title={data.pointer}
      {...(selectable
        ? {
            role: 'button',
            tabIndex: 0,
            'aria-pressed': data.selected,
            onKeyDown: (event: KeyboardEvent) => {
              if (event.key !== 'Enter' && event.key !== ' ') return;
              event.preventDefault();
              select();
            },
          }
        : {})}
    >
      <Handle type="target" position={Position.Top} />
      <div className="task-node-head">
        <span className="task-kind">{data.kind}</span>
        <span className="task-name">{data.label}</span>
        {data.loop ? <span className="task-progress" data-testid="loop-progress">{data.loop.started}/{data.loop.items}</span> : data.instances > 1 ? <span className="task-count" title="instances (loop iterations)">×{data.instances}</span> : null}
        {data.attempts > 1 ? <span className="task-attempts" title="attempts">↻{data.attempts}</span> : null}
        <span className="sr-only">{data.status}</span>
      </div>
      <Handle type="source" position={Position.Bottom} />
    </div>
  );
});

const nodeTypes = { task: TaskBox };

interface GraphViewProps {
  graph: WorkflowGraph;
  statuses: Map<string, PointerSummary>;
  selected?: string;
  onSelect(pointer: string): void;
}

/** The whole workflow, laid out once from the document; only node colours change as events arrive. */
export function GraphView({ graph, statuses, selected, onSelect }: GraphViewProps) {
  const [placed, setPlaced] = useState<Map<string, PlacedNode>>();
  useEffect(() => {
    let live = true;
    layoutGraph(graph).then((result) => live && setPlaced(result));
    return () => {
      live = false;
    };
  }, [graph]);

  const nodes = useMemo<Array<Node<TaskNodeData>>>(() => {
    if (!placed) return [];
    return graph.nodes.map((node) => {
      const box = placed.get(node.id)!;
      const summary = statuses.get(node.id);
      const status = node.kind === 'start' || node.kind === 'end' ? node.kind : (summary?.status ?? 'pending');
      return {
        id: node.id,
        type: 'task',
        position: { x: box.x, y: box.y },
        ...(node.parentId ? { parentId: node.parentId, extent: 'parent' as const } : {}),
        style: { width: box.width, height: box.height },
        draggable: false,
        data: {
          label: node.label,
          kind: node.kind,
          pointer: node.id,
          container: node.container,
          inCatch: node.inCatch === true,
          status,
          instances: summary?.instances.length ?? 0,
          attempts: summary?.attempts ?? 0,
          selected: node.id === selected,
          ...(summary?.loop ? { loop: summary.loop } : {}),
          onSelect,
        },
      };
    });
  }, [graph, placed, statuses, selected, onSelect]);

  const edges = useMemo<Edge[]>(
    () =>
      graph.edges.map((edge) => ({
        id: edge.id,
        source: edge.source,
        target: edge.target,
        ...(edge.label ? { label: edge.label } : {}),
        animated: statuses.get(edge.source)?.status === 'completed' && statuses.get(edge.target)?.status === 'running',
      })),
    [graph, statuses],
  );

  if (!placed) return <div className="graph placeholder">laying out…</div>;
  return (
    <div className="graph" data-testid="graph">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        fitView
        minZoom={0.1}
        nodesConnectable={false}
        nodesFocusable={false}
        edgesFocusable={false}
        onNodeClick={(_, node) => node.id.startsWith('/') && onSelect(node.id)}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={24} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
