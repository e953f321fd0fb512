import { useEffect, useRef, useState } from 'react';
import type { ProgressEvent } from '../../../src/core/events.ts';
import { applyEvent, createTaskTree, type TaskTree } from '../../../src/cli/views/task-tree-state.ts';
import { ApiError, getExecution, getExecutionDocument, openExecutionStream, type ExecutionRecord } from '../api.ts';

export interface LiveExecution {
  record?: ExecutionRecord;
  document?: string;
  tree: TaskTree;
  /** Bumped after each batch of events is applied (once per animation frame at most). */
  version: number;
  /** Events that arrived with a sequence number other than the next one expected. */
  outOfOrder: number;
  streaming: boolean;
  error?: string;
  /** The service knows no execution with this id. */
  notFound: boolean;
  setRecord(record: ExecutionRecord): void;
}

/**
 * Follows one execution: its record and document once, then its event stream (backlog then
 * live) folded into a task tree. Events are applied as they arrive; React re-renders at most once
 * per animation frame, so a burst of thousands of events never queues renders behind it.
 */
export function useExecution(id: string): LiveExecution {
  const tree = useRef(createTaskTree());
  const [version, setVersion] = useState(0);
  const [record, setRecord] = useState<ExecutionRecord>();
  const [document, setDocument] = useState<string>();
  const [streaming, setStreaming] = useState(true);
  const [error, setError] = useState<string>();
  const [notFound, setNotFound] = useState(false);
  const outOfOrder = useRef(0);

  useEffect(() => {
    let frame = 0;
    const schedule = () => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        setVersion((value) => value + 1);
      });
    };
    const onEvent = (event: ProgressEvent) => {
      if (event.seq !== tree.current.lastSeq + 1) outOfOrder.current += 1;
      applyEvent(tree.current, event);
      schedule();
    };
    const fail = (reason: Error) => {
      if (reason instanceof ApiError && reason.status === 404) {
        setNotFound(true);
        setStreaming(false);
        source.close();
      } else setError(reason.message);
    };
    getExecution(id)
      .then((snapshot) => setRecord(snapshot.execution))
      .catch(fail);
    getExecutionDocument(id)
      .then((body) => setDocument(body.document))
      .catch(fail);
    const source = openExecutionStream(id, onEvent, () => {
      setStreaming(false);
      // The terminal event closed the stream: refresh the record for its final output and times.
      getExecution(id).then((snapshot) => setRecord(snapshot.execution)).catch(() => {});
    });
    return () => {
      source.close();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [id]);

  return { record, document, tree: tree.current, version, outOfOrder: outOfOrder.current, streaming, error, notFound, setRecord };
}
